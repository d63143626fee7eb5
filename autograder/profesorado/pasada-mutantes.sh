#!/usr/bin/env bash
# pasada-mutantes.sh — el registro de la pasada de los mutantes (autograder/mutantes/PASADA.txt)
# y la comprobación de que sigue valiendo, por partes: lo común y cada laboratorio.
#
#   pasada-mutantes.sh huella           la huella de todo lo que puede cambiar el veredicto de
#                                       un mutante (abajo, ENTRADAS), una línea
#   pasada-mutantes.sh sellar INFORME   escribe PASADA.txt con el informe de `make
#                                       prueba-mutantes`, si acaba en «resumen: N comprobaciones,
#                                       N pasan, 0 fallan» y no tiene ningún ✘ (si no, no escribe
#                                       nada). Un informe de todos los laboratorios sella todo;
#                                       uno de algunos (LAB=NN) sella solo esos; si lo común
#                                       cambió desde el sello que hay, lo sella también y deja
#                                       los demás pendientes (la pasada en varias tandas, abajo)
#   pasada-mutantes.sh comprobar        0 si cada parte de PASADA.txt es de lo de ahora; si no,
#                                       dice qué cambió y qué volver a pasar, y sale con 1 (lo
#                                       usa .ci/run)
#   pasada-mutantes.sh migrar           pasa un PASADA.txt del formato de una sola huella al de
#                                       partes, si esa huella es la de ahora (nada se da por
#                                       pasado que no lo estuviera)
#
# Por qué existe: calificar los 342 mutantes y programas de hitos son unos 55 minutos de CPU
# llena en una máquina de 2 núcleos, y `make test` otros 29: los dos no caben en los 90 minutos
# de CI (el CI del 25-11-2026 se pasó de tiempo con los dos). Recortar mutantes no es opción.
# Así que la pasada la hace quien entrega, antes de entregar (`make pasada-mutantes`, que la
# sella al acabar bien), y CI comprueba que el registro es de exactamente lo que se entrega: si
# cambió un calificador, una solución, un mutante o el ejecutor sin volver a pasarlos, CI falla
# y dice qué archivos cambiaron y qué pasar. La huella sale de `git ls-files -s` (modo, blob y
# ruta de cada archivo del índice): la misma en cualquier clon del mismo commit.
#
# Por partes: un cambio en el calificador, la solución, los mutantes, los hitos o las variantes
# de un laboratorio solo puede cambiar el veredicto de los mutantes de ese laboratorio, así que basta
# volver a pasar los suyos (`make pasada-mutantes LAB=07`, unos minutos) en vez de los 342 (unos
# 50). Lo que no es de un laboratorio (el ejecutor, sus bibliotecas, libcurso, las reglas de
# make…) es «común»: si cambia, cualquier veredicto puede cambiar y hace falta la pasada entera.
# Entera, pero no por fuerza de una vez: en una máquina lenta (el 30-11-2026, con el trabajo del
# núcleo varias veces más caro, la pasada pedía más de las tres horas de una sesión) se hace por
# tandas de laboratorios, cada una sellada con su commit; la primera tras el cambio sella lo
# común nuevo y deja los demás pendientes, y comprobar falla hasta que no quede ninguno.
set -u
# Con pwd -P: git da la carpeta del clon sin enlaces, y el curso puede estar tras uno.
raiz=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$raiz" || exit 1
registro=autograder/mutantes/PASADA.txt

