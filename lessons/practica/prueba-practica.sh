#!/usr/bin/env bash
# prueba-practica.sh — demuestra que cada ejercicio de práctica de las lecciones tiene
# dientes: para cada lessons/NN-tema/practica/N-nombre/,
#   1. su respuesta (solutions/practica/NN-tema/N-nombre/ejercicio.c) pasa todos los casos;
#   2. el ejercicio.c de partida, sin tocar, compila y falla al menos un caso;
#   3. cada mutante (lessons/NN-tema/practica/N-nombre/.mutantes/*.patch, un error
#      realista aplicado a la respuesta) pierde justo los casos de su cabecera
#      «# Debe fallar: caso1 caso2», ni uno más ni uno menos (un caso de «# Puede fallar:»,
#      con el porqué en el parche, no cuenta).
# En dos partes (--parte): «respuestas» (suite prueba-practica de make test) hace 1 y 2 y
# comprueba que cada ejercicio tiene mutantes y que cada uno se aplica aún a su respuesta, sin
# ejecutarlos; «mutantes» (make prueba-practica-mutantes, un paso propio de .ci/run) hace 3.
# Así se reparte porque los mutantes son las tres cuartas partes de la CPU (el 02-12-2026: 531 s
# de 704, 174 de las 272 comprobaciones) y make test no cabía en sus 20 minutos; es lo que se
# hace con los mutantes de los laboratorios. Sin --parte, las dos.
# Una comprobación que falla con otras al lado se repite una vez sola antes de darla por
# mala; el informe dice las dos. Cada parte acaba con sus controles (más abajo): copias
# estropeadas de un mutante que tienen que salir mal.
# Las comprobaciones van de seis en seis (PRACTICA_J).
# Uso: prueba-practica.sh [-B build] [--parte respuestas|mutantes] [LECCIÓN...]
set -u
aqui=$(cd "$(dirname "$0")" && pwd)
raiz=$(cd "$aqui/../.." && pwd)
cd "$raiz" || exit 1
B=build
if [ "${1:-}" = -B ]; then B=$2; shift 2; fi
parte=todo
if [ "${1:-}" = --parte ]; then parte=$2; shift 2; fi
case $parte in
  respuestas | mutantes | todo) ;;
  *) echo "prueba-practica.sh: --parte respuestas o --parte mutantes, no «$parte»" >&2; exit 2 ;;
esac
J=${PRACTICA_J:-6}
mkdir -p "$B/pruebas-practica" "${TMPDIR:-/tmp}"
DIR=$(mktemp -d "$raiz/$B/pruebas-practica/ronda.XXXXXX")
trap 'rm -rf "$DIR"' EXIT

