#!/usr/bin/env bash
# vigilar.sh — `make vigilar LAB=07`: el modo vigilancia (como `rustlings watch`). Califica,
# enseña la nota y la primera verificación que falla con su pista, y vuelve a calificar cada
# vez que guardas uno de los archivos que editas en ese laboratorio. Ctrl+C sale.
#
# Variables (las pasa make): LAB (obligatoria), ENTREGA (vigilar otra carpeta en vez de
# labs/NN-tema), SALIDA e HISTORIAL (a dónde van los informes y el progreso; por omisión, los
# de make grade), CALIFICAR (el ejecutor). VIGILAR_VECES=N sale sola tras N calificaciones
# (para las pruebas). Necesita inotifywait (paquete inotify-tools, lo instala make deps).
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ" || exit 1
CALIFICAR=${CALIFICAR:-build/bin/calificar}
MAKE=${MAKE:-make}

if [ -z "${LAB:-}" ]; then
  echo "vigilar: di qué laboratorio, p. ej. make vigilar LAB=07" >&2
  exit 2
fi
if ! command -v inotifywait >/dev/null 2>&1; then
  echo "vigilar: falta la orden inotifywait (paquete inotify-tools). Instálala con: make deps" >&2
  exit 2
fi
mapfile -t carpetas < <("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$LAB" | awk -F'\t' '$2 == "programa" { print $1 }')
if [ "${#carpetas[@]}" -ne 1 ]; then
  echo "vigilar: LAB=$LAB no es un laboratorio (o es más de uno): mira labs/" >&2
  exit 2
fi
carpeta=${carpetas[0]}
numero=${carpeta:0:2}
mapfile -t archivos < <("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$carpeta" | awk -F'\t' '$2 == "archivo" { print $3 }')
dir=${ENTREGA:-labs/$carpeta}
if [ ! -d "$dir" ]; then
  echo "vigilar: no existe la carpeta $dir" >&2
  exit 2
fi
mkdir -p build/vigilar
ultima=build/vigilar/ultima.txt

# Solo se borra la pantalla en una terminal; en un archivo, cada calificación va detrás de
# la anterior.
limpiar_pantalla() { [ -t 1 ] && printf '\033[H\033[2J'; return 0; }

vigilante=""
salir() {
  [ -n "$vigilante" ] && kill "$vigilante" 2>/dev/null && wait "$vigilante" 2>/dev/null
  printf '\nFin de la vigilancia del laboratorio %s. Tu última nota está en %s/ (make pista LAB=%s).\n' "$numero" "${SALIDA:-build/calificacion}" "$numero"
  exit 0
}
trap salir INT TERM

n=0
calificar() {
  n=$((n + 1))
  limpiar_pantalla
  printf '⏳ Calificando el laboratorio %s (n.º %d)…\n' "$numero" "$n"
  "$MAKE" -s --no-print-directory grade LAB="$carpeta" ${ENTREGA:+ENTREGA="$ENTREGA"} \
    ${SALIDA:+SALIDA="$SALIDA"} ${HISTORIAL:+HISTORIAL="$HISTORIAL"} >"$ultima" 2>&1
  limpiar_pantalla
  printf 'Vigilando %s/{%s} · guarda para volver a calificar · Ctrl+C para salir\n' "$dir" "$(IFS=,; echo "${archivos[*]}")"
  printf 'Calificación n.º %d, a las %s\n\n' "$n" "$(date +%H:%M:%S)"
  local nota
  nota=$(grep -E "^ *Lab $numero: [0-9]+/[0-9]+ puntos" "$ultima" | tail -n1 | sed 's/^ *//')
  if [ -z "$nota" ]; then
    echo "No se pudo calificar; lo último que dijo make grade:"
    tail -n 20 "$ultima"
  elif ! grep -q '✘' "$ultima"; then
    printf '%s\n\n¡Completo! Todas las verificaciones pasan.\n' "$nota"
  else
    printf '%s\n\n' "$nota"
    # La primera que falla, con su bloque entero (qué, esperado, obtenido, pista): en el
    # informe resumido es la única con detalle, hasta la siguiente línea ✔/✘.
    sed 's/\x1b\[[0-9;]*m//g' "$ultima" |
      awk '/^  ✘/ && !vista { vista = 1; en = 1; print; next }
           en && (/^  [✔✘]/ || /^  Lab /) { exit }
           en { print }'
    printf '\nMás concreta: make pista LAB=%s · todo el detalle: make grade LAB=%s DETALLE=1\n' "$numero" "$numero"
  fi
  printf '\nEsperando cambios en %s…\n' "$(IFS=' '; echo "${archivos[*]}")"
}

# El vigilante: una línea por archivo guardado en la carpeta (los editores que guardan con
# un temporal y rename dan moved_to; los demás, close_write).
coproc VIGILANTE { exec inotifywait -m -q -e close_write,moved_to,create --format '%f' "$dir"; }
vigilante=$VIGILANTE_PID
calificar
while :; do
  if [ -n "${VIGILAR_VECES:-}" ] && [ "$n" -ge "$VIGILAR_VECES" ]; then
    salir
  fi
  IFS= read -r nombre <&"${VIGILANTE[0]}" || salir
  es_nuestro=0
  for a in "${archivos[@]}"; do [ "$nombre" = "$a" ] && es_nuestro=1; done
  [ $es_nuestro -eq 1 ] || continue
  # Un guardado suele dar varios eventos seguidos: se espera a que se calmen.
  while IFS= read -r -t 0.3 nombre <&"${VIGILANTE[0]}"; do :; done
  calificar
done
