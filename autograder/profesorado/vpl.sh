#!/usr/bin/env bash
# vpl.sh LAB [HITO] — `make vpl LAB=07 [HITO=B]`: el paquete para una actividad de VPL
# (Virtual Programming Lab, el plugin de Moodle), build/vpl/NN-tema/ y build/vpl/NN-tema.zip
# (con HITO, NN-tema-hito-B: califica solo hasta ese hito, sobre 100, como make grade HITO=B):
#   archivos-de-ejecucion/   lo que se sube en «Archivos de ejecución» de la actividad:
#     vpl_evaluate.sh        «Evaluar»: construye el curso en la jaula y deja vpl_execution
#     vpl_run.sh             «Ejecutar»: compila la entrega y abre una consola con el servidor
#                            de práctica
#     vpl_calificar.py       califica con el ejecutor del curso y escribe la nota y los
#                            comentarios en el formato de VPL
#     curso.tar.gz           el curso en fuentes, sin lo del profesorado ni ninguna solución
#                            (la misma lista que Gradescope: edicion.sh --lista --sin-soluciones)
#   instalar-jaula.sh        para el administrador del servidor de jaulas: instala y comprueba
#   LEEME.md                 los ajustes de la actividad (archivos, tiempo, memoria, procesos)
# Variables: CALIFICAR (el ejecutor). Solo lee el curso; escribe en build/vpl/.
set -euo pipefail
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ"
export CALIFICAR=${CALIFICAR:-build/bin/calificar}
# shellcheck source=autograder/herramientas/lab.sh
source autograder/herramientas/lab.sh
carpeta=$(lab_carpeta vpl "${1:-}") || exit 2
hito=${2:-}
lab_hito vpl "$carpeta" "$hito" || exit 2
programa=$(lab_filas "$carpeta" programa)
archivos=$(lab_filas "$carpeta" archivo | paste -sd' ')
read -r titulo limite < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["titulo"].replace(" ", "_"), d["tiempo_limite_s"])' "labs/$carpeta/lab.json")
titulo=${titulo//_/ }
# Tiempo máximo de la actividad: construir el curso en la jaula (unos 10 s con la máquina
# libre; medido en la fila vpl de la suite de plataformas) más el tope del laboratorio, con
# margen para una jaula cargada.
tiempo=$((limite + 120))
SALIDA="$RAIZ/build/vpl"
paquete=$carpeta${hito:+-hito-$hito}
ARMADO="$SALIDA/$paquete"
ZIP="$SALIDA/$paquete.zip"
rm -rf "$ARMADO" "$ZIP"
mkdir -p "$ARMADO/archivos-de-ejecucion"
bash autograder/profesorado/edicion.sh --lista --sin-soluciones |
  tar -czf "$ARMADO/archivos-de-ejecucion/curso.tar.gz" --owner=0 --group=0 -T -
sustituir() {
  sed -e "s|@CARPETA@|$carpeta|g" -e "s|@NUMERO@|${carpeta:0:2}|g" -e "s|@PROGRAMA@|$programa|g" \
    -e "s|@ARCHIVOS@|$archivos|g" -e "s|@TITULO@|$titulo|g" -e "s|@TIEMPO@|$tiempo|g" \
    -e "s|@LIMITE@|$limite|g" -e "s|@HITO@|$hito|g" "$1"
}
for s in vpl_evaluate.sh vpl_run.sh vpl_calificar.py; do
  sustituir "autograder/profesorado/vpl/$s" >"$ARMADO/archivos-de-ejecucion/$s"
  chmod 755 "$ARMADO/archivos-de-ejecucion/$s"
done
sustituir autograder/profesorado/vpl/instalar-jaula.sh >"$ARMADO/instalar-jaula.sh"
chmod 755 "$ARMADO/instalar-jaula.sh"
sustituir autograder/profesorado/vpl/LEEME.md >"$ARMADO/LEEME.md"
(cd "$SALIDA" && zip -qr -X "$ZIP" "$paquete")
echo "VPL: $ARMADO/ y $ZIP ($(unzip -l "$ZIP" | tail -n1 | awk '{print $2}') archivos)."
echo "Sube archivos-de-ejecucion/ a «Archivos de ejecución»; archivos requeridos: $archivos; tiempo máximo: $tiempo s (LEEME.md)."
