# shellcheck shell=bash
# lab.sh — qué carpeta de labs/ es el LAB que pide una orden del curso (vigilar, gradescope,
# vpl), según el ejecutor (calificar --lista), con el mismo mensaje en todas. Se carga con
# «source» desde un script que ya tiene RAIZ y CALIFICAR.
#
#   carpeta=$(lab_carpeta vpl "$LAB") || exit 2    → 07-monitor-web
#   lab_filas "$carpeta" archivo                   → monitor.c (una por línea)
#   lab_hito gradescope "$carpeta" "$HITO" || exit 2   (HITO vacío o un hito de lab.json)

# lab_carpeta ORDEN LAB: escribe la carpeta del laboratorio LAB. Si LAB falta o no es
# exactamente un laboratorio, lo dice en nombre de ORDEN y devuelve 2.
lab_carpeta() {
  local orden=$1 lab=$2 carpetas
  if [ -z "$lab" ]; then
    echo "$orden: di qué laboratorio, p. ej. make $orden LAB=07" >&2
    return 2
  fi
  mapfile -t carpetas < <(lab_filas "$lab" programa 1)
  if [ "${#carpetas[@]}" -ne 1 ]; then
    echo "$orden: LAB=$lab no es un laboratorio (o es más de uno): mira labs/" >&2
    return 2
  fi
  printf '%s\n' "${carpetas[0]}"
}

# lab_hito ORDEN CARPETA HITO: nada si HITO está vacío o es un hito de lab.json; si no, lo
# dice en nombre de ORDEN (con los hitos que hay) y devuelve 2. HITO va también en nombres
# de archivo: solo vale un id de lab.json (letras y cifras).
lab_hito() {
  local orden=$1 carpeta=$2 hito=$3 ids
  [ -z "$hito" ] && return 0
  ids=$(lab_filas "$carpeta" hito | paste -sd' ')
  if [[ " $ids " != *" $hito "* ]]; then
    echo "$orden: el laboratorio $carpeta no tiene el hito «$hito» (sus hitos: $ids)" >&2
    return 2
  fi
}

# lab_filas LAB TIPO [COLUMNA]: de las filas de `calificar --lista` de tipo TIPO (programa,
# archivo), la columna COLUMNA (3 por omisión: el nombre del programa o del archivo).
lab_filas() {
  "$CALIFICAR" --raiz "$RAIZ" --lista --lab "$1" |
    awk -F'\t' -v tipo="$2" -v col="${3:-3}" '$2 == tipo { print $col }'
}
