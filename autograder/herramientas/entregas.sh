# entregas.sh — recoger de una carpeta cualquiera los archivos que edita el estudiante en un
# laboratorio (se carga con «source»). Es solo la puerta de los guiones a recoger.py, la
# única forma de recoger una entrega: el ejecutor (`calificar --entrega`) la llama igual
# para make grade ENTREGA=, grade-clase y Gradescope. Las reglas están en recoger.py.
#
#   entregas_recoger CARPETA_LAB ORIGEN DESTINO ARCHIVO…
#
# Copia a DESTINO (nueva) los archivos del laboratorio CARPETA_LAB (p. ej. 07-monitor-web)
# que haya en ORIGEN e imprime en una línea lo que haya que anotar (o nada). Devuelve el
# código de recoger.py: 0 tomados, 3 sin entrega, 4 no se puede calificar.
entregas_recoger() {
  local carpeta=$1 origen=$2 destino=$3
  shift 3
  local args=() a
  for a in "$@"; do args+=(--archivo "$a"); done
  python3 -I "$(dirname "${BASH_SOURCE[0]}")/recoger.py" --carpeta "$carpeta" "${args[@]}" -- "$origen" "$destino"
}
