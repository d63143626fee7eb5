#!/usr/bin/env bash
# setup.sh — Gradescope lo ejecuta una sola vez, como root, al construir la imagen del
# autograder (laboratorio @CARPETA@): instala los paquetes de Debian/Ubuntu que hacen falta
# para calificar y construye el curso (biblioteca, servidor de práctica, ejecutor y el
# calificador oculto de este laboratorio). Lo genera «make gradescope LAB=@NUMERO@».
#
# AUTOGRADER_RAIZ sustituye a /autograder (las pruebas del curso lo usan para ensayarlo en
# una carpeta temporal, sin Gradescope).
set -eu
GS=${AUTOGRADER_RAIZ:-/autograder}
CURSO="$GS/source/curso"
export DEBIAN_FRONTEND=noninteractive
cd "$CURSO"
# Como root instala lo que falte con apt-get (lo mismo que make deps, solo el perfil grade).
bash common/herramientas/dependencias.sh asegurar grade "setup.sh de Gradescope"
make --no-print-directory -j"$(nproc 2>/dev/null || echo 2)" preparar-calificacion LAB=@CARPETA@
chmod +x "$GS/source/run_autograder"
echo "setup.sh: curso construido en $CURSO para el laboratorio @CARPETA@"
