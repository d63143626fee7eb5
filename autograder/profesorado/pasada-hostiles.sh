#!/usr/bin/env bash
# pasada-hostiles.sh — el registro de la pasada de las entregas hostiles (la suite
# prueba-autograder, autograder/hostiles/PASADA.txt), por partes, y la comprobación de que
# sigue valiendo.
#
#   pasada-hostiles.sh pasar [PARTE…]   (make pasada-hostiles [PARTE=…]) ejecuta cada parte de
#                                       prueba-autograder sola, una tras otra, y sella cada una
#                                       que acaba bien; sin PARTE, las que faltan por pasar con
#                                       lo de ahora. Sus informes, en build/pasada-hostiles-PARTE.log
#   pasada-hostiles.sh sellar INFORME…  sella el informe de una parte (`make prueba-autograder
#                                       PRUEBA_AUTOGRADER_PARTE=…`) si acaba en «resumen: N
#                                       comprobaciones, N pasan, 0 fallan» (sin saltadas) y no
#                                       tiene ningún ✘; si no, no escribe nada
#   pasada-hostiles.sh comprobar        0 si cada parte está sellada con lo de ahora; si no, dice
#                                       qué cambió o qué parte falta y sale con 1 (lo usa
#                                       common/herramientas/pruebas.sh en lugar de la suite,
#                                       dentro de `make test`)
#   pasada-hostiles.sh huella           la huella de lo que puede cambiar el veredicto, una línea
#
# Por qué existe: desde el 30-11-2026 la máquina de CI es una VM en la que cada cambio de tabla
# de páginas, cada interrupción entre núcleos y cada parada de ptrace sale al hipervisor
# (fork+exec de /bin/true, 3,7 ms; una parada de ptrace, unos 70 µs). Las calificaciones
# hostiles, casi todas bajo strace, pasaron de 672 s de CPU (27-11-2026) a 4220: la mitad de la
# CPU de `make test`, que tardaba 79 minutos y no cabía con lo demás en los 90 de CI. Recortar
# los ataques no es opción. Es lo mismo que con los mutantes (pasada-mutantes.sh): quien cambia
# lo que los califica los pasa enteros antes de entregar y `make test` comprueba que el
# registro es de exactamente lo que se entrega. Un cambio en el calificador, en una solución,
# en un programa de partida, en un hostil o en la suite sin volver a pasarla hace fallar `make
# test` (y CI) con la lista de lo que cambió. PRUEBAS_SELLADAS="" en `make test` la ejecuta de
# verdad, como antes.
#
# Por partes y de una en una: las partes de la suite (PARTES en prueba-autograder.sh) no leen
# nada unas de otras, y la suite entera no es más que todas ellas a la vez. A la vez, en esta
# máquina, la carga llegaba a 12–16 en 2 núcleos y los casos que miden tiempos (la solución
# del 07 detrás de inyecta_terminal, la fase concurrente del 12 en bd_colgado_tras_error)
# fallaban por la carga, no por el calificador. Cada parte se pasa sola, y todas con la misma
# huella: si lo que las califica cambia, las selladas antes dejan de contar.
#
# La huella de cada parte es la de lo común (todo ENTRADAS menos las carpetas de los
# laboratorios y de sus soluciones) más los laboratorios que esa parte tocó de verdad al
# pasarla: labs-tocados.py apunta, con inotify, cada archivo abierto bajo labs/NN-*/,
# solutions/NN-*/ y build/labs/NN-*/, llegue como llegue (el ejecutor, el binario del
# calificador, una copia de la solución, una lectura estática). Lo medido va en su fila
# («labs=…», o «labs=todos» si no se pudo medir) con su huella, y solo esa parte deja de
# contar si cambia uno de sus laboratorios: un cambio en el 12 no obliga a pasar otra vez las
# partes que no lo califican. Las carpetas .calificador/hostiles/ de todos los laboratorios
# entran en la huella de todas las partes: sus tablas reparten los casos entre las partes, y
# una fila nueva puede llevar un laboratorio a una parte que antes no lo tocaba. Un registro
# de antes de medir (filas sin «labs=») vale como «todos», con la huella de su cabecera.
set -u
# Con pwd -P: git da la carpeta del clon sin enlaces, y el curso puede estar tras uno.
raiz=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$raiz" || exit 1
registro=autograder/hostiles/PASADA.txt
suite=autograder/pruebas/prueba-autograder.sh

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
  echo "uso: $0 pasar [PARTE…] | sellar INFORME… | comprobar | huella" >&2
  exit 2
}