# Lo que entra en el veredicto de un mutante: el ejecutor y sus bibliotecas, los calificadores
# y lab.json, las soluciones, los mutantes, los hitos y las variantes correctas de los
# laboratorios y la tabla de lo que debe fallar cada uno (labs/NN-tema/.calificador/mutantes/,
# hitos/, variantes/ y mutantes.tsv; no los de la práctica: esos los prueba make test), libcurso, el servidor de prácticas, la precarga vivos,
# postgres.sh, las reglas de make que los construyen y la propia prueba. De más obliga a
# pasarlos otra vez sin necesidad; de menos dejaría entrar un cambio sin pasarlos. Las
# entregas hostiles de cada laboratorio (.calificador/hostiles/) no entran (FUERA): ningún
# mutante las ve; las califica prueba-autograder, dentro de make test.
ENTRADAS=(
  Makefile autograder/autograder.mk labs/labs.mk common/common.mk common/bd.mk
  autograder/base autograder/include autograder/lib autograder/observador autograder/runner
  'labs/*/.calificador/mutantes/*' 'labs/*/.calificador/hitos/*' 'labs/*/.calificador/variantes/*'
  'labs/*/.calificador/mutantes.tsv'
  autograder/herramientas/partidas.sh autograder/herramientas/tabla-mutantes.sh autograder/herramientas/lab.sh
  autograder/pruebas/prueba-mutantes.sh autograder/pruebas/comun.sh
  'labs/*/.calificador/*' 'labs/*/lab.json' 'solutions/[0-9][0-9]-*'
  common/src common/include common/servidor
  common/herramientas/criterion.sh common/herramientas/postgres.sh common/herramientas/vivos/vivos.c
  common/herramientas/vivos/firma.h
)
FUERA=(":(exclude)$registro" ':(exclude)*.md' ':(exclude)labs/*/.calificador/hostiles/*')

uso() {
  echo "uso: $0 huella | sellar INFORME | comprobar | migrar" >&2
  exit 2
}

es_git() {
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 && [ "$(git rev-parse --show-toplevel)" = "$raiz" ]
}

# Una línea «parte ruta modo blob» por archivo, ordenada. La parte es el laboratorio NN-tema de
# su calificador (con sus mutantes, hitos, variantes y su tabla, que viven en .calificador/),
# lab.json o solución; «comun» para todo lo demás.
lista() {
  git ls-files -s -- "${ENTRADAS[@]}" "${FUERA[@]}" | awk '{
    n = split($4, a, "/"); parte = "comun"
    if ((a[1] == "solutions" && a[2] ~ /^[0-9][0-9]-/ && n > 2) ||
        (a[1] == "labs" && a[2] ~ /^[0-9][0-9]-/ && (a[3] == "lab.json" || a[3] == ".calificador")))
      parte = a[2]
    print parte, $4, $1, $2
  }' | LC_ALL=C sort
}

# partes < LISTA: «parte huella» de cada parte (la huella, de sus líneas «ruta modo blob»).
partes() {
  local l p
  l=$(cat)
  for p in $(awk '{ print $1 }' <<<"$l" | LC_ALL=C sort -u); do
    echo "$p $(awk -v p="$p" '$1 == p { print $2, $3, $4 }' <<<"$l" | sha256sum | cut -d' ' -f1)"
  done
}

# La huella de todo: la de siempre (las líneas «ruta modo blob», sin la parte).
huella() {
  lista | awk '{ print $2, $3, $4 }' | LC_ALL=C sort | sha256sum | cut -d' ' -f1
}

# seccion NOMBRE < PASADA.txt: las líneas de «── NOMBRE…» hasta el siguiente «── ».
seccion() { awk -v s="── $1" 'index($0, s) == 1 { dentro = 1; next } /^── / { dentro = 0 } dentro'; }
# Formato por partes: PASADA.txt tiene «── partes».
por_partes() { [ -f "$registro" ] && grep -q '^── partes' "$registro"; }
# Los laboratorios de un informe de prueba-mutantes: sus títulos «── NN-tema».
labs_de() { sed -n 's/^── \([0-9][0-9]-[^ ]*\)$/\1/p' "$1"; }

informe_bueno() { # informe_bueno INFORME: sin ✘ y con «resumen: N comprobaciones, N pasan, 0 fallan»
  ! grep -q '✘' "$1" && tail -n1 "$1" | grep -qE '^resumen: ([0-9]+) comprobaciones, \1 pasan, 0 fallan$'
}

# escribir PARTES LISTA INFORME: PASADA.txt nuevo. PARTES: «parte huella commit fecha» por línea;
# LISTA: «parte ruta modo blob» de lo pasado; INFORME: las secciones por laboratorio. El resumen
# final se cuenta de las líneas ✔ del informe (un informe sellado no tiene ✘).
escribir() {
  local n
  n=$(grep -c '^  ✔' "$3")
  mkdir -p "$(dirname "$registro")"
  {
    echo "huella: $(awk '{ print $2, $3, $4 }' "$2" | LC_ALL=C sort | sha256sum | cut -d' ' -f1)"
    echo "commit: $(git rev-parse --short HEAD)"
    echo "fecha: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "máquina: $(nproc) núcleos; CALIF_VIVOS_LABS=${CALIF_VIVOS_LABS:-1}"
    echo "── partes (parte, huella, commit y fecha de su pasada)"
    cat "$1"
    echo "── archivos (parte, ruta, modo, blob)"
    cat "$2"
    echo "── informe de make prueba-mutantes"
    cat "$3"
    echo "resumen: $n comprobaciones, $n pasan, 0 fallan"
  } >"$registro.nuevo" && mv "$registro.nuevo" "$registro"
}