ejercicios=()
if [ $# -eq 0 ]; then set -- lessons/[0-9][0-9]*-*/; fi
for l in "$@"; do
  for e in "${l%/}"/practica/*/; do [ -f "$e/casos" ] && ejercicios+=("${e%/}"); done
done
if [ ${#ejercicios[@]} -eq 0 ]; then echo "resumen: 0 ejercicios (ninguno que probar)"; exit 1; fi
# Un solo PostgreSQL para toda la ronda si algún ejercicio lo pide (línea «bd» de un caso):
# sin esto, cada practica.sh arrancaría el suyo. Las comprobaciones lo comparten, así que un
# ejercicio con PostgreSQL no crea tablas permanentes (usa TEMP o ninguna).
if [ -z "${BD_CONEXION:-}" ] && [ -z "${PRUEBA_PRACTICA_BD:-}" ] &&
    compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null &&
    grep -qx 'bd' $(printf '%s/casos ' "${ejercicios[@]}"); then
  rm -rf "$DIR"
  PRUEBA_PRACTICA_BD=1 exec bash common/herramientas/postgres.sh ejecutar \
    "$(mktemp -u "${TMPDIR:-/tmp}/prueba-practica-bd.XXXXXX")" bash "$aqui/prueba-practica.sh" -B "$B" --parte "$parte" "$@"
fi

# Lo que dice y hace un mutante, en un solo sitio para las dos partes (la que ve si se aplica y
# la que lo ejecuta no pueden discrepar):
# respuesta_de EJ: la respuesta del ejercicio EJ (lessons/NN-tema/practica/N-nombre).
respuesta_de() { echo "solutions/practica/$(basename "$(dirname "$(dirname "$1")")")/$(basename "$1")/ejercicio.c"; }
# casos_que_pierde M: los casos de su «# Debe fallar:», ordenados, separados por espacios.
casos_que_pierde() { sed -n 's/^# Debe fallar: *//p' "$1" | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' '; }
# aplicar_mutante RESP M DEST: copia la respuesta RESP a DEST/ejercicio.c y le aplica M por la
# ruta de su cabecera (-p1), sin preguntar y sin darle nunca la vuelta (-f; con -t, un parche
# que ya está en la respuesta se aplicaría al revés y saldría bien). Lo que diga patch queda
# en DEST/patch.log.
aplicar_mutante() {
  local resp=$1 m=$2 dest=$3
  mkdir -p "$dest" && cp "$resp" "$dest/ejercicio.c" &&
    patch -s -f --no-backup-if-mismatch -d "$dest" -p1 <"$m" >"$dest/patch.log" 2>&1
}
export -f respuesta_de casos_que_pierde aplicar_mutante

# Cada comprobación es una tarea «EJERCICIO TIPO [MUTANTE]» (TIPO: respuesta, partida o
# mutante); van de PRACTICA_J en PRACTICA_J (por omisión 6, medido: 202 s con 3 y 92 s con 6 en 2 núcleos; casi todo es esperar a
# temporizadores). Cada una escribe en $DIR/<n>.txt líneas «ok texto» o «MAL texto».
probar() {
  local ej=$1 tipo=$2 m=${3:-} leccion nombre clave sal res log fuente esperados falla
  leccion=$(basename "$(dirname "$(dirname "$ej")")"); nombre=$(basename "$ej")
  clave="$leccion/$nombre"
  local trabajo=${PROBAR_TRABAJO:-}
  [ -n "$trabajo" ] && mkdir -p "$trabajo" || trabajo=$(mktemp -d "$DIR/trabajo.XXXXXX")
  sal="$trabajo.txt"; res="$trabajo/res"; log="$trabajo/log"; : >"$sal"; : >"$res"
  echo "$ej $tipo $m" >"$trabajo.tarea"
  local resp
  resp=$(respuesta_de "$ej")
  local BB="$B/pruebas-practica/$leccion-$nombre-$tipo${m:+-$(basename "$m" .patch)}"
  case $tipo in
    respuesta)
      if [ ! -f "$resp" ]; then echo "MAL $clave: falta la respuesta $resp" >>"$sal"; return; fi
      fuente=$resp ;;
    partida) fuente=$ej/ejercicio.c ;;
    mutante)
      if ! aplicar_mutante "$resp" "$m" "$trabajo"; then
        echo "MAL $clave: el mutante $(basename "$m") no se aplica a la respuesta: $(cat "$trabajo/patch.log")" >>"$sal"
        return
      fi
      fuente=$trabajo/ejercicio.c ;;
  esac
  # A la partida le basta con fallar un caso: se para en el primero que falla.
  bash "$aqui/practica.sh" -B "$BB" --breve $([ "$tipo" = partida ] && echo --hasta-fallo || echo --todos) --codigo "$fuente" --resultados "$res" "$ej" >"$log" 2>&1
  falla=$(awk '$3 != "ok" { print $2 }' "$res" | sort | tr '\n' ' ')
  local cola
  cola=$(sed 's/^/\n      /' "$log" | tail -n 30)
  if [ ! -s "$res" ]; then
    echo "MAL $clave: $tipo ${m:+$(basename "$m") }no se pudo comprobar$cola" >>"$sal"
    return
  fi
  case $tipo in
    respuesta)
      if [ -z "$falla" ]; then echo "ok $clave: la respuesta pasa los $(wc -l <"$res") casos" >>"$sal"
      else echo "MAL $clave: la respuesta falla: $falla$cola" >>"$sal"; fi ;;
    partida)
      if grep -q 'no compila' "$log"; then echo "MAL $clave: la partida no compila$cola" >>"$sal"
      elif [ -n "$falla" ]; then echo "ok $clave: la partida compila y falla (el primer caso que falla: ${falla% })" >>"$sal"
      else echo "MAL $clave: la partida sin tocar pasa todos los casos" >>"$sal"; fi ;;
    mutante)
      esperados=$(casos_que_pierde "$m")
      # «# Puede fallar: caso» (con el porqué en el parche): ese caso no cuenta, falle o no.
      local puede
      puede=$(sed -n 's/^# Puede fallar: *//p' "$m" | sed 's/(.*//')
      for c in $puede; do falla=$(tr ' ' '\n' <<<"$falla" | grep -vx "$c" | sed '/^$/d' | tr '\n' ' '); done
      if [ -n "$esperados" ] && [ "$esperados" = "$falla" ]; then
        echo "ok $clave: el mutante $(basename "$m" .patch) pierde justo: $esperados" >>"$sal"
      else
        echo "MAL $clave: el mutante $(basename "$m" .patch) debía perder «$esperados» y perdió «$falla»$cola" >>"$sal"
      fi ;;
  esac
}
export -f probar
export DIR B aqui