es_git() {
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 && [ "$(git rev-parse --show-toplevel)" = "$raiz" ]
}

# Una línea «ruta modo blob» por archivo de lo confirmado, ordenada.
lista() { git ls-files -s -- "${ENTRADAS[@]}" "${FUERA[@]}" | awk '{ print $4, $1, $2 }' | LC_ALL=C sort; }
huella() { lista | sha256sum | cut -d' ' -f1; }
# lista_de LABS: la lista sin las carpetas labs/NN-*/ y solutions/NN-*/ de los laboratorios que
# no están en LABS («a,b,…» o «todos»), salvo sus .calificador/hostiles/, que van siempre.
lista_de() {
  lista | awk -v labs=",$1," '
    labs == ",todos," { print; next }
    match($1, /^(labs|solutions)\/[0-9][0-9]-[^\/]*\//) {
      split($1, r, "/")
      if (index(labs, "," r[2] ",") == 0 && index($1, "/.calificador/hostiles/") == 0) next
    }
    { print }'
}
huella_de() { lista_de "$1" | sha256sum | cut -d' ' -f1; }
# Las partes de la suite, de su línea PARTES="…" (la única lista).
partes_suite() { sed -n 's/^PARTES="\([a-z ]*\)"$/\1/p' "$suite" | head -n1; }
# seccion NOMBRE < PASADA.txt: las líneas de «── NOMBRE…» hasta el siguiente «── ».
seccion() { awk -v s="── $1" 'index($0, s) == 1 { dentro = 1; next } /^── / { dentro = 0 } dentro'; }
# Las partes selladas con lo de ahora: las filas cuya huella (la de lo común y sus
# laboratorios) es la de ahora. Una fila de antes de medir (5 campos) es de todos, con la
# huella de la cabecera.
selladas() {
  [ -f "$registro" ] || return 0
  local cabecera p labs h
  cabecera=$(sed -n 's/^huella: //p' "$registro" | head -n1)
  seccion partes <"$registro" | awk '{ print $1, ($6 ~ /^labs=/ ? substr($6, 6) : "todos"), ($7 != "" ? $7 : "-") }' |
    while read -r p labs h; do
      [ "$h" = - ] && h=$cabecera
      [ "$h" = "$(huella_de "$labs")" ] && echo "$p"
    done
}

sin_cambios() { # sin cambios sin confirmar en lo que entra en la huella
  [ -z "$(git status --porcelain -- "${ENTRADAS[@]}" "${FUERA[@]}")" ]
}

# parte_de INFORME: la parte cuyo informe es (su línea «parte P: N s, CPU N s»), si es de la suite.
parte_de() {
  local p
  p=$(sed -n 's/^parte \([a-z]*\): [0-9]* s, CPU [0-9]* s$/\1/p' "$1" | tail -n1)
  [ -n "$p" ] && [[ " $(partes_suite) " == *" $p "* ]] && echo "$p"
}

# ¿Acabó bien? Sin ✘, con un resumen sin fallos ni saltadas (una saltada no es una pasada).
informe_bueno() {
  ! grep -q '✘' "$1" && tail -n1 "$1" | grep -qE '^resumen: ([0-9]+) comprobaciones, \1 pasan, 0 fallan$'
}

