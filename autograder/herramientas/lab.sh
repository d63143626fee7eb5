# shellcheck shell=bash
# lab.sh — qué carpeta de labs/ es el LAB que pide una orden del curso (vigilar, gradescope,
# vpl), según el ejecutor (calificar --lista), con el mismo mensaje en todas. Se carga con
# «source» desde un script que ya tiene RAIZ y CALIFICAR.
#
#   carpeta=$(lab_carpeta vpl "$LAB") || exit 2    → 07-monitor-web
#   lab_filas "$carpeta" archivo                   → monitor.c (una por línea)
#   lab_hito gradescope "$carpeta" "$HITO" || exit 2   (HITO vacío o un hito de lab.json)
#   lab_trabajos_repartidos 12 2                   → 6 (verificaciones a la vez en cada una)

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

# lab_trabajos_repartidos TRABAJOS J: las verificaciones a la vez de cada una de J
# calificaciones del mismo laboratorio que corren juntas (grade-clase, prueba-mutantes):
# TRABAJOS / J, al menos 1. «trabajos» en lab.json es lo que una máquina de 2 núcleos aguanta
# de ese laboratorio a la vez; J calificaciones juntas se lo reparten, no lo multiplican.
# Medido el 03-12-2026 con el 11 («trabajos»: 12) en 2 núcleos, calificando mutantes que solo
# tocan los reintentos: con J=2 y 12 en cada una, 1 de 4 calificaciones perdió además
# descarga_integra, estancada y concurrencia_maxima (las que miden tiempos bajo strace), en
# 66 s; con 6 en cada una, 0 de 4, en 31 s. Con J=3 y 12, 4 de 9 (76–101 s); con 4, 0 de 6
# (53–86 s): repartidas, además, acaban antes.
lab_trabajos_repartidos() {
  local cada=$(($1 / $2))
  [ "$cada" -ge 1 ] || cada=1
  echo "$cada"
}