# se_aplica EJ M: que el mutante M se aplica aún a la respuesta de EJ (sin ejecutarlo: eso es
# la parte «mutantes»). Deja su línea en $DIR.
se_aplica() {
  local ej=$1 m=$2 leccion nombre resp dest
  leccion=$(basename "$(dirname "$(dirname "$ej")")"); nombre=$(basename "$ej")
  resp=$(respuesta_de "$ej")
  [ -f "$resp" ] || return 0 # la falta de la respuesta ya la dice su comprobación
  dest=$(mktemp -d "$DIR/aplica.XXXXXX")
  if [ -z "$(casos_que_pierde "$m")" ]; then
    echo "MAL $leccion/$nombre: el mutante $(basename "$m" .patch) no dice qué casos pierde («# Debe fallar: caso…»)"
  elif aplicar_mutante "$resp" "$m" "$dest"; then
    echo "ok $leccion/$nombre: el mutante $(basename "$m" .patch) se aplica a la respuesta"
  else
    echo "MAL $leccion/$nombre: el mutante $(basename "$m" .patch) no se aplica a la respuesta: $(tr '\n' ' ' <"$dest/patch.log")"
  fi
  rm -rf "$dest"
}

tareas=()
for ej in "${ejercicios[@]}"; do
  leccion=$(basename "$(dirname "$(dirname "$ej")")"); nombre=$(basename "$ej")
  [ "$parte" = mutantes ] || tareas+=("$ej respuesta" "$ej partida")
  n=0
  for m in "$ej"/.mutantes/*.patch; do
    [ -f "$m" ] || continue
    n=$((n + 1))
    if [ "$parte" = respuestas ]; then
      se_aplica "$ej" "$m" >"$DIR/aplica-$leccion-$nombre-$n.txt"
    else
      tareas+=("$ej mutante $m")
    fi
  done
  [ "$n" -gt 0 ] || echo "MAL $leccion/$nombre: no tiene ningún mutante ($ej/.mutantes/*.patch)" >"$DIR/sin-mutantes-$leccion-$nombre.txt"
done
if [ ${#tareas[@]} -gt 0 ]; then
  printf '%s\n' "${tareas[@]}" | xargs -P "$J" -L1 bash -c 'probar "$@"' _
fi
# Una comprobación que sale MAL con otras cinco al lado se repite una vez, sola, antes de
# darla por mala (la regla de prueba-mutantes.sh): bajo carga, un caso con «tarda:» puede
# pasarse de su máximo. El límite no se ensancha; las dos salidas quedan en el informe.
n=0
for t in "$DIR"/trabajo.*.tarea; do
  [ -f "$t" ] || continue
  primera="${t%.tarea}.txt"
  grep -q '^MAL ' "$primera" 2>/dev/null || continue
  n=$((n + 1))
  read -r ej tipo m <"$t"
  PROBAR_TRABAJO="$DIR/sola.$n" probar "$ej" "$tipo" "$m"
  otra="$DIR/sola.$n.txt"
  if grep -q '^MAL ' "$otra"; then
    awk 'NR == 1 { print $0 " (y sola, otra vez)"; next } { print }' "$otra" >"$otra.tmp"
  else
    motivo=$(sed -n '1s/^MAL [^:]*: //p' "$primera" | head -c 200)
    awk -v m="$motivo" 'NR == 1 { print $0 " (sola; con otras al lado: " m ")"; next } { print }' "$otra" >"$otra.tmp"
  fi
  mv "$otra.tmp" "$otra"
  mv "$primera" "${t%.tarea}.primera"
done
# Controles: las comprobaciones de los mutantes saltan de verdad (como control_tabla en
# prueba-labs.sh). Copias estropeadas del primer mutante, en $DIR/control/, que deben salir mal:
# en «respuestas», una sin «# Debe fallar», una cuyo contexto ya no está en la respuesta, una
# con la ruta de otro archivo en la cabecera y el mutante sobre una respuesta que ya lo lleva;
# en «mutantes», una que dice perder un caso que no existe (una ejecución más del ejercicio).
cej="" cm=""
for ej in "${ejercicios[@]}"; do
  for m in "$ej"/.mutantes/*.patch; do
    if [ -f "$m" ]; then cej=$ej cm=$m; break 2; fi
  done
done
# controlar DESCRIPCIÓN LÍNEAS: «ok control» si LÍNEAS (la salida de una comprobación) es MAL.
controlar() {
  if grep -q '^MAL ' "$2"; then echo "ok control: $1 sale mal"
  else echo "MAL control: $1 no sale mal: $(head -c 300 "$2")"; fi
}
if [ -n "$cm" ]; then
  C="$DIR/control"
  mkdir -p "$C"
  if [ "$parte" != mutantes ]; then
    grep -v '^# Debe fallar:' "$cm" >"$C/sin-cabecera.patch"
    awk '/^@@/ { h = 1; print; next } h && /^[- ]/ { print substr($0, 1, 1) "XX" substr($0, 2); next } { print }' \
      "$cm" >"$C/otro-contexto.patch"
    sed -E 's#^(---|\+\+\+) ([ab])/ejercicio\.c#\1 \2/otro.c#' "$cm" >"$C/otra-ruta.patch"
    for caso in sin-cabecera otro-contexto otra-ruta; do se_aplica "$cej" "$C/$caso.patch" >"$C/$caso.txt"; done
    aplicar_mutante "$(respuesta_de "$cej")" "$cm" "$C/una-vez"
    {
      controlar "un mutante sin «# Debe fallar»" "$C/sin-cabecera.txt"
      controlar "un mutante cuyo contexto no está en la respuesta" "$C/otro-contexto.txt"
      controlar "un mutante con la ruta de otro archivo en la cabecera" "$C/otra-ruta.txt"
      if aplicar_mutante "$C/una-vez/ejercicio.c" "$cm" "$C/dos-veces"; then
        echo "MAL control: un mutante sobre una respuesta que ya lo lleva se aplica (¿al revés?)"
      else
        echo "ok control: un mutante sobre una respuesta que ya lo lleva sale mal"
      fi
    } >"$DIR/control-aplica.txt"
  fi
  if [ "$parte" != respuestas ]; then
    sed 's/^# Debe fallar: */&caso-que-no-existe /' "$cm" >"$C/$(basename "$cm")"
    PROBAR_TRABAJO="$C/trabajo" probar "$cej" mutante "$C/$(basename "$cm")"
    controlar "un mutante que dice perder un caso que no existe" "$C/trabajo.txt" >"$DIR/control-mutante.txt"
  fi
fi
# Cada archivo, entero y en el orden de su primera línea: las líneas del registro que sigue a un
# «MAL» (sangradas) se quedan debajo de él, no se ordenan aparte.
for f in "$DIR"/*.txt; do printf '%s\t%s\n' "$(head -n1 "$f")" "$f"; done | sort | cut -f2 |
  while IFS= read -r f; do cat "$f"; done | sed 's/^ok /  ✔ /; s/^MAL /  ✘ /'
pasan=$(cat "$DIR"/*.txt | grep -c "^ok ")
fallan=$(cat "$DIR"/*.txt | grep -c "^MAL ")
echo "resumen: ${#ejercicios[@]} ejercicios, $pasan comprobaciones bien, $fallan mal"
[ "$fallan" -eq 0 ]