# sellar_parte INFORME: añade (o cambia) la parte del informe en el registro, con los
# laboratorios que tocó (INFORME sin .log y con .labs, de labs-tocados.py; si no está, todos) y
# su huella. Las demás filas siguen si aún valen con lo de ahora; las que no, se quitan: eran
# de otra versión.
sellar_parte() {
  local informe=$1 p t h q n labs medida
  p=$(parte_de "$informe")
  if [ -z "$p" ]; then
    echo "$informe no es el informe de una parte de prueba-autograder («parte P: …» con P en PARTES)." >&2
    return 1
  fi
  if ! informe_bueno "$informe"; then
    echo "La parte «$p» no acabó bien (un ✘, una saltada o sin resumen): $registro sigue como estaba." >&2
    return 1
  fi
  if ! sin_cambios; then
    echo "Hay cambios sin confirmar en lo que califica a los hostiles: confírmalos y vuelve a pasarla" >&2
    echo "(la huella sale de lo confirmado, y la pasada debe ser de eso mismo)." >&2
    return 1
  fi
  h=$(huella)
  medida=${informe%.log}.labs
  labs=todos
  if [ -f "$medida" ] && ! grep -qx todos "$medida"; then
    labs=$(grep -E '^[0-9][0-9]-' "$medida" | LC_ALL=C sort -u | paste -sd, -)
    [ -n "$labs" ] || labs=ninguno
  fi
  t=$(mktemp -d) || return 1
  : >"$t/filas"
  : >"$t/informes"
  if [ -f "$registro" ]; then
    # Las filas que aún valen (con su formato: las de antes de medir, con la huella de la
    # cabecera de ahora, que es la misma si valen) menos la de esta parte.
    local vale cabecera
    vale=" $(selladas | tr '\n' ' ') "
    cabecera=$(sed -n 's/^huella: //p' "$registro" | head -n1)
    seccion partes <"$registro" | while read -r q resto; do
      [[ "$vale" == *" $q "* ]] && [ "$q" != "$p" ] || continue
      set -- $resto
      if [ $# -ge 6 ]; then echo "$q $resto"; else echo "$q $1 $2 $3 $4 labs=todos $cabecera"; fi
    done >"$t/filas"
    for q in $(awk '{ print $1 }' "$t/filas"); do
      { echo "── informe de la parte $q"; seccion "informe de la parte $q" <"$registro" | grep -v '^resumen: '; } >>"$t/informes"
    done
  fi
  echo "$p $(date -u '+%Y-%m-%d_%H:%M_UTC') $(git rev-parse --short HEAD) $(tail -n1 "$informe" | sed 's/^resumen: \([0-9]*\) .*/\1/') $(sed -n "s/^parte $p: //p" "$informe" | tail -n1 | tr ' ' '_') labs=$labs $(huella_de "$labs")" >>"$t/filas"
  # Sus títulos («── …») van sangrados: en el registro, «── » abre sus propias secciones.
  { echo "── informe de la parte $p"; sed -n -e 's/^── /  ── /p' -e '/^  ✔/p' "$informe"; } >>"$t/informes"
  n=$(awk '{ s += $4 } END { print s + 0 }' "$t/filas")
  {
    echo "huella: $h"
    echo "máquina: $(nproc) núcleos"
    echo "── partes (parte, fecha, commit, comprobaciones, tiempo y CPU de su pasada, laboratorios que tocó y su huella)"
    cat "$t/filas"
    echo "── archivos (ruta, modo, blob)"
    lista
    cat "$t/informes"
    echo "resumen: $n comprobaciones, $n pasan, 0 fallan"
  } >"$t/registro" && mv "$t/registro" "$registro"
  rm -rf "$t"
  echo "Sellada la parte «$p» de la pasada de los hostiles en $registro."
}

faltan() { # las partes de la suite sin sellar con lo de ahora
  local s p
  s=" $(selladas | tr '\n' ' ') "
  for p in $(partes_suite); do [[ "$s" == *" $p "* ]] || echo "$p"; done
}

# Los archivos que cambiaron desde el último sello (su lista de archivos), como mucho 30.
cambiados() {
  local c
  c=$(diff <(seccion archivos <"$registro") <(lista) | sed -n 's/^[<>] \([^ ]*\) .*/\1/p' | sort -u | head -n 30)
  [ -z "$c" ] || { echo "  Cambiaron desde entonces:"; sed 's/^/    /' <<<"$c"; }
}

cmd=${1:-}
case "$cmd" in
  huella)
    es_git || { echo "no es un clon de git: sin huella" >&2; exit 1; }
    huella
    ;;
  pasar)
    shift
    es_git || { echo "no es un clon de git: no se sella" >&2; exit 1; }
    sin_cambios || { echo "Confirma antes lo que califica a los hostiles: la pasada es de lo confirmado." >&2; exit 1; }
    [ -n "$(partes_suite)" ] || { echo "$suite no tiene su línea PARTES=\"…\"" >&2; exit 1; }
    pedidas=("$@")
    [ ${#pedidas[@]} -gt 0 ] || mapfile -t pedidas < <(faltan)
    if [ ${#pedidas[@]} = 0 ]; then
      echo "Todas las partes están selladas con lo de ahora: nada que pasar."
      exit 0
    fi
    al_empezar=$(huella)
    mkdir -p build
    r=0
    for p in "${pedidas[@]}"; do
      [[ " $(partes_suite) " == *" $p "* ]] || { echo "«$p» no es una parte de prueba-autograder ($(partes_suite))" >&2; r=1; continue; }
      echo "Parte «$p», sola (make prueba-autograder PRUEBA_AUTOGRADER_PARTE=$p): build/pasada-hostiles-$p.log"
      rm -f "build/pasada-hostiles-$p.labs"
      python3 autograder/profesorado/labs-tocados.py "build/pasada-hostiles-$p.labs" \
        make --no-print-directory prueba-autograder PRUEBA_AUTOGRADER_PARTE="$p" </dev/null \
        >"build/pasada-hostiles-$p.log" 2>&1
      echo "  laboratorios que tocó: $(paste -sd' ' "build/pasada-hostiles-$p.labs" 2>/dev/null)"
      tail -n 2 "build/pasada-hostiles-$p.log"
      if [ "$(huella)" != "$al_empezar" ]; then
        echo "Lo que califica a los hostiles cambió mientras se pasaban: no se sella." >&2
        exit 1
      fi
      sellar_parte "build/pasada-hostiles-$p.log" || r=1
    done
    f=$(faltan | tr '\n' ' ')
    [ -z "$f" ] || echo "Faltan por pasar con lo de ahora: $f(make pasada-hostiles PARTE=…)."
    [ -z "$f" ] && [ $r = 0 ] && echo "La pasada de los hostiles está entera: confirma $registro con lo demás."
    exit $r
    ;;
  sellar)
    shift
    [ $# -gt 0 ] || uso
    es_git || { echo "no es un clon de git: no se sella" >&2; exit 1; }
    r=0
    for informe in "$@"; do
      [ -f "$informe" ] || { echo "no existe $informe" >&2; r=1; continue; }
      sellar_parte "$informe" || r=1
    done
    exit $r
    ;;
  comprobar)
    es_git || { echo "✘ pasada de los hostiles: no es un clon de git, no se puede comprobar"; exit 1; }
    if [ ! -f "$registro" ]; then
      echo "✘ pasada de los hostiles: falta $registro (make pasada-hostiles la escribe)"
      exit 1
    fi
    if [ -n "$(selladas)" ] && sin_cambios; then
      f=$(faltan | tr '\n' ' ')
      if [ -z "$f" ]; then
        echo "✔ pasada de los hostiles: cada parte, de lo mismo que se entrega ($(tail -n1 "$registro"); $(seccion partes <"$registro" | awk '{ printf "%s%s %s", s, $1, $2; s = ", " }' | tr '_' ' '))"
        exit 0
      fi
      echo "✘ pasada de los hostiles: faltan partes por pasar con lo de ahora: $f"
      cambiados
      echo "  Pásalas (make pasada-hostiles, que pasa las que faltan) y confirma $registro."
      exit 1
    fi
    echo "✘ pasada de los hostiles: $registro es de otra versión de lo que los califica."
    cambiados
    sin_cambios || echo "  Y hay cambios sin confirmar en lo que los califica (git status)."
    echo "  Vuelve a pasarla (make pasada-hostiles: cada parte sola) y confirma $registro;"
    echo "  o ejecuta la suite de verdad: make test PRUEBAS_SELLADAS=\"\"."
    exit 1
    ;;
  *) uso ;;
esac
