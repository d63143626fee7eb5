#!/usr/bin/env bash
# setup.sh — Gradescope lo ejecuta una sola vez, como root, al construir la imagen del
# autograder (laboratorio @CARPETA@): instala los paquetes de Debian/Ubuntu que hacen falta
# para calificar y construye el curso (biblioteca, servidor de práctica, ejecutor y el
# calificador oculto de este laboratorio). Lo genera «make gradescope LAB=@NUMERO@».
#
# Sistemas: las imágenes base de Gradescope de Ubuntu 22.04 y 24.04, y Debian 12 y 13 (todo
# viene de sus paquetes). Solo se ha probado en Debian 12; en otro sistema avisa y lo intenta.
# Instala y exige solo el perfil «grade» de dependencias.sh (más python3, con el que el
# ejecutor recoge la entrega): nada del libro, las comparaciones ni las pruebas.
#
# AUTOGRADER_RAIZ sustituye a /autograder (las pruebas del curso lo usan para ensayarlo en
# una carpeta temporal, sin Gradescope).
set -eu
GS=${AUTOGRADER_RAIZ:-/autograder}
CURSO="$GS/source/curso"
export DEBIAN_FRONTEND=noninteractive
cd "$CURSO"
sistema=desconocido
if [ -r /etc/os-release ]; then
  # shellcheck source=/dev/null
  sistema=$(. /etc/os-release && echo "${ID:-?} ${VERSION_ID:-?}")
fi
case "$sistema" in
  "ubuntu 22.04" | "ubuntu 24.04" | "debian 12" | "debian 13") echo "setup.sh: sistema $sistema" ;;
  *) echo "setup.sh: aviso: $sistema no es uno de los probados (Ubuntu 22.04/24.04, Debian 12/13); se intenta igual" ;;
esac
# Una imagen de Docker recién hecha no trae las listas de apt: sin ellas no se instala nada.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]; then
  apt-get update -q
fi
# python3: el ejecutor recoge la entrega con autograder/herramientas/recoger.py.
if ! command -v python3 >/dev/null; then
  [ "$(id -u)" = 0 ] && apt-get install -y -q --no-install-recommends python3
fi
command -v python3 >/dev/null || { echo "setup.sh: falta python3 (apt-get install python3)" >&2; exit 1; }
# Como root instala lo que falte con apt-get (solo el perfil grade: lo que hace falta para
# calificar).
bash common/herramientas/dependencias.sh asegurar grade "setup.sh de Gradescope"
make --no-print-directory -j"$(nproc 2>/dev/null || echo 2)" preparar-calificacion LAB=@CARPETA@
chmod +x "$GS/source/run_autograder"
echo "setup.sh: curso construido en $CURSO para el laboratorio @CARPETA@"