# cuerpo INFORME: el informe sin su resumen final (las secciones y las notas entre paréntesis).
cuerpo() { grep -v '^resumen: ' "$1"; }

cmd=${1:-}
case "$cmd" in
  huella)
    es_git || { echo "no es un clon de git: sin huella" >&2; exit 1; }
    huella
    ;;
  sellar)
    [ $# = 2 ] && [ -f "$2" ] || uso
    es_git || { echo "no es un clon de git: no se sella" >&2; exit 1; }
    informe=$2
    if ! informe_bueno "$informe"; then
      echo "La pasada no acabó bien: $registro sigue como estaba." >&2
      exit 1
    fi
    if [ -n "$(git status --porcelain -- "${ENTRADAS[@]}" "${FUERA[@]}")" ]; then
      echo "Hay cambios sin confirmar en lo que califica a los mutantes: confirma y vuelve a pasarlos" >&2
      echo "(la huella sale de lo confirmado, y la pasada debe ser de eso mismo)." >&2
      exit 1
    fi
    t=$(mktemp -d) || exit 1
    trap 'rm -rf "$t"' EXIT
    lista >"$t/lista"
    partes <"$t/lista" >"$t/ahora"
    sello="$(git rev-parse --short HEAD) $(date -u '+%Y-%m-%d_%H:%M_UTC')"
    mapfile -t pasados < <(labs_de "$informe")
    mapfile -t todos < <(awk '$1 != "comun" { print $1 }' "$t/ahora")
    if [ "${#pasados[@]}" = 0 ]; then
      echo "El informe no tiene ningún laboratorio («── NN-tema»): $registro sigue como estaba." >&2
      exit 1
    fi
    if [ "$(printf '%s\n' "${pasados[@]}" | LC_ALL=C sort)" = "$(printf '%s\n' "${todos[@]}")" ]; then
      # Entera: todo se sella de nuevo.
      awk -v s="$sello" '{ print $0, s }' "$t/ahora" >"$t/partes"
      cuerpo "$informe" >"$t/informe"
      escribir "$t/partes" "$t/lista" "$t/informe"
      echo "Sellada la pasada entera en $registro: confírmalo con lo demás."
      exit 0
    fi
    # De algunos laboratorios. Si lo común es lo del sello que hay, los demás quedan como
    # estaban. Si cambió, es una pasada en varias tandas: lo común y los pasados se sellan con
    # lo de ahora y los demás quedan pendientes (su sello anterior era de otro común y ya no
    # vale), hasta que cada uno se pase con este mismo común; comprobar falla mientras quede
    # uno. Así una pasada entera que no cabe en una sesión se reparte, y lo sellado sigue
    # siendo lo que cuenta: cada veredicto depende solo de lo común y de su laboratorio.
    if ! por_partes; then
      echo "No hay una pasada entera por partes en $registro: haz la pasada entera (make pasada-mutantes)." >&2
      exit 1
    fi
    comun_sellada=$(seccion partes <"$registro" | awk '$1 == "comun" { print $2 }')
    comun_ahora=$(awk '$1 == "comun" { print $2 }' "$t/ahora")
    nuevo_comun=0
    [ "$comun_sellada" = "$comun_ahora" ] || nuevo_comun=1
    for l in "${pasados[@]}"; do
      if ! grep -q "^$l " "$t/ahora"; then
        echo "El informe trae $l, que no es un laboratorio de esta copia: $registro sigue como estaba." >&2
        exit 1
      fi
    done
    # Partes y archivos: los de los laboratorios pasados (y lo común, si cambió), de ahora; los
    # demás, los sellados, o «pendiente» si cambió lo común (con sus archivos de antes, para
    # que comprobar nombre solo lo que cambie de ellos).
    es_pasado() { [[ " ${pasados[*]} " == *" $1 "* ]]; }
    : >"$t/partes"
    : >"$t/lista-nueva"
    : >"$t/informe"
    seccion partes <"$registro" >"$t/partes-viejas"
    seccion 'archivos' <"$registro" >"$t/lista-vieja"
    pendientes=()
    for p in $(awk '{ print $1 }' "$t/ahora"); do
      if es_pasado "$p" || { [ "$p" = comun ] && [ "$nuevo_comun" = 1 ]; }; then
        awk -v p="$p" -v s="$sello" '$1 == p { print $0, s }' "$t/ahora" >>"$t/partes"
        awk -v p="$p" '$1 == p' "$t/lista" >>"$t/lista-nueva"
      elif [ "$nuevo_comun" = 1 ]; then
        echo "$p pendiente - -" >>"$t/partes"
        awk -v p="$p" '$1 == p' "$t/lista-vieja" >>"$t/lista-nueva"
        pendientes+=("$p")
      else
        awk -v p="$p" '$1 == p' "$t/partes-viejas" >>"$t/partes"
        awk -v p="$p" '$1 == p' "$t/lista-vieja" >>"$t/lista-nueva"
      fi
    done
    es_pendiente() { [[ " ${pendientes[*]} " == *" $1 "* ]]; }
    # El informe: el sellado, con la sección de cada laboratorio pasado cambiada por la nueva
    # (y la nota de la pasada nueva al principio de la sección).
    awk '/^── informe de make prueba-mutantes/ { dentro = 1; next } dentro && !/^resumen: /' "$registro" >"$t/informe-viejo"
    nota=$(grep -m1 '^(' "$informe")
    for p in $(awk '$1 != "comun" { print $1 }' "$t/ahora"); do
      if es_pasado "$p"; then
        echo "── $p"
        [ -n "$nota" ] && echo "  (pasado otra vez solo este laboratorio, $(date -u '+%Y-%m-%d %H:%M UTC'): ${nota#(}"
        seccion "$p" <"$informe" | grep -v '^resumen: '
      elif es_pendiente "$p"; then
        echo "── $p"
        echo "  (pendiente: su pasada era de un común anterior; el de ahora se selló el $(date -u '+%Y-%m-%d %H:%M UTC'))"
      else
        echo "── $p"
        seccion "$p" <"$t/informe-viejo"
      fi
    done >"$t/secciones"
    # Las notas de la pasada entera (las líneas «(…)» antes de la primera sección) se quedan.
    awk '/^── / { exit } { print }' "$t/informe-viejo" >"$t/informe"
    cat "$t/secciones" >>"$t/informe"
    escribir "$t/partes" "$t/lista-nueva" "$t/informe"
    if [ "${#pendientes[@]}" -gt 0 ]; then
      echo "Cambió lo común: sellados lo común y ${pasados[*]} con lo de ahora en $registro; quedan sin"
      echo "pasar ${pendientes[*]} y, hasta que se pasen con este mismo común, comprobar falla:"
      for p in "${pendientes[@]}"; do echo "  make pasada-mutantes LAB=${p:0:2}"; done
      echo "Confírmalo con lo demás (cada tanda, su commit)."
    else
      echo "Sellada la pasada de ${pasados[*]} en $registro (lo demás, como estaba): confírmalo con lo demás."
    fi
    ;;
  migrar)
    es_git || { echo "no es un clon de git: no se migra" >&2; exit 1; }
    [ -f "$registro" ] || { echo "falta $registro" >&2; exit 1; }
    if por_partes; then
      echo "$registro ya está por partes."
      exit 0
    fi
    if [ "$(sed -n 's/^huella: //p' "$registro" | head -n1)" != "$(huella)" ]; then
      echo "La huella de $registro no es la de ahora: no se puede repartir sin volver a pasar." >&2
      exit 1
    fi
    t=$(mktemp -d) || exit 1
    trap 'rm -rf "$t"' EXIT
    lista >"$t/lista"
    c=$(sed -n 's/^commit: //p' "$registro" | head -n1)
    f=$(sed -n 's/^fecha: //p' "$registro" | head -n1 | tr ' ' '_')
    partes <"$t/lista" | awk -v s="$c $f" '{ print $0, s }' >"$t/partes"
    awk '/^── informe de make prueba-mutantes/ { dentro = 1; next } dentro && !/^resumen: /' "$registro" >"$t/informe"
    maquina=$(sed -n 's/^máquina: //p' "$registro" | head -n1)
    CALIF_VIVOS_LABS=$(sed -n 's/.*CALIF_VIVOS_LABS=\([0-9]*\).*/\1/p' <<<"$maquina") escribir "$t/partes" "$t/lista" "$t/informe"
    # La fecha y el commit de la pasada, no los de la migración.
    sed -i -e "s/^commit: .*/commit: $c/" -e "s/^fecha: .*/fecha: ${f//_/ }/" "$registro"
    echo "$registro repartido por partes (la misma pasada, con la huella de cada parte)."
    ;;
  comprobar)
    if [ -z "$(ls -d labs/[0-9][0-9]-*/.calificador/mutantes 2>/dev/null)" ] ||
      [ -z "$(ls -d solutions/[0-9][0-9]-* 2>/dev/null)" ]; then
      echo "pasada de los mutantes: sin mutantes o sin soluciones en esta copia, nada que comprobar"
      exit 0
    fi
    es_git || { echo "✘ pasada de los mutantes: no es un clon de git, no se puede comprobar"; exit 1; }
    if [ ! -f "$registro" ]; then
      echo "✘ pasada de los mutantes: falta $registro (make pasada-mutantes la escribe)"
      exit 1
    fi
    if ! por_partes; then
      # El formato de antes, de una sola huella.
      if [ "$(sed -n 's/^huella: //p' "$registro" | head -n1)" = "$(huella)" ]; then
        echo "✔ pasada de los mutantes: $(sed -n 's/^fecha: //p' "$registro"), commit $(sed -n 's/^commit: //p' "$registro"), de lo mismo que se entrega ($(tail -n1 "$registro"))"
        exit 0
      fi
      echo "✘ pasada de los mutantes: $registro es de otra versión de lo que los califica (make pasada-mutantes)."
      exit 1
    fi
    t=$(mktemp -d) || exit 1
    trap 'rm -rf "$t"' EXIT
    lista >"$t/lista"
    partes <"$t/lista" >"$t/ahora"
    seccion partes <"$registro" >"$t/selladas"
    seccion archivos <"$registro" >"$t/lista-sellada"
    viejas=()
    while read -r p h; do
      [ "$(awk -v p="$p" '$1 == p { print $2 }' "$t/selladas")" = "$h" ] || viejas+=("$p")
    done <"$t/ahora"
    # Un laboratorio sellado que ya no está también deja el sello viejo.
    while read -r p _; do grep -q "^$p " "$t/ahora" || viejas+=("$p"); done <"$t/selladas"
    if [ "${#viejas[@]}" = 0 ]; then
      echo "✔ pasada de los mutantes: cada parte, de lo mismo que se entrega ($(tail -n1 "$registro"); lo común, $(awk '$1 == "comun" { print $3, $4 }' "$t/selladas" | tr '_' ' '))"
      exit 0
    fi
    echo "✘ pasada de los mutantes: $registro es de otra versión de lo que los califica."
    cambiados=$(diff <(LC_ALL=C sort "$t/lista-sellada") "$t/lista" |
      sed -n 's/^[<>] [^ ]* \([^ ]*\) .*/\1/p' | sort -u | head -n 30)
    [ -z "$cambiados" ] || { echo "  Cambiaron desde entonces:"; sed 's/^/    /' <<<"$cambiados"; }
    pendientes=$(awk '$2 == "pendiente" { printf " %s", $1 }' "$t/selladas")
    [ -z "$pendientes" ] || echo "  Sin pasar desde que cambió lo común (pasada en varias tandas):$pendientes"
    if [[ " ${viejas[*]} " == *" comun "* ]]; then
      echo "  Cambió lo común: hace falta la pasada entera (make pasada-mutantes) y confirmar PASADA.txt."
    else
      echo "  Vuelve a pasar solo esos laboratorios y confirma PASADA.txt:"
      for p in "${viejas[@]}"; do echo "    make pasada-mutantes LAB=${p:0:2}"; done
    fi
    exit 1
    ;;
  *) uso ;;
esac
