#!/usr/bin/env bash
# publicar-practica.sh — publica o retira las respuestas de la práctica de una lección
# (solutions/practica/NN-tema/) en la edición del estudiante, como make publicar LAB=NN
# hace con la solución de un laboratorio. El estado está en
# lessons/practica/respuestas-publicadas.txt (una carpeta de lección por línea), que
# edicion.sh lee.
#
#   publicar-practica.sh --publicar NN | --despublicar NN | --estado
# Sale con 0 si hizo lo pedido (o ya estaba así), 2 si la lección no existe o no tiene respuestas.
set -euo pipefail
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ"
LISTA=lessons/practica/respuestas-publicadas.txt
[ -f "$LISTA" ] || { echo "publicar: falta $LISTA" >&2; exit 2; }

publicadas() { sed -e 's/#.*//' -e 's/[[:space:]]//g' "$LISTA" | sed '/^$/d'; }

if [ "${1:-}" = --estado ]; then
  for d in solutions/practica/[0-9][0-9]*-*/; do
    [ -d "$d" ] || continue
    l=$(basename "$d")
    if publicadas | grep -qxF "$l"; then e="publicadas"; else e="sin publicar"; fi
    printf '  práctica %s  %-28s respuestas %s (%d)\n' "${l:0:2}" "$l" "$e" "$(ls "$d" | wc -l)"
  done
  exit 0
fi
orden=${1:-}
num=${2:-}
case "$orden" in --publicar | --despublicar) ;; *)
  echo "uso: publicar-practica.sh --publicar NN | --despublicar NN | --estado" >&2
  exit 2
  ;;
esac
mapfile -t cand < <(cd solutions/practica 2>/dev/null && ls -d "$num"-*/ 2>/dev/null | sed 's|/$||')
if [ ${#cand[@]} -ne 1 ] || [ ! -d "lessons/${cand[0]}/practica" ]; then
  echo "publicar: la lección $num no tiene respuestas de práctica en solutions/practica/" >&2
  exit 2
fi
l=${cand[0]}
if [ "$orden" = --publicar ]; then
  if publicadas | grep -qxF "$l"; then
    echo "Las respuestas de la práctica $num ($l) ya estaban publicadas."
  else
    echo "$l" >>"$LISTA"
    echo "Publicadas las respuestas de la práctica $num ($l): entran en la próxima make edicion-estudiante."
  fi
else
  if publicadas | grep -qxF "$l"; then
    grep -vxF "$l" "$LISTA" >"$LISTA.tmp" || true
    mv "$LISTA.tmp" "$LISTA"
    echo "Retiradas las respuestas de la práctica $num ($l) de las próximas ediciones (lo ya publicado sigue en la historia de git de la edición)."
  else
    echo "Las respuestas de la práctica $num ($l) no estaban publicadas."
  fi
fi
