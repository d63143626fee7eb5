#!/usr/bin/env bash
# gradescope.sh LAB [HITO] — `make gradescope LAB=07 [HITO=B]`: el paquete del autograder de
# Gradescope, build/gradescope/NN-tema.zip (NN-tema-hito-B.zip con HITO: califica solo hasta
# ese hito, sobre 100, como make grade HITO=B), con la forma que pide Gradescope:
#   setup.sh          instala paquetes y construye el curso (una vez, al crear la imagen)
#   run_autograder    califica /autograder/submission/ → /autograder/results/results.json
#   curso/            el curso sin lo del profesorado (solo-profesorado.txt) y sin ninguna
#                     solución (edicion.sh --lista --sin-soluciones)
# Variables: CALIFICAR (el ejecutor). Solo lee el curso; escribe en build/gradescope/.
set -euo pipefail
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ"
export CALIFICAR=${CALIFICAR:-build/bin/calificar}
# shellcheck source=autograder/herramientas/lab.sh
source autograder/herramientas/lab.sh
carpeta=$(lab_carpeta gradescope "${1:-}") || exit 2
hito=${2:-}
lab_hito gradescope "$carpeta" "$hito" || exit 2
SALIDA="$RAIZ/build/gradescope"
ARMADO="$SALIDA/$carpeta${hito:+-hito-$hito}"
ZIP="$ARMADO.zip"
rm -rf "$ARMADO" "$ZIP"
mkdir -p "$ARMADO/curso"
bash autograder/profesorado/edicion.sh --lista --sin-soluciones | while IFS= read -r f; do
  cp -p --parents -- "$f" "$ARMADO/curso/"
done
for s in setup.sh run_autograder; do
  sed -e "s|@CARPETA@|$carpeta|g" -e "s|@NUMERO@|${carpeta:0:2}|g" -e "s|@HITO@|$hito|g" \
    "autograder/profesorado/gradescope/$s" >"$ARMADO/$s"
  chmod 755 "$ARMADO/$s"
done
(cd "$ARMADO" && zip -qr -X "$ZIP" setup.sh run_autograder curso)
rm -rf "$ARMADO"
echo "Gradescope: $ZIP ($(unzip -l "$ZIP" | tail -n1 | awk '{print $2}') archivos)."
echo "Súbelo en «Configure Autograder» (imagen base de Ubuntu; setup.sh instala los paquetes). Lo que entrega el estudiante en el ${carpeta}: $(lab_filas "$carpeta" archivo | paste -sd' ')"
