#!/usr/bin/env bash
# pasada-mutantes.sh — el registro de la última pasada completa de los mutantes
# (autograder/mutantes/PASADA.txt) y la comprobación de que sigue valiendo.
#
#   pasada-mutantes.sh huella           la huella de todo lo que puede cambiar el veredicto de
#                                       un mutante (abajo, ENTRADAS), una línea
#   pasada-mutantes.sh sellar INFORME   escribe PASADA.txt con la huella de ahora y el informe
#                                       de `make prueba-mutantes` (entero, sin LAB=), si ese
#                                       informe acaba en «resumen: N comprobaciones, N pasan,
#                                       0 fallan» y no tiene ningún ✘; si no, no escribe nada
#   pasada-mutantes.sh comprobar        0 si PASADA.txt es de la huella de ahora; si no, dice
#                                       qué cambió desde entonces y sale con 1 (lo usa .ci/run)
#
# Por qué existe: calificar los 342 mutantes y programas de hitos son unos 55 minutos de CPU
# llena en una máquina de 2 núcleos, y `make test` otros 29: los dos no caben en los 90 minutos
# de CI (el CI del 25-11-2026 se pasó de tiempo con los dos). Recortar mutantes no es opción.
# Así que la pasada completa la hace quien entrega, antes de entregar (`make prueba-mutantes`
# la sella al acabar bien), y CI comprueba que el registro es de exactamente lo que se
# entrega: si cambió un calificador, una solución, un mutante o el ejecutor sin volver a
# pasarlos, CI falla y dice qué archivos cambiaron. La huella sale de `git ls-files -s` (modo,
# blob y ruta de cada archivo del índice): la misma en cualquier clon del mismo commit.
set -u
# Con pwd -P: git da la carpeta del clon sin enlaces, y el curso puede estar tras uno.
raiz=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$raiz" || exit 1
registro=autograder/mutantes/PASADA.txt

# Lo que entra en el veredicto de un mutante: el ejecutor y sus bibliotecas, los calificadores
# y lab.json, las soluciones, los mutantes y los hitos de los laboratorios (no los de la
# práctica: esos los prueba make test), libcurso, el servidor de prácticas, la precarga vivos,
# postgres.sh, las reglas de make que los construyen y la propia prueba. De más obliga a
# pasarlos otra vez sin necesidad; de menos dejaría entrar un cambio sin pasarlos.
ENTRADAS=(
  Makefile autograder/autograder.mk labs/labs.mk common/common.mk common/bd.mk
  autograder/base autograder/include autograder/lib autograder/observador autograder/runner
  'autograder/mutantes/[0-9][0-9]-*' autograder/hitos autograder/herramientas/partidas.sh
  autograder/pruebas/prueba-mutantes.sh autograder/pruebas/comun.sh
  'labs/*/.calificador/*' 'labs/*/lab.json' 'solutions/[0-9][0-9]-*'
  common/src common/include common/servidor
  common/herramientas/criterion.sh common/herramientas/postgres.sh common/herramientas/vivos/vivos.c
)
FUERA=(":(exclude)$registro" ':(exclude)*.md')

uso() {
  echo "uso: $0 huella | sellar INFORME | comprobar" >&2
  exit 2
}

es_git() {
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 && [ "$(git rev-parse --show-toplevel)" = "$raiz" ]
}

# Una línea «ruta blob» por entrada, ordenada: de ella sale la huella, y PASADA.txt la guarda
# para decir después qué archivos cambiaron.
lista() {
  git ls-files -s -- "${ENTRADAS[@]}" "${FUERA[@]}" | awk '{ print $4, $1, $2 }' | LC_ALL=C sort
}

huella() {
  lista | sha256sum | cut -d' ' -f1
}

case "${1:-}" in
  huella)
    es_git || { echo "no es un clon de git: sin huella" >&2; exit 1; }
    huella
    ;;
  sellar)
    [ $# = 2 ] && [ -f "$2" ] || uso
    es_git || { echo "no es un clon de git: no se sella" >&2; exit 1; }
    informe=$2
    if grep -q '✘' "$informe" || ! tail -n1 "$informe" | grep -qE '^resumen: ([0-9]+) comprobaciones, \1 pasan, 0 fallan$'; then
      echo "La pasada no acabó bien: $registro sigue como estaba." >&2
      exit 1
    fi
    if [ -n "$(git status --porcelain -- "${ENTRADAS[@]}" "${FUERA[@]}")" ]; then
      echo "Hay cambios sin confirmar en lo que califica a los mutantes: confirma y vuelve a pasarlos" >&2
      echo "(la huella sale de lo confirmado, y la pasada debe ser de eso mismo)." >&2
      exit 1
    fi
    {
      echo "huella: $(huella)"
      echo "commit: $(git rev-parse --short HEAD)"
      echo "fecha: $(date -u '+%Y-%m-%d %H:%M UTC')"
      echo "máquina: $(nproc) núcleos; CALIF_VIVOS_LABS=${CALIF_VIVOS_LABS:-1}"
      echo "── archivos (ruta, modo, blob)"
      lista
      echo "── informe de make prueba-mutantes"
      cat "$informe"
    } >"$registro.nuevo" && mv "$registro.nuevo" "$registro"
    echo "Sellada la pasada en $registro: confírmalo con lo demás."
    ;;
  comprobar)
    if [ ! -d autograder/mutantes ] || [ -z "$(ls -d solutions/[0-9][0-9]-* 2>/dev/null)" ]; then
      echo "pasada de los mutantes: sin mutantes o sin soluciones en esta copia, nada que comprobar"
      exit 0
    fi
    es_git || { echo "✘ pasada de los mutantes: no es un clon de git, no se puede comprobar"; exit 1; }
    if [ ! -f "$registro" ]; then
      echo "✘ pasada de los mutantes: falta $registro (make prueba-mutantes, entero, la escribe)"
      exit 1
    fi
    sellada=$(sed -n 's/^huella: //p' "$registro" | head -n1)
    ahora=$(huella)
    if [ "$sellada" = "$ahora" ]; then
      echo "✔ pasada de los mutantes: $(sed -n 's/^fecha: //p' "$registro"), commit $(sed -n 's/^commit: //p' "$registro"), de lo mismo que se entrega ($(tail -n1 "$registro"))"
      exit 0
    fi
    echo "✘ pasada de los mutantes: $registro es de otra versión de lo que los califica."
    echo "  Cambiaron desde entonces (make prueba-mutantes, entero, y confirmar PASADA.txt):"
    diff <(sed -n '/^── archivos/,/^── informe/p' "$registro" | sed '1d;$d') <(lista) |
      sed -n 's/^[<>] \([^ ]*\) .*/\1/p' | sort -u | head -n 30 | sed 's/^/    /'
    exit 1
    ;;
  *) uso ;;
esac
