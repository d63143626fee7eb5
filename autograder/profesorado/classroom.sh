#!/usr/bin/env bash
# classroom.sh LAB — `make classroom LAB=07`: lo que hace falta para una tarea de GitHub
# Classroom, en build/classroom/:
#   NN-tema/plantilla/      el repositorio plantilla de la tarea (lo que recibe cada estudiante):
#     los archivos de partida del laboratorio, README.md (el enunciado, con una cabecera para
#     Classroom) y .github/workflows/classroom.yml (la calificación automática: flujo.py);
#   NN-tema/LEEME.md        los ajustes de la tarea y de la organización, paso a paso;
#   curso-calificador/      el repositorio privado del que el flujo trae el curso al calificar:
#     el curso sin lo del profesorado ni ninguna solución (la misma lista que Gradescope y VPL:
#     edicion.sh --lista --sin-soluciones). El mismo para todos los laboratorios.
# El calificador oculto no va en la plantilla: el estudiante podría cambiarlo en su repositorio.
# Variables: CALIFICAR (el ejecutor). Solo lee el curso; escribe en build/classroom/.
set -euo pipefail
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ"
export CALIFICAR=${CALIFICAR:-build/bin/calificar}
# shellcheck source=autograder/herramientas/lab.sh
source autograder/herramientas/lab.sh
carpeta=$(lab_carpeta classroom "${1:-}") || exit 2
if [ -n "${2:-}" ]; then
  # El flujo da los puntos de cada verificación en su propio paso (flujo.py), los de todas.
  echo "classroom: HITO= aún no vale para GitHub Classroom (el flujo puntúa cada verificación del laboratorio). Para calificar hasta un hito: make grade-clase LAB=$1 ENTREGAS=… HITO=$2 con los repositorios clonados (guía del profesorado, «GitHub Classroom»)." >&2
  exit 2
fi
numero=${carpeta:0:2}
mapfile -t archivos < <(lab_filas "$carpeta" archivo)
read -r titulo limite < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["titulo"].replace(" ", "_"), d["tiempo_limite_s"])' "labs/$carpeta/lab.json")
titulo=${titulo//_/ }
# El tope del trabajo: instalar el perfil grade en la imagen recién creada (unos 3 min en un
# runner), construir (1 min) y el tope del laboratorio, con margen.
minutos=$(((limite + 59) / 60 + 15))
SALIDA="$RAIZ/build/classroom"
ARMADO="$SALIDA/$carpeta"
PLANTILLA="$ARMADO/plantilla"
CURSO="$SALIDA/curso-calificador"
rm -rf "$ARMADO" "$CURSO"
mkdir -p "$PLANTILLA/.github/workflows" "$CURSO"
for a in "${archivos[@]}"; do cp "labs/$carpeta/$a" "$PLANTILLA/$a"; done
{
  sed -e "s|@CARPETA@|$carpeta|g" -e "s|@NUMERO@|$numero|g" -e "s|@TITULO@|$titulo|g" \
    -e "s|@ARCHIVOS@|${archivos[*]}|g" autograder/profesorado/classroom/cabecera.md
  cat "labs/$carpeta/README.md"
} >"$PLANTILLA/README.md"
python3 autograder/profesorado/classroom/flujo.py "labs/$carpeta/lab.json" "$carpeta" "$minutos" \
  >"$PLANTILLA/.github/workflows/classroom.yml"
printf 'build/\n*.o\n/%s\n' "$(lab_filas "$carpeta" programa)" >"$PLANTILLA/.gitignore"
sed -e "s|@CARPETA@|$carpeta|g" -e "s|@NUMERO@|$numero|g" -e "s|@TITULO@|$titulo|g" \
  -e "s|@ARCHIVOS@|${archivos[*]}|g" -e "s|@MINUTOS@|$minutos|g" -e "s|@LIMITE@|$limite|g" \
  autograder/profesorado/classroom/LEEME.md >"$ARMADO/LEEME.md"
bash autograder/profesorado/edicion.sh --lista --sin-soluciones |
  tar -cf - -T - | tar -xf - -C "$CURSO"
echo "GitHub Classroom: la plantilla en $PLANTILLA/ ($(find "$PLANTILLA" -type f | wc -l) archivos)"
echo "  y el curso del repositorio privado en $CURSO/ ($(find "$CURSO" -type f | wc -l) archivos); los pasos, en $ARMADO/LEEME.md."
