#!/usr/bin/env bash
# formato.sh comprobar|aplicar — el formato de nuestro C (.clang-format) en un solo sitio.
#
# Se formatea: common/, autograder/, los calificadores y clientes de labs/, bench/ y los
# programas del comprobador de lecciones (lessons/verificar/).
# No se formatea, a propósito:
#   - lessons/*.c: los capítulos citan sus programas al pie de la letra (lo comprueba
#     lessons/verificar); reformatear uno obligaría a reescribir su capítulo. Los programas del
#     comprobador (lessons/verificar/*.c) no se citan: esos sí;
#   - labs/NN-tema/*.c (programas de partida) y solutions/: los mutantes son parches contra
#     las soluciones, y las partidas salen de ellas, de sus marcas «//@» (make partidas;
#     .clang-format no parte esas marcas: CommentPragmas).
# comprobar: sale con 1 y dice qué archivos cambiarían. aplicar: los reescribe.
set -u
cd "$(dirname "$0")/../.." || exit 1
modo=${1:-comprobar}
command -v clang-format >/dev/null || { echo "formato: falta clang-format (make deps)" >&2; exit 1; }
mapfile -t archivos < <(git ls-files --cached --others --exclude-standard 'common/*.[ch]' 'autograder/*.[ch]' \
  'labs/*/.calificador/*.[ch]' 'labs/*/cliente/*.[ch]' 'bench/*.[ch]' ':(glob)lessons/verificar/*.[ch]' \
  2>/dev/null || {
  find common autograder bench labs/*/.calificador labs/*/cliente -name '*.[ch]'
  find lessons/verificar -maxdepth 1 -name '*.[ch]' # no sus controles de estilo-control/
})
case "$modo" in
  aplicar) clang-format -i "${archivos[@]}" ;;
  comprobar)
    # Todos en un solo clang-format: con -Werror sale con error si uno solo se aparta. Solo
    # entonces, uno a uno para nombrar los que se apartan (un clang-format por archivo eran
    # 311 arranques y 41 s de CPU en make test).
    # Sin archivos no se llama: clang-format sin ninguno leería la entrada estándar.
    malos=()
    if [ ${#archivos[@]} -gt 0 ] && ! clang-format --dry-run -Werror "${archivos[@]}" >/dev/null 2>&1; then
      for f in "${archivos[@]}"; do
        clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || malos+=("$f")
      done
      # Si uno a uno todos pasan, el fallo fue del clang-format de todos a la vez: se dice.
      [ ${#malos[@]} -gt 0 ] || malos=("(clang-format falló con todos a la vez, y con cada uno no)")
    fi
    if [ ${#malos[@]} -gt 0 ]; then
      echo "Sin el formato del curso (arréglalo con «bash common/herramientas/formato.sh aplicar»):"
      printf '  %s\n' "${malos[@]}"
      echo "resumen: ${#archivos[@]} archivos, ${#malos[@]} sin formato"
      exit 1
    fi
    echo "resumen: ${#archivos[@]} archivos con el formato del curso"
    ;;
  *) echo "uso: $0 comprobar|aplicar" >&2; exit 2 ;;
esac
