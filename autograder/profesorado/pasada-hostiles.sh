#!/usr/bin/env bash
# pasada-hostiles.sh — el registro de la pasada de las entregas hostiles (la suite
# prueba-autograder, autograder/hostiles/PASADA.txt) y la comprobación de que sigue valiendo.
#
#   pasada-hostiles.sh pasar            (make pasada-hostiles) ejecuta `make prueba-autograder`
#                                       sola, sin nada más al lado, y, si acaba bien, la sella;
#                                       el informe entero queda en build/pasada-hostiles.log
#   pasada-hostiles.sh sellar INFORME   escribe PASADA.txt con el informe de `make
#                                       prueba-autograder`, si acaba en «resumen: N
#                                       comprobaciones, N pasan, 0 fallan» (sin saltadas) y no
#                                       tiene ningún ✘; si no, no escribe nada
#   pasada-hostiles.sh comprobar        0 si PASADA.txt es de lo de ahora; si no, dice qué cambió
#                                       y sale con 1 (lo usa common/herramientas/pruebas.sh en
#                                       lugar de la suite, dentro de `make test`)
#   pasada-hostiles.sh huella           la huella de lo que puede cambiar el veredicto, una línea
#
# Por qué existe: desde el 30-11-2026 la máquina de CI es una VM en la que cada cambio de tabla
# de páginas, cada interrupción entre núcleos y cada parada de ptrace sale al hipervisor
# (fork+exec de /bin/true, 3,7 ms; una parada de ptrace, unos 70 µs). Las 120 calificaciones
# hostiles, casi todas bajo strace, pasaron de 672 s de CPU (27-11-2026) a 4220: la mitad de la
# CPU de `make test`, que tardaba 79 minutos y no cabía con lo demás en los 90 de CI. Recortar
# los ataques no es opción. Es lo mismo que con los mutantes (pasada-mutantes.sh): quien cambia
# lo que los califica los pasa enteros antes de entregar, sin nada al lado, y `make test`
# comprueba que el registro es de exactamente lo que se entrega. Un cambio en el calificador,
# en una solución, en un programa de partida, en un hostil o en la suite sin volver a pasarla
# hace fallar `make test` (y CI) con la lista de lo que cambió. PRUEBAS_SELLADAS="" en `make
# test` la ejecuta de verdad, como antes.
set -u
# Con pwd -P: git da la carpeta del clon sin enlaces, y el curso puede estar tras uno.
raiz=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$raiz" || exit 1
registro=autograder/hostiles/PASADA.txt

# Lo que entra en el veredicto de un hostil: el ejecutor y sus bibliotecas, los calificadores,
# lab.json, los programas de partida y las soluciones (los hostiles se montan sobre ellos), los
# hostiles (los del motor y los de cada laboratorio) y su tabla, la suite y lo que usa, libcurso,
# el servidor de prácticas, la precarga vivos, postgres.sh y las reglas de make que lo
# construyen. De más obliga a pasarla otra vez sin necesidad; de menos dejaría entrar un cambio
# sin pasarla. Fuera: la documentación (*.md), los dos registros de pasadas y las demás suites
# de autograder/pruebas/, que no la tocan.
ENTRADAS=(
  Makefile autograder/autograder.mk labs/labs.mk common/common.mk common/bd.mk
  autograder/base autograder/include autograder/lib autograder/observador autograder/runner
  autograder/hostiles autograder/pruebas autograder/herramientas
  labs 'solutions/[0-9][0-9]-*'
  common/src common/include common/servidor
  common/herramientas/criterion.sh common/herramientas/postgres.sh common/herramientas/vivos
)
FUERA=(":(exclude)$registro" ':(exclude)autograder/mutantes/PASADA.txt' ':(exclude)*.md'
  ':(exclude)autograder/pruebas/prueba-labs.sh' ':(exclude)autograder/pruebas/prueba-mutantes.sh'
  ':(exclude)autograder/pruebas/prueba-usuario.sh' ':(exclude)autograder/pruebas/prueba-vigilar.sh'
  ':(exclude)autograder/pruebas/capas.sh')

uso() {
  echo "uso: $0 pasar | sellar INFORME | comprobar | huella" >&2
  exit 2
}

es_git() {
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 && [ "$(git rev-parse --show-toplevel)" = "$raiz" ]
}

# Una línea «ruta modo blob» por archivo de lo confirmado, ordenada.
lista() { git ls-files -s -- "${ENTRADAS[@]}" "${FUERA[@]}" | awk '{ print $4, $1, $2 }' | LC_ALL=C sort; }
huella() { lista | sha256sum | cut -d' ' -f1; }

