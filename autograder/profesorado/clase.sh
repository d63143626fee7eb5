#!/usr/bin/env bash
# clase.sh LAB ENTREGAS [J] — `make grade-clase LAB=07 ENTREGAS=dir [J=2] [ALUMNO=…] [LISTA=…]`:
# califica cada subcarpeta de ENTREGAS (una por estudiante) exactamente como «make grade
# LAB=07 ENTREGA=…»: el mismo ejecutor recoge la entrega (recoger.py: nombres sin distinguir
# mayúsculas, copias « (n)», zip, el repositorio entero), la misma caja, los mismos informes.
#
#   - ALUMNO=carpeta vuelve a calificar solo esa entrega y rehace las hojas con las demás
#     notas que ya había; nada de otras clases ni de otros estudiantes se borra.
#   - LISTA=archivo: la lista de la clase (una línea «Nombre» o «Nombre;id»): quien no
#     entregó sale en las hojas como «sin entrega».
#   - Carpetas de Moodle («Ana García López_301245_assignsubmission_file_»): nombre e id.
#   - ENTREGAS puede ser también el zip de «Descargar entregas» de una actividad de VPL (o la
#     carpeta donde se descomprimió): vpl_entregas.py toma la última entrega de cada uno
#     («García López Ana 301245 agarcia/AAAA-MM-DD-hh-mm-ss/») y las hojas leen nombre e id.
#   - HITO=B: solo hasta ese hito de lab.json, nota sobre 100 (como make grade HITO=B), en
#     build/clase/<lab>-hito-B/.
#   - J calificaciones a la vez (por omisión, tantas como núcleos), que se reparten las
#     verificaciones a la vez de lab.json («trabajos»: 12 y J=2, 6 en cada una); TRABAJOS=n,
#     n en cada una.
#   - Salida en build/clase/<lab>/ (hojas.py la escribe): notas.csv (para guiones), notas-es.csv
#     (hoja de cálculo en español: «;», coma decimal, UTF-8 con BOM), moodle-notas.csv,
#     retroalimentacion/ (un informe por estudiante, para subirlos de una vez), similitud.txt
#     (entregas parecidas, con sim_c: nunca una nota), alumnos/<alumno>/ y resumen.txt, que
#     también sale en pantalla.
# Variables (las pone make): CALIFICAR, B, CC, CALIF_CFLAGS, CALIF_LIBS, TRABAJOS, ALUMNO, LISTA,
# HITO.
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ" || exit 1
LAB=${1:-}
ENTREGAS=${2:-}
J=${3:-}
[ -n "$J" ] || J=$(nproc 2>/dev/null || echo 2)
if [ -z "$LAB" ] || [ -z "$ENTREGAS" ]; then
  echo "grade-clase: uso: make grade-clase LAB=07 ENTREGAS=carpeta [J=2]" >&2
  exit 2
fi
if [ ! -d "$ENTREGAS" ] && [ ! -f "$ENTREGAS" ]; then
  echo "grade-clase: ENTREGAS=$ENTREGAS no es una carpeta ni el zip de VPL" >&2
  exit 2
fi
case "$J" in '' | *[!0-9]* | 0) echo "grade-clase: J debe ser un número ≥ 1" >&2; exit 2 ;; esac
command -v python3 >/dev/null || { echo "grade-clase: falta python3 (make deps)" >&2; exit 2; }
[ -d "$ENTREGAS" ] && ENTREGAS=$(cd "$ENTREGAS" && pwd)
mapfile -t carpetas < <("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$LAB" | awk -F'\t' '$2 == "programa" { print $1 }')
if [ "${#carpetas[@]}" -ne 1 ]; then
  echo "grade-clase: LAB=$LAB no es un laboratorio (o es más de uno)" >&2
  exit 2
fi
lab=${carpetas[0]}
datos=$("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab")
mapfile -t archivos < <(awk -F'\t' '$2 == "archivo" { print $3 }' <<<"$datos")
limite=$(awk -F'\t' '$2 == "tiempo_limite_s" { print $3 }' <<<"$datos")
trabajos=$(awk -F'\t' '$2 == "trabajos" { print $3 }' <<<"$datos")
# Las J calificaciones se reparten los «trabajos» de lab.json, no los multiplican (el porqué y
# las cifras, en lab_trabajos_repartidos). Con TRABAJOS=n, n en cada una.
# shellcheck source=autograder/herramientas/lab.sh
source "$RAIZ/autograder/herramientas/lab.sh"
if [ -n "${TRABAJOS:-}" ]; then
  por_uno=$TRABAJOS
else
  por_uno=$(lab_trabajos_repartidos "$trabajos" "$J")
fi
# HITO tiene que ser uno de lab.json (también va en el nombre de la carpeta de salida).
lab_hito grade-clase "$lab" "${HITO:-}" || exit 2
# Con HITO=B (solo hasta ese hito, nota sobre 100) las notas van aparte: no se mezclan con
# las del laboratorio entero ni se comparan con ellas.
SAL="$B/clase/$lab${HITO:+-hito-$HITO}"
# Nada se borra entero: cada calificación sustituye solo la carpeta de su estudiante.
mkdir -p "$SAL/alumnos"
# Las entregas de VPL (el zip de «Descargar entregas» o su carpeta): la última de cada uno.
vpl=()
if [ -f "$ENTREGAS" ] || python3 "$RAIZ/autograder/profesorado/vpl_entregas.py" --es-vpl "$ENTREGAS"; then
  python3 "$RAIZ/autograder/profesorado/vpl_entregas.py" "$ENTREGAS" "$SAL/entregas-vpl" || exit 2
  ENTREGAS="$SAL/entregas-vpl"
  vpl=(--vpl)