# ¿Acabó bien? Sin ✘, con un resumen sin fallos ni saltadas (una saltada no es una pasada).
informe_bueno() {
  ! grep -q '✘' "$1" && tail -n1 "$1" | grep -qE '^resumen: ([0-9]+) comprobaciones, \1 pasan, 0 fallan$'
}

sin_cambios() { # sin cambios sin confirmar en lo que entra en la huella
  [ -z "$(git status --porcelain -- "${ENTRADAS[@]}" "${FUERA[@]}")" ]
}

sellar() { # sellar INFORME HUELLA_AL_EMPEZAR
  local informe=$1 al_empezar=$2 t n
  if ! informe_bueno "$informe"; then
    echo "La pasada no acabó bien (un ✘, una saltada o sin resumen): $registro sigue como estaba." >&2
    return 1
  fi
  if ! sin_cambios; then
    echo "Hay cambios sin confirmar en lo que califica a los hostiles: confírmalos y vuelve a pasarla" >&2
    echo "(la huella sale de lo confirmado, y la pasada debe ser de eso mismo)." >&2
    return 1
  fi
  if [ "$al_empezar" != "$(huella)" ]; then
    echo "Lo que califica a los hostiles cambió mientras se pasaban: $registro sigue como estaba." >&2
    return 1
  fi
  t=$(mktemp) || return 1
  n=$(tail -n1 "$informe")
  {
    echo "huella: $(huella)"
    echo "commit: $(git rev-parse --short HEAD)"
    echo "fecha: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "máquina: $(nproc) núcleos; PRUEBA_AUTOGRADER_J=${PRUEBA_AUTOGRADER_J:-3}"
    echo "── archivos (ruta, modo, blob)"
    lista
    echo "── comprobaciones de make prueba-autograder (las líneas ✔; el informe entero, en build/pasada-hostiles.log al pasarla)"
    grep -E '^(════|  ✔)' "$informe"
    echo "$n"
  } >"$t" && mv "$t" "$registro"
  echo "Sellada la pasada de los hostiles en $registro: confírmala con lo demás."
}

cmd=${1:-}
case "$cmd" in
  huella)
    es_git || { echo "no es un clon de git: sin huella" >&2; exit 1; }
    huella
    ;;
  pasar)
    es_git || { echo "no es un clon de git: no se sella" >&2; exit 1; }
    sin_cambios || { echo "Confirma antes lo que califica a los hostiles: la pasada es de lo confirmado." >&2; exit 1; }
    al_empezar=$(huella)
    mkdir -p build
    echo "Pasando los hostiles (make prueba-autograder, sin nada más al lado): el informe, en build/pasada-hostiles.log"
    make --no-print-directory prueba-autograder </dev/null >build/pasada-hostiles.log 2>&1
    tail -n 3 build/pasada-hostiles.log
    sellar build/pasada-hostiles.log "$al_empezar"
    ;;
  sellar)
    [ $# = 2 ] && [ -f "$2" ] || uso
    es_git || { echo "no es un clon de git: no se sella" >&2; exit 1; }
    sellar "$2" "$(huella)"
    ;;
  comprobar)
    es_git || { echo "✘ pasada de los hostiles: no es un clon de git, no se puede comprobar"; exit 1; }
    if [ ! -f "$registro" ]; then
      echo "✘ pasada de los hostiles: falta $registro (make pasada-hostiles la escribe)"
      exit 1
    fi
    if [ "$(sed -n 's/^huella: //p' "$registro" | head -n1)" = "$(huella)" ] && sin_cambios; then
      echo "✔ pasada de los hostiles: $(sed -n 's/^fecha: //p' "$registro"), commit $(sed -n 's/^commit: //p' "$registro"), de lo mismo que se entrega ($(tail -n1 "$registro"))"
      exit 0
    fi
    echo "✘ pasada de los hostiles: $registro es de otra versión de lo que los califica."
    cambiados=$(diff <(awk '/^── archivos/ { d = 1; next } /^── / { d = 0 } d' "$registro") <(lista) |
      sed -n 's/^[<>] \([^ ]*\) .*/\1/p' | sort -u | head -n 30)
    [ -z "$cambiados" ] || { echo "  Cambiaron desde entonces:"; sed 's/^/    /' <<<"$cambiados"; }
    sin_cambios || echo "  Y hay cambios sin confirmar en lo que los califica (git status)."
    echo "  Vuelve a pasarla sin nada al lado (make pasada-hostiles)"
    echo "  y confirma $registro; o ejecuta la suite de verdad: make test PRUEBAS_SELLADAS=\"\"."
    exit 1
    ;;
  *) uso ;;
esac