fi
if [ -n "${LISTA:-}" ] && [ ! -r "$LISTA" ]; then
  echo "grade-clase: LISTA=$LISTA no se puede leer" >&2
  exit 2
fi

mapfile -t alumnos < <(find "$ENTREGAS" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | LC_ALL=C sort)
if [ "${#alumnos[@]}" -eq 0 ] && [ -z "${LISTA:-}" ]; then
  echo "grade-clase: no hay ninguna subcarpeta (una por estudiante) en $ENTREGAS" >&2
  exit 2
fi
a_calificar=("${alumnos[@]}")
if [ -n "${ALUMNO:-}" ]; then
  if [ ! -d "$ENTREGAS/$ALUMNO" ] || [[ "$ALUMNO" == */* ]]; then
    echo "grade-clase: ALUMNO=$ALUMNO no es una subcarpeta de $ENTREGAS" >&2
    exit 2
  fi
  a_calificar=("$ALUMNO")
fi
echo "Calificando ${#a_calificar[@]} entrega(s) del laboratorio $lab, $J a la vez ($por_uno verificaciones a la vez en cada una)…"
inicio=$(date +%s.%N)

# La huella de lo que entregó (nombres, tamaños y contenido): si no cambia y la nota sí, el
# resumen lo señala (una nota que depende de la carga de la máquina).
huella() { (cd "$1" && find . \( -type f -o -type l \) -print0 | LC_ALL=C sort -z |
  xargs -0 -r sha256sum 2>/dev/null | sha256sum | cut -c1-16); }

# Una entrega: el ejecutor la recoge y la califica (como make grade ENTREGA=). Nunca falla.
calificar_uno() {
  local alumno=$1
  local dir_alumno="$SAL/alumnos/$alumno" previo="$SAL/alumnos/.$alumno.previo"
  rm -rf "$previo"
  [ -d "$dir_alumno" ] && mv "$dir_alumno" "$previo"
  mkdir -p "$dir_alumno"
  huella "$ENTREGAS/$alumno" >"$dir_alumno/huella"
  # Nota anterior con la misma entrega, para señalar si cambia.
  if [ -s "$previo/results.json" ] && cmp -s "$previo/huella" "$dir_alumno/huella"; then
    cp "$previo/results.json" "$dir_alumno/anterior.json"
  fi
  rm -rf "$previo"
  # El ejecutor ya acota cada calificación; esto solo es la red de seguridad.
  timeout -k 10 $((limite * 2 + 120)) "$CALIFICAR" --raiz "$RAIZ" --construccion "$B" --cc "$CC" \
    --cflags "$CALIF_CFLAGS" --libs "$CALIF_LIBS" --lab "$lab" --entrega "$ENTREGAS/$alumno" \
    --salida "$dir_alumno" --trabajos "$por_uno" ${HITO:+--hito "$HITO"} \
    >"$dir_alumno/terminal.txt" 2>&1
  echo $? >"$dir_alumno/codigo"
  # Lo recogido se guarda (para buscar entregas parecidas); lo que pesa (binario, fuentes
  # copiadas) no hace falta después.
  [ -d "$dir_alumno/trabajo/$lab/entrega" ] && cp -r "$dir_alumno/trabajo/$lab/entrega" "$dir_alumno/entrega"
  rm -rf "$dir_alumno/trabajo"
}

en_marcha=0
hechas=0
for alumno in "${a_calificar[@]}"; do
  if [ "$en_marcha" -ge "$J" ]; then
    wait -n
    en_marcha=$((en_marcha - 1))
    hechas=$((hechas + 1))
    [ -t 1 ] && printf '\r  %d/%d calificadas' "$hechas" "${#a_calificar[@]}"
  fi
  calificar_uno "$alumno" &
  en_marcha=$((en_marcha + 1))
done
wait
[ -t 1 ] && printf '\r\033[K'
fin=$(date +%s.%N)
segundos=$(awk -v a="$inicio" -v b="$fin" 'BEGIN{printf "%.1f", b-a}')

# Los archivos sueltos arriba de ENTREGAS no son de ningún estudiante: se dicen.
mapfile -t sueltos < <(find "$ENTREGAS" -mindepth 1 -maxdepth 1 ! -type d -printf '%f\n' | LC_ALL=C sort)
# Entregas parecidas (sim_c): una lista para mirar a mano, nunca una nota.
partida=()
for a in "${archivos[@]}"; do [ -f "labs/$lab/$a" ] && partida+=(--partida "labs/$lab/$a"); done
python3 "$RAIZ/autograder/profesorado/similitud.py" --salida "$SAL" "${partida[@]}" -- "${alumnos[@]}" ||
  echo "grade-clase: no se pudo buscar entregas parecidas" >&2
extra=()
for s in "${sueltos[@]}"; do extra+=(--suelto "$s"); done
[ -n "${LISTA:-}" ] && extra+=(--lista "$LISTA")
python3 "$RAIZ/autograder/profesorado/hojas.py" --salida "$SAL" --lab "$lab" --segundos "$segundos" \
  --j "$J" --calificadas "${#a_calificar[@]}" "${vpl[@]}" "${extra[@]}" -- "${alumnos[@]}"
