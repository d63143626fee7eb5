#!/usr/bin/env bash
# prueba-autograder.sh B — pruebas del propio calificador (contención: autograder/README.md, «Principios»).
#
# Califica como entregas de estudiante programas hostiles (los del motor en autograder/hostiles/,
# los de cada laboratorio en labs/NN-tema/.calificador/hostiles/): salen en el acto, giran sin
# fin, ignoran SIGTERM, se hacen demonios con setsid, crean procesos sin parar, inundan la salida, se comen la memoria, intentan escribir en el
# repositorio, en el informe y en los resultados de las verificaciones, o imprimen líneas
# verosímiles sin hacer ninguna petición (adivina.c). La lista de esos casos son tablas,
# casos.tsv en cada una de esas carpetas (una fila por caso: la entrega, el laboratorio, la nota
# máxima y sus comprobaciones propias). De cada uno exige:
#   - que la calificación termine (código 0) en tiempo acotado, con nota y mensajes;
#   - que no quede vivo ningún proceso de la entrega;
#   - que el repositorio, la carpeta de la entrega y el informe queden intactos
#     (el informe dice la nota real, no la falsificada).
# Repite algunos sin bubblewrap (CALIF_SIN_BWRAP=1: solo límites y limpieza) y prueba
# además: un error de compilación puntúa 0 ese laboratorio y los demás se califican; un
# lab.json que no casa con su calificador es un error del calificador (código 3); y
# CRITERION_ALWAYS_SUCCEED en el entorno no cambia nada. Los casos van en seis partes, cada
# una en su proceso y todas a la vez (ver PRUEBA_AUTOGRADER_PARTE, más abajo). Última línea:
# «resumen: …».
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ" || exit 1
B=$(realpath -m "${1:-build}")
# shellcheck source=comun.sh
source "$RAIZ/autograder/pruebas/comun.sh"
LAB=07-monitor-web
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prueba-autograder.XXXXXX")
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT
LIMITE_S=60
MARCA="prueba-autograder-$$-$RANDOM"

# Huella de lo que una entrega no debe poder cambiar, por los metadatos de cada archivo (ruta,
# tamaño, modo, inodo y ctime), sin abrir ninguno. Escribir, truncar, cambiar el modo,
# renombrar o sustituir un archivo cambia su ctime, y nadie puede ponerlo a mano desde el
# espacio de usuario (utimensat cambia mtime y atime, y con eso también el ctime): detecta lo
# mismo que el sha256sum de antes. Sin abrir, porque la pasada de los hostiles mide qué
# laboratorios lee cada parte (autograder/profesorado/labs-tocados.py) y leerlos todos antes y
# después de cada caso hacía a cada parte de todos: un cambio en un laboratorio obligaba a
# pasarlas todas otra vez.
huella() {
  find labs solutions autograder common/include -type f -printf '%p %s %m %i %C@\n' |
    LC_ALL=C sort | sha256sum | cut -c1-16
}

# Procesos de la entrega que sigan vivos: los que llevan la marca de este caso en su
# entorno (el ejecutor y la biblioteca la pasan hasta la entrega, también dentro de la
# caja). Así no se confunden con los de otras calificaciones que corran a la vez en la
# máquina, ni se matan. Un solo grep lee el entorno de todos los procesos (-z: cada variable
# es una «línea», -x: la variable entera, como antes): antes eran tr y grep por cada proceso
# de la máquina, unos 600 procesos por caso con las partes calificando a la vez, y se iba en
# eso casi medio segundo de CPU por caso. Un proceso que muere mientras se lee no cuenta: si
# alguno lleva la marca, se vuelve a mirar un segundo después y solo cuentan los que siguen.
# La pasada del 06-12-2026 vio dos a medio morir: «sleep 0.2» en bd_en_grupo y uno ya sin línea
# de órdenes en asm_fork (que ni llega a ejecutarse). Es, casi seguro, el sleep del muestreo de
# calificar_en (comun.sh): su trap lo mata y sale sin esperarlo, y aquí se mira /proc antes de
# que muera.
# Allí se arreglaría con un wait en el trap, pero comun.sh está en la huella de los mutantes
# (toda la pasada); esto, solo en la de los hostiles.
con_marca() {
  local f p
  while IFS= read -r -d '' f; do
    p=${f#/proc/}
    p=${p%/environ}
    [ "$p" = "$$" ] || echo "$p"
  done < <(grep -lZzxF -- "CURSO_PRUEBAS_MARCA=$1" /proc/[0-9]*/environ 2>/dev/null)
}
supervivientes() {
  local p
  [ -n "$(con_marca "$1")" ] || return 0
  sleep 1
  for p in $(con_marca "$1"); do
    echo "$p $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | cut -c1-200)"
  done
}

# Los archivos hostiles, por su nombre: los del motor (autograder/hostiles/) y los de cada
# laboratorio (labs/NN-tema/.calificador/hostiles/: las entregas de ese laboratorio viven con él).
# Un nombre en dos carpetas sería ambiguo: la comprobación de las tablas lo dice (parte resto).
declare -A HOSTIL_RUTA=()
HOSTILES_REPETIDOS=""
for h in autograder/hostiles/* labs/[0-9][0-9]-*/.calificador/hostiles/*; do
  [ -f "$h" ] && [ "${h##*/}" != casos.tsv ] || continue
  [ -n "${HOSTIL_RUTA[${h##*/}]:-}" ] && HOSTILES_REPETIDOS+=" ${HOSTIL_RUTA[${h##*/}]} $h;"
  HOSTIL_RUTA[${h##*/}]=$h
done
# ruta_hostil NOMBRE: la ruta (desde la raíz del curso) del archivo hostil NOMBRE. Uno que no
# existe da la ruta que tendría en autograder/hostiles/, y quien la lea dirá que falta.
ruta_hostil() { echo "${HOSTIL_RUTA[$1]:-autograder/hostiles/$1}"; }

# hostil ARCHIVO…: como cat, pero cada línea «//@ preludio NOMBRE» de una trampa se cambia por
# autograder/hostiles/comun/NOMBRE.c (la instrucción syscall escondida, oculta6, la usaban
# nueve trampas copiada cada una a su manera). Todas las trampas pasan por aquí. Un ARCHIVO sin
# «/» es un hostil por su nombre (ruta_hostil); uno con «/», una ruta (solutions/…, $generada/…).
hostil() {
  local a rutas=()
  for a in "$@"; do
    if [[ "$a" == */* ]]; then rutas+=("$a"); else rutas+=("$(ruta_hostil "$a")"); fi
  done
  awk '/^\/\/@ preludio [a-z0-9_]+$/ {
         f = "autograder/hostiles/comun/" $3 ".c"
         if ((getline l < f) <= 0) { print "falta " f > "/dev/stderr"; exit 1 }
         do print l; while ((getline l < f) > 0)
         close(f); next
       }
       { print }' "${rutas[@]}"
}

# caso NOMBRE FUENTE MAXIMO [VAR=valor…]: califica el hostil FUENTE (un nombre o una ruta, como en
# hostil) como monitor.c.
# Con CASO_LAB=09-sala-de-chat CASO_ARCHIVO=chat.c, la entrega es de otro laboratorio: el
# hostil va en ese archivo y los demás editables se toman del programa de partida (o, con
# CASO_RESTO=solutions/NN-…, de la solución: un hostil que parte de ella).
caso() {
  local nombre=$1 fuente=$2 maximo=$3
  shift 3
  local dir="$TMP/$nombre" lab=${CASO_LAB:-$LAB} archivo=${CASO_ARCHIVO:-monitor.c}
  mkdir -p "$dir"
  cp "${CASO_RESTO:-labs/$lab}"/*.[ch] "$dir"/ 2>/dev/null
  # FUENTE: un archivo hostil por su nombre o una ruta absoluta (entregas generadas): hostil
  # resuelve los dos.
  hostil "$fuente" | sed -e "s|@RAIZ@|$RAIZ|g" -e "s|@SALIDA@|$SALIDAS/$nombre|g" \
    -e "s|@SECRETO@|${SECRETO:-}|g" -e "s|@PUERTO@|${PUERTO_FUERA:-9}|g" \
    -e "s|@UNIX@|${UNIX_FUERA:-/nada}|g" >"$dir/$archivo"
  local h_entrega h_antes
  h_entrega=$(sha256sum "$dir/$archivo")
  h_antes=$(huella)
  (
    for kv in "$@"; do export "${kv?}"; done
    export CURSO_PRUEBAS_MARCA="$MARCA-$nombre"
    calificar_en "$nombre" --lab "$lab" --entrega "$dir"
    echo "$rc $segundos $segundos_cpu" >"$TMP/$nombre.rc"
  )
  read -r rc segundos segundos_cpu <"$TMP/$nombre.rc"
  read -r p m < <(nota "$nombre")
  local etiqueta="$nombre${1:+ ($*)}"
  # LIMITE_S, en segundos con CPU (calificar_en, el reloj de los topes del ejecutor): con la
  # máquina cargada la calificación tarda más de reloj, no más de trabajo (medios_08_copia,
  # 61.6 s de reloj con dos bucles ocupados al lado, serie con carga de la sesión 42).
  if [ "$rc" = 0 ] && [ "$p" != "-" ] && [ "$p" -le "$maximo" ] &&
    awk -v s="$segundos_cpu" -v l="$LIMITE_S" 'BEGIN{exit !(s < l)}'; then
    bien "$etiqueta: $p/$m en $segundos s ($segundos_cpu con CPU)"
  else
    mal "$nombre" "$etiqueta: nota $p/$m (máximo esperado $maximo), rc=$rc, $segundos s ($segundos_cpu con CPU; tope $LIMITE_S) — $SALIDAS/$nombre.txt"
  fi
  if informe_valido "$nombre" 2>"$TMP/$nombre.inf"; then
    bien "$nombre: informe válido, cada fallo con su «Obtenido»"
  else
    mal "$nombre-informe" "$nombre: informe inválido: $(tail -n1 "$TMP/$nombre.inf")"
  fi
  local vivos
  vivos=$(supervivientes "$MARCA-$nombre")
  if [ -z "$vivos" ]; then
    bien "$nombre: no queda ningún proceso de la entrega"
  else
    mal "$nombre-vivos" "$nombre: quedan procesos vivos:"
    echo "$vivos" | sed 's/^/      /'
    echo "$vivos" | awk '{print $1}' | xargs -r kill -KILL 2>/dev/null
  fi
  if [ "$(huella)" = "$h_antes" ] && [ "$(sha256sum "$dir/$archivo")" = "$h_entrega" ] &&
    [ ! -e "labs/$LAB/HACKEADO" ] && [ ! -e autograder/HACKEADO ]; then
    bien "$nombre: repositorio y entrega intactos"
  else
    mal "$nombre-repo" "$nombre: ¡el repositorio o la entrega cambiaron!"
  fi
}

# La lista de los hostiles son tablas: autograder/hostiles/casos.tsv (el motor) y la casos.tsv
# de cada labs/NN-tema/.calificador/hostiles/ (las entregas de ese laboratorio), una fila por caso
# (parte, tramo, entrega, laboratorio, nota máxima, entorno y las comprobaciones de después;
# su cabecera explica cada columna). Añadir un hostil es añadir una fila, y quien revisa lee
# la tabla y no este guion. Cada parte la recorre con `casos PARTE TRAMO` en el sitio del
# guion donde van esos casos: un tramo son las filas seguidas de una parte sin código del
# guion entre ellas (un servidor que se prepara para varias, una comprobación que junta
# varios informes), y se ejecutan en el orden de las tablas (la del motor y después las de
# los laboratorios, por su número). Se leen enteras al empezar (y no
# fila a fila de un `while read`): lo que llama caso podría leer de la entrada estándar.
CASOS_TABLAS=(autograder/hostiles/casos.tsv)
for t in labs/[0-9][0-9]-*/.calificador/hostiles/casos.tsv; do
  [ -f "$t" ] && CASOS_TABLAS+=("$t")
done
mapfile -t CASOS_FILAS < <(grep -h -v -e '^#' -e '^[[:space:]]*$' "${CASOS_TABLAS[@]}")
# Las entregas que se escriben aquí (columna «fuente»: «generada» o «a.c+b.c»), y lo que
# generan las partes por su cuenta.
generada="$TMP/generadas"
mkdir -p "$generada"

# con_variables [VAR=valor…] -- ORDEN…: ORDEN con esas variables exportadas solo mientras
# dura, como «VAR=valor ORDEN» (así llamaba el guion a caso: LIMITE_S=100 CASO_LAB=… caso …).
# Locales y exportadas: al volver, cada una recobra lo que era.
con_variables() {
  while [ "$1" != -- ]; do
    local "${1%%=*}"
    export "${1?}"
    shift
  done
  shift
  "$@"
}

# casos PARTE TRAMO: las filas de la tabla de esa parte y ese tramo, en su orden. Un tramo sin
# ninguna fila es un error de la tabla (un nombre mal escrito se saltaría el tramo en silencio).
casos() {
  local fila n=0
  for fila in "${CASOS_FILAS[@]}"; do
    [[ "$fila" == "$1"$'\t'"$2"$'\t'* ]] || continue
    caso_fila "$fila"
    n=$((n + 1))
  done
  [ "$n" -gt 0 ] || mal "tabla-$1-$2" "casos.tsv: ninguna fila de la parte «$1», tramo «$2»"
}

# caso_fila FILA: una fila de casos.tsv. Primero su preparación (antes_NOMBRE, si la hay: si
# falla, ya dijo por qué con mal o salta, y el caso no se califica), después la entrega
# (fuente) y caso, y al final sus comprobaciones propias (despues_NOMBRE…, separadas por «;»).
# Las dos funciones reciben el nombre del caso y las palabras que siguen a la suya en la
# columna; ven además, de esta función, «dice» (la última columna), «lab_caso» y
# «archivo_caso» (el laboratorio y el archivo, también los de por omisión) y «vars», que la
# preparación amplía con lo que caso necesita (SECRETO=…, PUERTO_FUERA=…, UNIX_FUERA=…).
caso_fila() {
  # Las dos primeras (parte y tramo) ya las miró casos.
  local nombre fuente lab archivo resto maximo limite entorno antes despues dice de_mas
  IFS=$'\t' read -r _ _ nombre fuente lab archivo resto maximo limite entorno antes despues \
    dice de_mas <<<"$1"
  # Las columnas vacías llevan «-»: un tabulador es espacio para read, y dos seguidos serían uno.
  if [ -z "$dice" ] || [ -n "$de_mas" ]; then
    mal "tabla-$nombre" "casos.tsv: la fila de «$nombre» no tiene 13 columnas separadas por tabuladores"
    return
  fi
  [ "$dice" = - ] && dice=""
  local lab_caso=$LAB archivo_caso=monitor.c
  [ "$lab" != - ] && lab_caso=$lab
  [ "$archivo" != - ] && archivo_caso=$archivo
  local -a args=() vars=() llamada=() llamadas=() trozos=()
  # «$TMP» en el entorno es la carpeta temporal de la parte (lo que preparó la función de antes).
  [ "$entorno" != - ] && read -r -a args <<<"${entorno//\$TMP/$TMP}"
  [ "$lab" != - ] && vars+=("CASO_LAB=$lab")
  [ "$archivo" != - ] && vars+=("CASO_ARCHIVO=$archivo")
  [ "$resto" != - ] && vars+=("CASO_RESTO=$resto")
  [ "$limite" != - ] && vars+=("LIMITE_S=$limite")
  # Una función que no existe en esta parte (cada parte define las suyas) no es una
  # preparación que falló diciendo por qué: es un caso que no se califica sin que nada lo diga.
  local f d
  local -a funciones=()
  [ "$antes" != - ] && funciones+=("antes_${antes%% *}")
  if [ "$despues" != - ]; then
    IFS=';' read -r -a llamadas <<<"$despues"
    for d in "${llamadas[@]}"; do
      read -r -a llamada <<<"$d"
      funciones+=("despues_${llamada[0]}")
    done
  fi
  for f in "${funciones[@]}"; do
    if ! declare -F "$f" >/dev/null; then
      mal "tabla-$nombre" "casos.tsv: la fila de «$nombre» llama a $f, que la parte «$PARTE» no define (cada parte define las suyas): el caso no se calificó"
      return
    fi
  done
  if [ "$antes" != - ]; then
    read -r -a llamada <<<"$antes"
    "antes_${llamada[0]}" "$nombre" "${llamada[@]:1}" || return 0
  fi
  # La entrega: un archivo hostil (ruta_hostil); «generada», la que escribió la preparación
  # en $generada/NOMBRE.c; o «a.c+b.c+…», esos archivos uno tras otro (hostil: los de
  # los hostiles por su nombre, los demás, como solutions/…, por su ruta).
  local origen=$fuente t
  if [ "$fuente" = generada ]; then
    origen="$generada/$nombre.c"
  elif [[ "$fuente" == *+* ]]; then
    IFS=+ read -r -a trozos <<<"$fuente"
    hostil "${trozos[@]}" >"$generada/$nombre.c"
    origen="$generada/$nombre.c"
  fi
  con_variables "${vars[@]}" -- caso "$nombre" "$origen" "$maximo" "${args[@]}"
  if [ "$despues" != - ]; then
    IFS=';' read -r -a llamadas <<<"$despues"
    for t in "${llamadas[@]}"; do
      read -r -a llamada <<<"$t"
      "despues_${llamada[0]}" "$nombre" "${llamada[@]:1}"
    done
  fi
}

# despues_dice NOMBRE QUÉ…: el informe dice lo de la columna «dice» (un patrón de grep: «\|»
# separa las formas que valen); QUÉ (las demás palabras de la columna «despues») es lo que eso
# prueba. La comprobación más común de la tabla: que un rechazo o un aviso se explique en el
# informe, no solo que la nota baje.
despues_dice() {
  local nombre=$1 que="${*:2}"
  if [ -n "$dice" ] && grep -q -- "$dice" "$SALIDAS/$nombre.txt"; then
    bien "$nombre: ${que:-el informe dice «$dice»}"
  else
    mal "$nombre-dice" "$nombre: el informe no dice «${dice:-(columna «dice» vacía)}»${que:+ ($que)} — $SALIDAS/$nombre.txt"
  fi
}

# despues_rechazado NOMBRE: no se califica, y el informe dice por qué: lo de «dice» (qué se
# vio, y dónde).
despues_rechazado() {
  if grep -q "no se califica" "$SALIDAS/$1.txt" && [ -n "$dice" ] &&
    grep -q -- "$dice" "$SALIDAS/$1.txt"; then
    bien "$1: rechazada, y el informe dice lo que se vio («$dice»)"
  else
    mal "$1-mensaje" "$1: no rechazada, o el informe no dice «${dice:-(columna «dice» vacía)}» — $SALIDAS/$1.txt"
  fi
}

# Las seis partes a la vez. Casi todo el tiempo de esta suite es esperar: entregas que se
# cuelgan hasta su límite, que giran, que ignoran las señales, el PostgreSQL del 12. El resto
# (la contención, VPL, las líneas sin pruebas), bd (el 12, los errores del calificador y los
# manifiestos), las trampas, la sala (las trampas del 09 y la mitad de los medios que no
# depende de medios_08_syscall), los medios (las que se juzgan por la traza) y las cuentas (lo
# que la entrega no puede deducir ni callar: el servidor, la precarga, la red y el disco) van
# cada una en su proceso, con su TMP, su marca y sus casos (ninguna lee lo de otra): la suite
# tarda lo que la más larga y no la suma. Una parte puede ser varios bloques del guion (los
# «if [ "$PARTE" = … ]»), en el orden en que están: así se reparten sin mover los casos. Con
# tres partes (resto, trampas y medios) tardaba 796 s, y sus calificaciones sumaban 621 s en
# los medios, 458 en el resto y 379 en las trampas; con los casos nuevos del 09, 833 s dentro
# de `make test`. Con cinco (las trampas enteras), 686 s: las trampas solas, 686. Las
# trampas y la sala llevan cada una su vigilante de canales (canales-vistos.py): cada
# calificación que se miraba se sigue mirando. Lo que se paga es más calificaciones a la vez;
# la CPU de la suite no cambia por eso (la de cada parte sale en su cabecera), pero cada caso
# tarda más con la máquina llena: su nota se mide con un máximo, no con tiempos, y LIMITE_S
# (60 s; 100 o 120 en los que esperan más) debe seguir sobrando: el caso más lento con tope
# de 60 tardó 44 s con las partes a la vez. LIMITE_S y los topes del ejecutor son segundos con
# CPU (base/reloj.c): con la máquina muy cargada (una pasada de mutantes al lado, o dos bucles
# ocupados y make test) se vio fallar bd_colgado, porque el tope de reloj del 12 cortaba
# verificaciones que debían terminar, y medios_08_copia, en 61.6 s de reloj. PRUEBA_AUTOGRADER_J=N deja como mucho N partes a la vez, en el orden de PARTES: de la
# más larga a la más corta (medidas con las seis a la vez). Por omisión, 3: las mismas
# calificaciones a la vez que con las tres partes de antes, dentro de `make test`, donde la
# suite va al lado de otra y del carril ligero. Probado en la sesión 51, y peor: con 4, la
# suite tardó 975 s y `make test` 1387 (frente a 947 y 1254; prueba-practica, al lado, de 536 a
# 797 s): la máquina ya va llena, y más a la vez solo reparte la espera. Y con el orden de los
# tiempos de 3 en 3 (sala, bd, trampas…), 1024 s: la bd al empezar, con la máquina más llena,
# alarga bd_colgado (espera el tope del 12, que es de segundos con CPU: 363 s de reloj).
# PRUEBA_AUTOGRADER_PARTE=resto, =bd, =trampas, =sala, =medios o =cuentas ejecuta solo esa
# parte (así se llama a sí misma).
PARTES="trampas sala cuentas bd resto medios"
PARTE=${PRUEBA_AUTOGRADER_PARTE:-}
if [ -z "$PARTE" ]; then
  hijos=()
  trap 'kill "${hijos[@]}" 2>/dev/null; rm -rf "$TMP"' EXIT
  trap 'exit 130' INT TERM HUP
  vivas() { # cuántas partes siguen en marcha (wait -n recoge la que acabó)
    local n=0 h
    for h in "${hijos[@]}"; do kill -0 "$h" 2>/dev/null && n=$((n + 1)); done
    echo "$n"
  }
  for p in $PARTES; do
    while [ "$(vivas)" -ge "${PRUEBA_AUTOGRADER_J:-3}" ]; do wait -n; done
    PRUEBA_AUTOGRADER_PARTE=$p bash "$0" "$B" >"$TMP/parte-$p.log" 2>&1 &
    hijos+=("$!")
  done
  for h in "${hijos[@]}"; do wait "$h"; done
  total=0 bien_n=0 mal_n=0 salt_n=0 todas=()
  for p in $PARTES; do
    echo "════ Parte «$p» ($(sed -n 's/^parte [a-z]*: //p' "$TMP/parte-$p.log"))"
    grep -v -e '^resumen: ' -e '^Fallan: ' -e '^parte [a-z]*: ' "$TMP/parte-$p.log"
    linea=$(grep '^resumen: ' "$TMP/parte-$p.log" | tail -n1)
    if [[ "$linea" =~ ^resumen:\ ([0-9]+)\ comprobaciones,\ ([0-9]+)\ pasan,\ ([0-9]+)\ fallan(,\ ([0-9]+)\ saltadas)?$ ]]; then
      total=$((total + BASH_REMATCH[1])); bien_n=$((bien_n + BASH_REMATCH[2]))
      mal_n=$((mal_n + BASH_REMATCH[3])); salt_n=$((salt_n + ${BASH_REMATCH[5]:-0}))
      read -r -a f <<<"$(sed -n 's/^Fallan: //p' "$TMP/parte-$p.log" | tail -n1)"
      todas+=("${f[@]}")
    else
      echo "  ✘ la parte «$p» terminó sin su resumen (se cortó): arriba, lo último que dijo"
      total=$((total + 1)); mal_n=$((mal_n + 1)); todas+=("parte-$p")
    fi
  done
  [ "$mal_n" -gt 0 ] && echo "Fallan: ${todas[*]}"
  echo "resumen: $total comprobaciones, $bien_n pasan, $mal_n fallan$([ "$salt_n" -gt 0 ] && echo ", $salt_n saltadas")"
  [ "$mal_n" -eq 0 ]
  exit
fi

if [ "$PARTE" = resto ]; then
# Y al revés que en casos: una fila cuya parte y tramo no tienen su «casos PARTE TRAMO» en el
# guion (un tramo mal escrito, una parte que no existe) no se ejecutaría nunca, en silencio.
echo "── Las tablas de los hostiles (autograder/hostiles/ y labs/*/.calificador/hostiles/)"
sin_tramo=$(for fila in "${CASOS_FILAS[@]}"; do
  IFS=$'\t' read -r parte tramo nombre _ <<<"$fila"
  grep -qE "^[[:space:]]*casos $parte $tramo\$" "$0" || echo "$nombre ($parte $tramo)"
done)
if [ -z "$sin_tramo" ]; then
  bien "casos.tsv: cada una de las ${#CASOS_FILAS[@]} filas tiene su «casos PARTE TRAMO» en el guion"
else
  mal "tabla-sin-tramo" "casos.tsv: filas que no se ejecutarían nunca (su parte y tramo no están en el guion): $(echo $sin_tramo)"
fi
# Cada tabla en su sitio: en la del motor, «lab» es «-»; en la de un laboratorio, el suyo (un
# caso que se califica como entrega del 09 vive con el 09). Un nombre de caso en dos filas
# pisaría la carpeta y el informe del otro; un archivo hostil con el mismo nombre en dos
# carpetas, ruta_hostil tomaría uno cualquiera.
mal_sitio=$(for t in "${CASOS_TABLAS[@]}"; do
  esperado=-
  [[ "$t" == labs/* ]] && esperado=$(cut -d/ -f2 <<<"$t")
  grep -v -e '^#' -e '^[[:space:]]*$' "$t" | awk -F'\t' -v e="$esperado" -v t="$t" \
    '$5 != e { print $3 " (" t ": lab «" $5 "», y aquí va «" e "»)" }'
done)
repetidos=$(printf '%s\n' "${CASOS_FILAS[@]}" | cut -f3 | LC_ALL=C sort | uniq -d)
if [ -z "$mal_sitio$repetidos$HOSTILES_REPETIDOS" ]; then
  bien "casos.tsv: cada fila en la tabla de su laboratorio ($((${#CASOS_TABLAS[@]} - 1)) laboratorios y la del motor), ningún nombre de caso ni de archivo hostil repetido"
else
  mal "tabla-sitio" "casos.tsv: fuera de su tabla: $(echo $mal_sitio); casos repetidos: $(echo $repetidos); archivos en dos carpetas:$HOSTILES_REPETIDOS"
fi
echo "── Rutas: el calificador no sigue nada de lo que la entrega pudo tocar (prueba estática)"
if bash "$RAIZ/autograder/pruebas/rutas-estaticas.sh" "$RAIZ"; then
  bien "rutas-estaticas: ninguna llamada por ruta fuera de base/arbol.c y sus excepciones"
else
  mal "rutas-estaticas" "rutas-estaticas: hay llamadas por ruta sobre árboles de la entrega (arriba)"
fi
# base/arbol.c por dentro, con openat2 y con el recorrido de un núcleo sin él.
if "${CC:-cc}" -std=gnu11 -Wall -Wextra -Werror -I"$RAIZ/autograder/include" -I"$RAIZ/common/include" \
  -o "$TMP/prueba_arbol" "$RAIZ/autograder/pruebas/arbol/prueba_arbol.c" "$B/lib/libcalificador.a" \
  "$B/lib/libcurso.a" 2>"$TMP/prueba_arbol.err"; then
  for sin in 0 1; do
    mkdir "$TMP/arbol-$sin"
    if CALIF_SIN_OPENAT2=$sin "$TMP/prueba_arbol" "$TMP/arbol-$sin"; then
      bien "arbol (CALIF_SIN_OPENAT2=$sin): ningún enlace se sigue"
    else
      mal "arbol-$sin" "arbol (CALIF_SIN_OPENAT2=$sin): alguna trampa se siguió (arriba)"
    fi
  done
else
  mal "arbol-compila" "prueba_arbol.c no compila: $(head -n3 "$TMP/prueba_arbol.err")"
fi

echo "── El canal de Criterion, en la carpeta de la calificación (lib/canal.c)"
# Criterion une sus procesos por ipc:///tmp/criterion_<pid>.sock. Otro proceso escuchando en
# esa ruta (un Criterion de otro usuario con el mismo pid, o su socket viejo que no se puede
# borrar) lo paraba sin TAP: 1 de 15 calificaciones como usuario tras las de root. `exec`
# conserva el pid de bash, así que la ruta se sabe antes. Sin CALIF_CANAL debe fallar (si no,
# esta prueba no distingue nada); con ella, correr, y la carpeta quedar vacía.
canal_probar() { # canal_probar CARPETA («» = sin CALIF_CANAL): el código del calificador
  bash -c 'python3 -c "
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); time.sleep(60)" \
      "/tmp/criterion_$$.sock" &
    echo "$$ $!" >"$3"
    for _ in $(seq 100); do [ -S "/tmp/criterion_$$.sock" ] && break; sleep 0.1; done
    if [ -n "$1" ]; then export CALIF_CANAL=$1; fi
    exec "$2" --filter="lab/no_existe"' canal "$1" "$B/labs/$LAB/calificador" "$TMP/canal.pid" \
    >"$TMP/canal-${1:+con}.txt" 2>&1
  local rc=$? pid escucha
  read -r pid escucha <"$TMP/canal.pid"
  kill "$escucha" 2>/dev/null
  rm -f "/tmp/criterion_$pid.sock"
  return "$rc"
}
mkdir -m 700 "$TMP/canal"
canal_probar "" 2>/dev/null
sin_rc=$?
canal_probar "$TMP/canal"
con_rc=$?
if [ "$sin_rc" -ne 0 ] && grep -q "message server" "$TMP/canal-.txt" && [ "$con_rc" -eq 0 ] &&
  [ -z "$(ls -A "$TMP/canal")" ]; then
  bien "canal: con otro escuchando en /tmp/criterion_<pid>.sock, Criterion corre en su carpeta (sin ella, código $sin_rc)"
else
  mal "canal" "canal: sin CALIF_CANAL código $sin_rc (debía fallar por «message server»), con ella $con_rc (debía ser 0), en la carpeta queda «$(ls -A "$TMP/canal")»: $(tail -n2 "$TMP/canal-.txt" "$TMP/canal-con.txt" | tr '\n' ' ')"
fi

echo "── Contención con bubblewrap"
if ! command -v bwrap >/dev/null; then
  mal "sin-bwrap" "bubblewrap no está instalado: no se puede probar la caja (make deps)"
fi
despues_inunda() {
  if grep -q 'descartaron' "$SALIDAS/$1.txt" && [ "$(stat -c %s "$SALIDAS/$1.txt")" -lt 2000000 ] &&
    [ "$(stat -c %s "$SALIDAS/$1/results.json")" -lt 5000000 ]; then
    bien "$1: la salida se recorta, se dice y el informe no crece sin medida"
  else
    mal "$1-tope" "$1: no se avisa del recorte o el informe es enorme"
  fi
}
# escribe.c escribe /tmp/HACKEADO-calificador: que no quede de antes.
antes_escribe() { rm -f /tmp/HACKEADO-calificador; }
despues_escribe() {
  if [ ! -e /tmp/HACKEADO-calificador ]; then
    bien "$1: /tmp del sistema intacto (la caja tiene /tmp propio)"
  else
    mal "$1-tmp" "$1: pudo escribir en /tmp del sistema"
    rm -f /tmp/HACKEADO-calificador
  fi
  if grep -q FORJADO "$SALIDAS/$1/results.json"; then
    mal "$1-forja" "$1: el informe contiene resultados falsificados"
  else
    bien "$1: resultados no falsificados (el informe da la nota real)"
  fi
}
casos resto con_caja

fi

# Las trampas y la sala (las trampas del 09, más abajo) son dos partes; en cada una, el mismo
# vigilante y el mismo juicio de los canales, sobre sus calificaciones.
if [ "$PARTE" = trampas ] || [ "$PARTE" = sala ]; then
# Mientras dura esta parte, el canal de Criterion de cada calificación visto desde fuera
# (canales-vistos.py): debe estar en una carpeta de la calificación (trabajo/NN/canal, o
# calif-canal.* en TMPDIR o /tmp si esa ruta no cabe en un socket), nunca en
# /tmp/criterion_<pid>.sock.
CANALES_RAIZ=$$ python3 "$RAIZ/autograder/pruebas/canales-vistos.py" "$TMP/canales-$PARTE.txt" \
  "$B"/labs/*/calificador &
canales_pid=$!
fi

if [ "$PARTE" = trampas ]; then
echo "── Trampas de un estudiante listo (campaña de ataques al calificador v1)"
# .incbin de un archivo que solo lee root: ni en el programa ni en el informe.
antes_incbin() {
  local secreto="$TMP/secreto-root"
  marca_secreta="SECRETO-$RANDOM$RANDOM$RANDOM"
  echo "$marca_secreta" >"$secreto"
  chmod 600 "$secreto"
  vars+=("SECRETO=$secreto")
}
despues_incbin() {
  if grep -rqs "$marca_secreta" "$SALIDAS/$1" "$SALIDAS/$1.txt"; then
    mal "$1-filtra" "$1: los bytes del archivo de root llegaron al informe o al programa"
  else
    bien "$1: los bytes de un archivo de root no llegan ni al programa ni al informe"
  fi
}
# Un binario que nombra un archivo de fuera en su .gnu_debugaltlink: addr2line (traducir las
# direcciones de la precarga vivos) lo seguía como root fuera de la caja y sacaba su .debug_str
# al informe. El archivo: un ELF de solo quien prueba (root en CI), con la marca como cadena.
# Ahora addr2line corre encerrado (con bwrap, sin ver más que el programa; sin bwrap y como
# root, con el uid de la caja), y la traducción sigue («creado en x.c:1»: leyó el CU, no la
# cadena ajena). antes_altlink NOMBRE [raiz]: el ELF, una vez para los dos casos (si no se
# pudo, se dice una vez y no se califica ninguno); con «raiz», solo si somos root.
antes_altlink() {
  [ "${2:-}" = raiz ] && [ "$(id -u)" != 0 ] && return 1
  if [ -z "${alt_marca:-}" ]; then
    alt_marca="SECRETO-ALT-$RANDOM$RANDOM$RANDOM"
    printf '.section .debug_str,"MS",@progbits,1\n.string "%s"\n' "$alt_marca" >"$TMP/alt.s"
    if as -o "$TMP/alt.o" "$TMP/alt.s" && ld -shared -o "$TMP/alt-secreto.o" "$TMP/alt.o"; then
      chmod 600 "$TMP/alt-secreto.o"
    else
      mal "addr2line-altlink" "no se pudo preparar el ELF secreto con as y ld"
    fi
  fi
  [ -f "$TMP/alt-secreto.o" ] || return 1
  vars+=("SECRETO=$TMP/alt-secreto.o")
}
despues_altlink() {
  local n=$1
  if grep -rqs "$alt_marca" "$SALIDAS/$n" "$SALIDAS/$n.txt"; then
    mal "$n-filtra" "$n: la cadena del archivo que nombra .gnu_debugaltlink llegó al informe"
  elif ! grep -q "creado en x.c:1" "$SALIDAS/$n.txt"; then
    mal "$n-traduce" "$n: la dirección del programa ya no se traduce a archivo:línea"
  else
    bien "$n: addr2line no sigue al archivo de fuera, y traduce («creado en x.c:1»)"
  fi
}
# La solución con un hijo que hace el trabajo o un exec final que esquivan a valgrind.
antes_trabajo_en_hijo() {
  { cat "solutions/$LAB/monitor.c"; printf '%s\n' \
    '__attribute__((constructor)) static void trampa(void) { if (fork() > 0) _exit(0); }'; } \
    >"$generada/$1.c"
}
antes_exec_final() {
  { cat "solutions/$LAB/monitor.c"; printf '%s\n' \
    '__attribute__((destructor)) static void trampa(void) { execl("/bin/true", "true", (char *)0); }'; } \
    >"$generada/$1.c"
}
# Bajo valgrind, un resumen limpio falso en su informe, el descriptor cerrado y un execve
# escondido a /bin/true: el veredicto de valgrind leía «0 errores y sin fugas» con una fuga
# (antes 100/100); la traza de los execve de valgrind lo delata (runner/conducta.c). Solo se
# ve en «valgrind», que no es del núcleo del 07: esa pierde sus puntos con lo visto (la
# trampa no gana nada: es la solución con una fuga) y lo demás se califica (95).
despues_valgrind_exec() {
  if grep -q 'Se vio execve de otro programa bajo valgrind' "$SALIDAS/$1.txt" &&
    python3 - "$SALIDAS/$1/results.json" <<'PY'; then
import json, sys
t = [t for t in json.load(open(sys.argv[1]))["tests"] if t["extra_data"]["id"] == "valgrind"][0]
sys.exit(t["score"] != 0 or "Se vio execve de otro programa bajo valgrind" not in t["output"])
PY
    bien "$1: «valgrind» en 0 por el execve bajo valgrind, y dicho así"
  else
    mal "valgrind-exec-mensaje" "$1: «valgrind» no está en 0 o el informe no dice que ejecutó otro programa bajo valgrind"
  fi
}
# El informe de valgrind lo puede escribir el programa (el descriptor 4 sigue abierto): con una
# fuga, valgrind_tapa.c escribe al salir un final limpio falso y 320 KiB de relleno (el tope de
# lectura es 256 KiB: el resumen de verdad quedaba fuera) y muere por SIGINT (130, y valgrind
# no usa --error-exitcode). Antes, 100/100 en el 10; ahora pierde sigint y valgrind. Las
# variantes: sin relleno (dos resúmenes: el falso y el de verdad) y encogiendo y llenando la
# tubería sin bloqueo (el resumen de verdad se pierde si el calificador no ha leído): las dos
# mueren por una señal, y eso lo dice la traza de strace, que el programa no escribe. Sin
# bwrap, el estado de wait.
# antes_tapa NOMBRE RELLENO_KIB SABOTAJE: valgrind_tapa.c así, delante de la solución del 10.
antes_tapa() {
  sed -e "s/^#define VT_RELLENO_KIB .*/#define VT_RELLENO_KIB $2/" \
    -e "s/^#define VT_SABOTAJE .*/#define VT_SABOTAJE    $3/" "$(ruta_hostil valgrind_tapa.c)" |
    cat - solutions/10-clima/clima.c >"$generada/$1.c"
}
# despues_tapa NOMBRE RELLENO_KIB
despues_tapa() {
  local nombre=$1 relleno=$2
  # No «fallan»: es el contador de comun.sh, y mal() lo suma (con set -u, «unbound variable»).
  local perdidas
  perdidas=" $(id_fallidas "$nombre" 10-clima | tr '\n' ' ')"
  # Sin relleno, el informe cabe: lo que los hace perder es la muerte por SIGINT, y tiene que
  # venir de lo que el programa no escribe (la traza de strace o el estado de wait: «la señal
  # SIGINT»), no de la línea de valgrind («una señal»), que el sabotaje pierde según quién
  # lea antes. Antes de leer la traza con -i, el sabotaje aprobaba sigint bajo carga (CI de
  # la sesión 25).
  local nombrada=1
  [ "$relleno" = 0 ] && ! grep -q 'murió por la señal SIGINT bajo valgrind' "$SALIDAS/$nombre.txt" &&
    nombrada=0
  if [[ "$perdidas" == *" sigint "* ]] && [[ "$perdidas" == *" valgrind "* ]] && [ "$nombrada" = 1 ]; then
    bien "$nombre: pierde sigint y valgrind ($(grep -o 'el informe de valgrind pasó de [0-9]* KiB\|murió por la señal SIG[A-Z]*\|murió por una señal' "$SALIDAS/$nombre.txt" | sort -u | tr '\n' ';'))"
  else
    mal "$nombre-valgrind" "$nombre: fallan «$perdidas» (debían fallar sigint y valgrind$([ "$nombrada" = 0 ] && printf ', por «murió por la señal SIGINT», que dice la traza'))) — $SALIDAS/$nombre.txt"
  fi
}
# Con una llamada directa a valgrind (client request: VALGRIND_NON_SIMD_CALL1), valgrind_cliente.c hace
# que valgrind ejecute en la CPU de verdad una función suya que escribe un resumen limpio falso
# en el informe y sale con exit_group antes del resumen y el código de valgrind: con una fuga,
# antes 100/100 en el 07. Con el preámbulo en el código, los objetos lo delatan (no se
# califica); escrito en tiempo de ejecución en memoria anónima ejecutable (JIT 1), la traza de
# valgrind (lib/valgrind.c): pierde valgrind. También sin bwrap.
# antes_cliente NOMBRE JIT: valgrind_cliente.c con ese VC_JIT, delante de la solución del 07.
antes_cliente() {
  hostil autograder/hostiles/valgrind_cliente.c | sed -e "s/^#define VC_JIT .*/#define VC_JIT $2/" |
    cat - "solutions/$LAB/monitor.c" >"$generada/$1.c"
}
# despues_pierde_valgrind NOMBRE: pierde valgrind y el informe dice «dice».
despues_pierde_valgrind() {
  local nombre=$1 mensaje=$dice perdidas
  perdidas=" $(id_fallidas "$nombre" "$lab_caso" | tr '\n' ' ')"
  if [[ "$perdidas" == *" valgrind "* ]] && grep -q "$mensaje" "$SALIDAS/$nombre.txt"; then
    bien "$nombre: pierde valgrind y lo dice («$mensaje»)"
  else
    mal "$nombre-valgrind" "$nombre: fallan «$perdidas», o el informe no dice «$mensaje» — $SALIDAS/$nombre.txt"
  fi
}
# El 11 deja enlaces simbólicos con los nombres de los .parte que el calificador (root, fuera de
# la caja) escribía entre dos ejecuciones en la misma carpeta (continuar_416). Antes, root
# creaba autograder/HACKEADO (0666) en el repositorio; después, cal_crear_archivo dejó de
# seguir nada (lo prueba prueba_arbol: arbol_crear sobre un enlace). Y desde la sesión 31 la
# trampa ya no acierta: los nombres son al azar (desc_nombre) y cada reanudación va en una
# carpeta nueva. El caso queda de extremo a extremo: la víctima sigue intacta.
antes_parte_enlace() {
  pe_victima="$TMP/victima-parte"
  echo intacta >"$pe_victima"
  chmod 600 "$pe_victima"
  vars+=("SECRETO=$pe_victima")
}
despues_parte_enlace() {
  if [ "$(cat "$pe_victima")" = intacta ] && [ "$(stat -c %a "$pe_victima")" = 600 ]; then
    bien "$1: el calificador no escribe por los enlaces que deja la entrega"
  else
    mal "parte-enlace" "$1: root escribió o cambió el modo de un archivo ajeno por un enlace"
  fi
  rm -f autograder/HACKEADO
}
# El calificador, como root, nunca sigue una ruta que la entrega pudo tocar (base/arbol.c), con
# openat2 y sin él (CALIF_SIN_OPENAT2=1: el recorrido de un núcleo < 5.6), y sin bwrap.
# 08: al salir, el programa cambia «arbol» por otra carpeta cuyo «cerrada» es un enlace a un
# archivo ajeno (0600); después el calificador devolvía los permisos a «arbol/cerrada» con
# chmod(ruta, 0755) y root cambiaba el modo de ese archivo (antes: 0600 → 0755 y 100/100).
antes_enlace_08() {
  e8_victima="$TMP/victima-$1"
  echo intacta >"$e8_victima"
  chmod 600 "$e8_victima"
  vars+=("SECRETO=$e8_victima")
}
despues_enlace_08() {
  local nombre=$1
  if [ "$(cat "$e8_victima")" = intacta ] && [ "$(stat -c %a "$e8_victima")" = 600 ] &&
    grep -q 'enlace simbólico.*no se sigue' "$SALIDAS/$nombre.txt"; then
    bien "$nombre: el archivo ajeno sigue 0600 y la verificación dice que había un enlace"
  else
    # Con la verificación «errores» y lo que obtuvo: si falló antes por otra cosa (carga), se ve.
    mal "$nombre-victima" "$nombre: root cambió el modo de un archivo ajeno por un enlace ($(stat -c %a "$e8_victima"), «$(cat "$e8_victima")»), o el informe no lo dice: $(grep -A8 'Carpetas recursivas' "$SALIDAS/$nombre.txt" | grep -m1 -o 'Obtenido:.*' | cut -c1-400) — $SALIDAS/$nombre.txt"
  fi
}
# 11: al salir, el programa cambia su carpeta -d por un enlace a una carpeta ajena 0700; el
# calificador listaba -d en el detalle de lo que falla y el nombre de un archivo de esa carpeta
# salía en el informe y en results.json (antes: 6 veces en cada uno).
antes_enlace_11() {
  local secreta="$TMP/secreta-$1"
  e11_nombre="solo-root-$RANDOM$RANDOM.txt"
  mkdir -m 700 "$secreta"
  : >"$secreta/$e11_nombre"
  vars+=("SECRETO=$secreta")
}
despues_enlace_11() {
  local nombre=$1
  if ! grep -rqF "$e11_nombre" "$SALIDAS/$nombre.txt" "$SALIDAS/$nombre" &&
    grep -q 'no se puede leer: la entrega puso un enlace simbólico' "$SALIDAS/$nombre.txt"; then
    bien "$nombre: lo de la carpeta ajena no sale en ningún informe, y el detalle dice que había un enlace"
  else
    mal "$nombre-secreto" "$nombre: el nombre de un archivo de una carpeta 0700 ajena salió en el informe, o no dice por qué no se lista"
  fi
}
# antes_nombre_unicode NOMBRE: en la entrega, junto a monitor.c, un archivo cuyo nombre lleva
# el CSI de 8 bits, el de dirección U+202E y el no-carácter U+FFFE (la cabecera del informe
# nombra los archivos de la entrega); informe_valido no acepta ninguno en el informe.
antes_nombre_unicode() {
  mkdir -p "$TMP/$1" && : >"$TMP/$1/"$'\xc2\x9b''2JTotal: 100 de 100 '$'\xe2\x80\xae''txt.c'$'\xef\xbf\xbe'
}
casos trampas trampas
fi

# Las trampas del 09, en la parte «sala» (con su vigilante de canales, arriba).
if [ "$PARTE" = sala ]; then
echo "── Trampas de un estudiante listo: la sala de chat (09)"
# libuv acepta y después la sala lee y escribe cada descriptor por su cuenta (de un adversario de
# la sesión 36, las tres a 100/100): un bucle epoll propio con el descriptor que crea libuv
# (chat_prestado_epoll.c), un uv_poll por conexión (chat_prestado_sondeo.c), un hilo del grupo que
# sondea y duerme (chat_prestado_siesta.c). Las delatan las cuentas de la precarga vivos
# (.trafico), cliente a cliente: lo que recibe cada cliente no lo escribió libuv; los uv_poll.
# Quedan compila y valgrind (bajo valgrind no hay precarga): 10. Y los parches de adversarios de
# las sesiones 37 y 38 sobre chat_prestado_epoll.c (chat_bomba, chat_clave_manejador,
# chat_efault, chat_pizca, chat_udp_par: qué hace cada uno, en la tabla). Sus otros dos, leer y
# escribir los sockets con uv_fs_read/uv_fs_write o llamar a write con una vuelta falsa a libuv,
# los prueba prueba-vivos: eco fs, eco vuelta; chat_fs_ingenuo, en «cuentas», el primero en el 09.
# antes_prestado NOMBRE: chat_prestado_epoll.c con el parche NOMBRE.patch (del 09); un parche
# que ya no se aplica es un fallo y el caso no se califica.
antes_prestado() {
  hostil chat_prestado_epoll.c >"$generada/$1.c"
  patch -s "$generada/$1.c" <"$(ruta_hostil "$1.patch")" >/dev/null 2>&1 && return 0
  mal "${1//_/-}-parche" "$(ruta_hostil "$1.patch") ya no se aplica a chat_prestado_epoll.c"
  return 1
}
casos sala chat
# Una comprobación sobre los informes de cinco casos del tramo: va aquí, tras él, y no en la tabla.
escrito='y el programa solo escribió con libuv 0 en su conexión'
if grep -q "$escrito" "$SALIDAS/chat_prestado_epoll.txt" &&
  grep -q "$escrito" "$SALIDAS/chat_prestado_siesta.txt" &&
  grep -q "$escrito" "$SALIDAS/chat_bomba.txt" &&
  grep -q 'el programa creó [0-9]* uv_poll' "$SALIDAS/chat_prestado_sondeo.txt" &&
  grep -q 'y libuv solo leyó [0-9]* en su conexión' "$SALIDAS/chat_pizca.txt"; then
  bien "chat_prestado_*, chat_bomba, chat_pizca: el 09 ve que las conexiones no se leen ni escriben con libuv, y lo dice"
else
  mal "chat-prestado-mensaje" "chat_prestado_*, chat_bomba, chat_pizca: el informe no dice que lo escrito no lo escribió libuv en la conexión del cliente (o los uv_poll, o lo que libuv no leyó)"
fi
# La sala entera, que funciona, con sus propios sockets y su propio bucle epoll (chat_epoll.c,
# cada llamada escondida de objdump): por la traza se parece a libuv (los sockets en el hilo
# del bucle, espera con epoll). Lo delata desde dónde se llama: una instrucción syscall del
# propio programa, no de libc (strace -i). Antes, 100/100.
despues_chat_epoll() {
  if grep -q 'no se califica' "$SALIDAS/$1.txt" &&
    grep -q 'Se vio epoll_create1 hecho por una instrucción syscall del propio programa' \
      "$SALIDAS/$1.txt"; then
    bien "$1: el 09 rechaza un bucle epoll propio, y dice desde dónde se llamó"
  else
    mal "chat-epoll-mensaje" "$1: el informe no dice que el epoll es del propio programa"
  fi
}
# Sin las direcciones (CALIF_SIN_ORIGEN=1) eso no se juzga: ni un 0 ni un 100 callados.
despues_sin_origen() {
  if grep -q 'desde dónde se hacen las llamadas de epoll y de la red (un bucle propio o el de libuv) no se pudo juzgar: CALIF_SIN_ORIGEN' \
    "$SALIDAS/$1.txt"; then
    bien "sin direcciones: el informe dice que el bucle propio no se pudo juzgar"
  else
    mal "chat-epoll-sin-origen" "sin direcciones: el informe no dice que no se juzgó"
  fi
}
# La misma sala, pero cada llamada la hace la función de libc, encontrada con dl_iterate_phdr
# sin nombrarla (chat_sin_libuv.c delante de chat_epoll.c): sale de libc como las de libuv, y
# antes sacaba 100/100 sin aviso. Lo delata la pila (strace -k, solo en el 09): no pasa por
# libuv.so.
despues_chat_sin_libuv() {
  if grep -q 'no se califica' "$SALIDAS/$1.txt" &&
    grep -q 'Se vio epoll_create1 hecho por libc a petición del propio programa.*sin pasar por libuv' \
      "$SALIDAS/$1.txt"; then
    bien "$1: el 09 rechaza las funciones de libc llamadas sin libuv, y lo dice"
  else
    mal "chat-sin-libuv-mensaje" "$1: el informe no dice que epoll_create1 no pasa por libuv"
  fi
}
# Un strace sin pila (-k falla, como uno construido sin libdw): eso no se juzga, y se dice. La
# tabla se lo da al caso (CALIF_STRACE=$TMP/strace-sin-pila).
antes_strace_sin_pila() {
  printf '#!/bin/sh\nfor a in "$@"; do [ "$a" = -k ] && { echo "sin -k" >&2; exit 1; }; done\nexec %s "$@"\n' \
    "$(command -v strace)" >"$TMP/strace-sin-pila"
  chmod 755 "$TMP/strace-sin-pila"
}
casos sala chat_epoll
fi

if [ "$PARTE" = trampas ]; then
# Sus casos (contador_fread, descargas_fwrite, parte_enlace, enlace_08, enlace_11) van en la
# tabla con los de arriba, en el tramo «trampas»: entre unos y otros no hay código de esta parte.
# Root no abre por su ruta entera lo que la entrega puede cambiar (un adversario de la sesión
# 30). recoger.py recorría ORIGEN y después abría cada archivo por su ruta entera: un proceso
# del estudiante que corre mientras se recoge (en una máquina compartida, make grade-clase
# sobre las carpetas de la clase) cambiaba la carpeta x por un enlace entre las dos
# (hostiles/intercambia.py) y root leía el chat.c de una carpeta 0700 que el estudiante no
# puede leer (la solución: 5 de 20 veces, y 100/100 calificando). Ahora abre paso a paso desde
# un descriptor, sin seguir enlaces, y exige el mismo inodo que vio: ninguna de 20.
if [ "$(id -u)" -eq 0 ] && id -u nobody >/dev/null 2>&1; then
  carrera="$TMP/carrera"
  mkdir -p "$carrera/secreta" "$carrera/entrega/x" "$carrera/entrega/z"
  echo '/* SECRETO-DE-ROOT */' >"$carrera/secreta/chat.c"
  chmod 700 "$carrera/secreta"
  cp labs/09-sala-de-chat/chat.c "$carrera/entrega/x/chat.c"
  ln -s "$carrera/secreta" "$carrera/entrega/y"
  # Muchas entradas que recorrer: más tiempo entre listar x y abrir x/chat.c.
  (cd "$carrera/entrega/z" && seq -f 'f%g' 3000 | xargs touch)
  chown -R nobody: "$carrera/entrega"
  chmod o+x "$TMP" "$carrera"
  runuser -u nobody -- python3 -I autograder/hostiles/intercambia.py "$carrera/entrega" \
    >"$TMP/carrera.cambios" 2>&1 &
  intercambia=$!
  leidos=0
  for _ in $(seq 20); do
    rm -rf "$carrera/destino"
    python3 -I autograder/herramientas/recoger.py --carpeta 09-sala-de-chat --archivo chat.c \
      -- "$carrera/entrega" "$carrera/destino" >/dev/null 2>&1
    grep -q SECRETO-DE-ROOT "$carrera/destino/chat.c" 2>/dev/null && leidos=$((leidos + 1))
  done
  : >"$carrera/parar"
  wait "$intercambia"
  cambios=$(cat "$TMP/carrera.cambios")
  if [ "$leidos" -eq 0 ] && [ "${cambios:-0}" -gt 0 ] 2>/dev/null; then
    bien "recoger_carrera: con la carpeta cambiada por un enlace $cambios veces mientras se recogía, root no leyó lo ajeno en ninguna de 20"
  else
    mal "recoger-carrera" "recoger_carrera: root leyó el archivo de la carpeta 0700 en $leidos de 20 recogidas (cambios: ${cambios:-ninguno})"
  fi
  rm -rf "$carrera"
else
  salta "recoger_carrera: hace falta root (y el usuario nobody) para hacer de estudiante"
fi
# La terminal de quien califica. inyecta_terminal.c (la solución del 07 con un constructor) abre
# /dev/tty y mete con ioctl TIOCSTI «echo MARCA» en su cola de entrada: si llegara a la terminal
# de quien califica, el shell la leería al acabar y la ejecutaría con sus permisos. Se califica
# con una terminal propia (en_terminal.py: un pty como terminal de control, como una ventana) y,
# al acabar, el shell lee lo que haya en su entrada. El programa corre en su propia sesión
# (base/orden.c, y con bwrap --new-session): sin terminal de control, /dev/tty da ENXIO y no
# llega nada; la nota es la de la solución. Antes de juzgarlo, el mismo constructor solo, fuera
# del calificador y en esa terminal, debe conseguirlo: si este núcleo no deja TIOCSTI
# (dev.tty.legacy_tiocsti=0), no hay nada que probar y se dice.
it_marca="TERMINAL-TOMADA-$RANDOM$RANDOM"
it_leer='echo "CALIFICADO $?"; if read -r -t 3 l; then echo "LEIDO<$l>"; else echo NADA-LEIDO; fi'
{ sed "s|@SECRETO@|$it_marca|" autograder/hostiles/inyecta_terminal.c
  echo 'int main(void) { return 0; }'; } >"$generada/inyecta_solo.c"
if "${CC:-cc}" -o "$TMP/inyecta_solo" "$generada/inyecta_solo.c" 2>"$TMP/inyecta_solo.err" &&
  python3 autograder/pruebas/en_terminal.py bash -c "$TMP/inyecta_solo 2>/dev/null; $it_leer" \
    </dev/null 2>&1 | grep -qF "LEIDO<echo $it_marca>"; then
  hostil autograder/hostiles/inyecta_terminal.c solutions/07-monitor-web/monitor.c |
    sed "s|@SECRETO@|$it_marca|" >"$generada/inyecta_terminal.c"
  for variante in "" CALIF_SIN_BWRAP=1; do
    nombre=inyecta_terminal${variante:+_${variante%%=*}}
    e="$TMP/$nombre"
    mkdir -p "$e" "$SALIDAS"
    cp "$generada/inyecta_terminal.c" "$e/monitor.c"
    it_salida=$(env ${variante:+"$variante"} CURSO_PRUEBAS_MARCA="$MARCA-$nombre" \
      SALIDA_TXT="$SALIDAS/$nombre.txt" \
      python3 autograder/pruebas/en_terminal.py bash -c \
      '"$@" >"$SALIDA_TXT" 2>&1; '"$it_leer" calificar "$CALIFICAR" --raiz "$RAIZ" \
      --construccion "$B" --cc "$CC" --cflags "$CALIF_CFLAGS" --libs "$CALIF_LIBS" \
      --salida "$SALIDAS/$nombre" --lab "$LAB" --entrega "$e" --detalle </dev/null 2>&1)
    read -r p _ < <(nota "$nombre")
    if [ "$p" = 100 ] && grep -q '^CALIFICADO 0' <<<"$it_salida" &&
      grep -q '^NADA-LEIDO' <<<"$it_salida"; then
      bien "$nombre: la entrega no llega a la terminal de quien califica (nada en su entrada); 100/100"
    else
      mal "$nombre" "$nombre: nota $p/100 (debía 100), o algo llegó a la entrada de la terminal: $(grep -a -m1 -e '^LEIDO' -e '^CALIFICADO' <<<"$it_salida" | tr -d '\r') — $SALIDAS/$nombre.txt"
    fi
    vivos=$(supervivientes "$MARCA-$nombre")
    [ -n "$vivos" ] && mal "$nombre-vivos" "$nombre: quedan procesos vivos: $vivos"
  done
else
  salta "inyecta_terminal: este núcleo no deja meter nada en la terminal con TIOCSTI (ni el programa solo): no hay nada que probar"
fi
# El canal de Criterion, abierto solo a los trabajadores del calificador (lib/canal.c: su
# accept4 mira quién se conecta). Sin bwrap y con el mismo uid que el calificador (VPL), la
# entrega ve la carpeta del canal y, en el 12 (el único con "unix": true, por libpq), puede
# abrir su socket: bd_canal.c lo busca desde su carpeta de trabajo (trabajo/12-…/canal), se
# conecta, manda la cabecera SP de nanomsg y mira si la conexión sigue. Antes: el calificador
# la aceptaba y la mantenía («CANAL ABIERTO», con los 8 bytes de su cabecera), y quien hablara
# el protocolo de Criterion habría anunciado pruebas superadas; ahora la cierra en el acto. Como
# root la caja baja la entrega a otro uid, así que aquí se califica todo como «nobody» (como en
# trampa_vpl). Y la solución del 12, igual, sigue con 100: los trabajadores sí entran.
canal_vpl() { # canal_vpl NOMBRE FUENTE: la nota en $canal_nota, el informe en $SALIDAS/NOMBRE.txt
  local e="$TMP/$1" s="$TMP/$1-salida" como=() vivos
  mkdir -p "$e" "$s" "$SALIDAS"
  cp labs/12-base-de-datos/*.[ch] "$e"/
  cp "$2" "$e/basedatos.c"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R nobody: "$e" "$s"
    chmod o+x "$TMP"
    como=(runuser -u nobody --)
  fi
  "${como[@]}" env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 TMPDIR="$s" \
    CALIF_SIN_BWRAP=1 CURSO_PRUEBAS_MARCA="$MARCA-$1" \
    "$CALIFICAR" --raiz "$RAIZ" --construccion "$B" --cc "$CC" --cflags "$CALIF_CFLAGS" \
    --libs "$CALIF_LIBS" --salida "$s/informes" --lab 12-base-de-datos --entrega "$e" \
    --detalle >"$SALIDAS/$1.txt" 2>&1
  canal_nota=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["score"])' \
    "$s/informes/results.json" 2>/dev/null || echo -)
  vivos=$(supervivientes "$MARCA-$1")
  if [ -n "$vivos" ]; then
    mal "$1-vivos" "$1: quedan procesos vivos: $vivos"
    echo "$vivos" | awk '{print $1}' | xargs -r kill -KILL 2>/dev/null
  fi
  chmod -R u+w "$s" 2>/dev/null
  rm -rf "$e" "$s"
}
canal_vpl bd_canal "$(ruta_hostil bd_canal.c)"
canal_abiertos=$(grep -c 'CANAL ABIERTO' "$SALIDAS/bd_canal.txt")
canal_cerrados=$(grep -c 'CANAL CERRADO' "$SALIDAS/bd_canal.txt")
if [ "$canal_nota" != "-" ] && [ "$canal_abiertos" -eq 0 ] && [ "$canal_cerrados" -gt 0 ]; then
  bien "bd_canal (mismo uid, sin bwrap): encontró el canal de Criterion y el calificador cerró en el acto cada conexión ($canal_cerrados líneas «CANAL CERRADO»); nota $canal_nota/100"
else
  mal "bd-canal" "bd_canal: nota $canal_nota, $canal_abiertos conexiones al canal que siguieron abiertas y $canal_cerrados cerradas (debían ser 0 y alguna): $(grep -m1 -o 'CANAL [A-Z]*.*' "$SALIDAS/bd_canal.txt") — $SALIDAS/bd_canal.txt"
fi
if [ -f solutions/12-base-de-datos/basedatos.c ]; then
  canal_vpl bd_canal_solucion solutions/12-base-de-datos/basedatos.c
  if [ "$canal_nota" = 100 ]; then
    bien "bd_canal_solucion: la solución del 12, igual (mismo uid, sin bwrap), 100/100: los trabajadores de Criterion entran en el canal"
  else
    mal "bd-canal-solucion" "bd_canal_solucion: la solución del 12 sacó $canal_nota/100 (debía 100) — $SALIDAS/bd_canal_solucion.txt"
  fi
else
  salta "bd_canal_solucion: sin la solución del 12"
fi
# Sin caja (CALIF_SIN_BWRAP=1: contenedores, VPL) el programa leía todo lo que su usuario lee
# (adversario de la sesión 24: solutions/ de un clon 0755). lee_curso.c, la solución del 08 con
# un constructor, sube desde su carpeta de trabajo y desde /proc/self/exe y abre la solución,
# el código del calificador, el calificador construido, resultados/ y la carpeta de las
# temporales de todas las verificaciones; lo que lee lo imprime y sale con 3 (antes: 4/100 y
# extractos de la solución en el informe). Ahora el encierro de Landlock solo le deja leer el
# sistema y lo que le da la verificación (base/encierro.c): EACCES en los cinco, calla y saca
# la nota de la solución. Si no encuentra algo, u otro error que no sea EACCES, también sale
# con 3: no pasa en vacío. Sin Landlock en el núcleo no hay lista de lectura (se dice en el
# informe) y no se prueba.
antes_landlock() {
  [ "$(python3 -c 'import ctypes; print(ctypes.CDLL(None).syscall(444, None, 0, 1))' 2>/dev/null || echo -1)" -gt 0 ] &&
    return 0
  salta "$1: este núcleo no tiene Landlock (sin bwrap no hay lista de lectura)"
  return 1
}
despues_lee_curso() {
  local lc_p
  read -r lc_p _ < <(nota "$1")
  if [ "$lc_p" = 100 ] && ! grep -qs -e 'FUGA' -e 'LEE_CURSO' -e 'solución de referencia' \
    -e 'las ayudas de las verificaciones' "$SALIDAS/$1.txt" "$SALIDAS/$1/informe.txt" \
    "$SALIDAS/$1/results.json" "$SALIDAS/$1/junit.xml"; then
    bien "$1: sin bwrap, la solución, el calificador, build/ y las temporales ajenas dan EACCES; 100/100 y nada de ellos en el informe"
  else
    mal "lee_curso-fuga" "$1: nota $lc_p/100 (se esperaba la de la solución), o algo leído en el informe — $SALIDAS/$1.txt"
    grep -h -m5 -e 'FUGA' -e 'LEE_CURSO' "$SALIDAS/$1.txt" | sed 's/^/      /'
  fi
}
casos trampas lee_curso
fi

if [ "$PARTE" = trampas ] || [ "$PARTE" = sala ]; then
kill "$canales_pid" 2>/dev/null
wait "$canales_pid" 2>/dev/null
# canales_donde propios|ajenos ARCHIVO: las rutas de los canales que están (o no) donde el
# ejecutor los pone (runner/calificar.c, canal_crear): trabajo/NN/canal, o calif-canal.* justo
# en el TMPDIR de ese ejecutor (la segunda columna, de canales-vistos.py: otra parte de esta
# prueba califica a la vez con el suyo, trampa_vpl; el CI de la sesión 25 falló por eso) o en
# /tmp.
canales_donde() {
  awk -F '\t' -v quiero="$1" '{
    propio = $1 ~ /\/trabajo\/[^\/]+\/canal\/criterion_[0-9]+\.sock$/
    for (i = 0; i < 2 && !propio; i++) {
      if (!i && $2 == "")
        continue
      b = (i ? "/tmp" : $2) "/calif-canal."
      propio = substr($1, 1, length(b)) == b && substr($1, length(b) + 1) ~ /^[^\/]+\/criterion_[0-9]+\.sock$/
    }
    if (propio == (quiero == "propios")) print $1
  }' "$2"
}
canales_n=$(grep -c . "$TMP/canales-$PARTE.txt")
canales_propios=$(canales_donde propios "$TMP/canales-$PARTE.txt" | grep -c .)
if [ "$canales_n" -gt 0 ] && [ "$canales_propios" -eq "$canales_n" ]; then
  bien "canales ($PARTE): los $canales_n canales de Criterion vistos, cada uno en la carpeta de su calificación"
elif [ "$canales_n" -eq 0 ]; then
  mal "canales-sin-ver" "canales: no se vio ningún canal de Criterion (canales-vistos.py no pudo juzgar)"
else
  mal "canales" "canales: fuera de la carpeta de su calificación: $(canales_donde ajenos "$TMP/canales-$PARTE.txt" | head -n3 | tr '\n' ' ')"
fi
fi

# Los medios son de dos partes: lo que depende de medios_08_syscall (su entrega la califican
# otra vez medios_ciego y las dos a la vez) en «medios», y lo demás desde medios_08_relleno
# hasta el juez de las trazas en «sala». Sus funciones, en las dos.
if [ "$PARTE" = medios ] || [ "$PARTE" = sala ]; then
echo "── Trampas de un estudiante listo (la otra mitad: los medios, vistos en la traza, y lo que sigue)"
# Los medios, por lo que hace el programa (runner/conducta.c, trazas de strace): cada trampa
# es medios_cola.c + medios_NN_*.c delante de la solución (uv_fs_* síncronas con callback
# NULL y un bucle propio con nanosleep; alias de glibc; una instrucción syscall escondida
# del desensamblador; una tabla de punteros que calla «no usa uv_run»; stdio y link+unlink
# para el disco del 11). Antes sacaban 92/100 (las del 08) y 136/136 (las del 11). En la tabla,
# su fuente es «medios_cola.c+medios_NN_….c+solutions/…» y sus comprobaciones, «rechazado» con
# lo que el informe debe decir (qué se vio, y dónde).
L08=08-contador-palabras
fi

if [ "$PARTE" = medios ]; then
# Leer en el hilo del bucle sin las llamadas que se miraban: openat2 y splice a una tubería
# propia (medios_08_splice.c, sin medios_cola: el callback llega de uv_run). Antes, 82/100; y
# lo mismo con solo splice (el open en el grupo de hilos: sin su «#define uv_fs_open»).
antes_solo_splice() {
  hostil medios_08_splice.c "solutions/$L08/contador.c" |
    sed '/^#define uv_fs_open/d' >"$generada/$1.c"
}
# despues_se_vio NOMBRE: rechazada, y el informe dice «Se vio LLAMADA de «…» en el hilo del
# bucle» (la llamada, en «dice»).
despues_se_vio() {
  if grep -q "no se califica" "$SALIDAS/$1.txt" &&
    grep -q "Se vio $dice de «.*» en el hilo del bucle" "$SALIDAS/$1.txt"; then
    bien "$1: rechazada, y el informe dice lo que se vio («$dice»)"
  else
    mal "$1-mensaje" "$1: el informe no dice «Se vio $dice» — $SALIDAS/$1.txt"
  fi
}
# Y la regla de la traza del 08 («reglas_traza»: 65536 bytes por lectura, en «memoria»): ni un
# 0 ni un aprobado callados; el aviso lo dice y el detalle de «memoria», por qué.
despues_reglas_sin_observar() {
  if grep -q 'tampoco se juzgó lo que pide cada lectura de la entrada, que cuenta en «Memoria' \
    "$SALIDAS/$1.txt" &&
    python3 - "$SALIDAS/$1/results.json" <<'PY'; then
import json, sys
t = [t for t in json.load(open(sys.argv[1]))["tests"] if t["extra_data"]["id"] == "memoria"][0]
sys.exit("No se pudo juzgar lo que pide cada lectura" not in t["output"] or
         "CALIF_SIN_OBSERVAR" not in t["output"])
PY
    bien "sin observar: el aviso y el detalle de «memoria» dicen que no se juzgó lo que pide cada lectura"
  else
    mal "reglas-sin-observar" "sin observar: ni el aviso ni el detalle de «memoria» dicen que la regla de la traza no se juzgó"
  fi
}
# Los casos de la parte, seguidos: los de medios_08_syscall sin caja y sin observar, más abajo
# en el guion, también (entre estos y aquellos solo hay código de la parte «sala»).
casos medios medios
fi

if [ "$PARTE" = sala ]; then
# La salida de nm y objdump se juzga entera (runner/compilar.c): antes se capturaba con un
# tope de 48 KiB y lo demás se descartaba en silencio. medios_08_relleno.c (delante de la
# solución) lee con preadv bloqueante en un hilo propio y esconde pthread_create y preadv tras
# 4000 referencias débiles «AAAA…» en la salida ordenada de nm: antes 94/100. Ahora se ve
# pthread_create; y con 1 MiB de código de relleno (MEDIOS_RELLENO_CODIGO), cuyo desensamblado
# pasa del tope, no se califica y el informe dice por qué.
antes_relleno_codigo() {
  { echo '#define MEDIOS_RELLENO_CODIGO 1'
    hostil medios_08_relleno.c "solutions/$L08/contador.c"; } >"$generada/$1.c"
}
# La compilación también es de la entrega: compila_enorme.c (un `.space` de 1 GiB) hacía
# escribir al ensamblador y al enlazador 2,1 GB en build/, que quedaban; lo mismo con el
# relleno en C (compila_enorme_c). Ahora cada orden de la compilación tiene RLIMIT_FSIZE,
# RLIMIT_AS y un /tmp con tope: no compila y no queda nada grande.
antes_compila_enorme_c() {
  sed 's|^__asm__(.*|static char relleno_enorme[1 << 30] = {1};\nchar *usar_relleno(void) { return relleno_enorme; }|' \
    autograder/hostiles/compila_enorme.c >"$generada/$1.c"
}
despues_compila_disco() {
  local n=$1 grande ocupa
  grande=$(find "$SALIDAS/$n" -type f -size +8M 2>/dev/null | head -n 1)
  ocupa=$(du -sm "$SALIDAS/$n" 2>/dev/null | awk '{print $1}')
  if [ -z "$grande" ] && [ "${ocupa:-0}" -lt 64 ] && grep -q "no compila" "$SALIDAS/$n.txt" &&
    grep -q "File size limit exceeded\|pasó de 8 MiB" "$SALIDAS/$n.txt"; then
    bien "$n: no compila, el informe dice por qué y su salida ocupa ${ocupa:-0} MiB"
  else
    mal "$n-disco" "$n: quedó ${grande:-nada de más de 8 MiB} (${ocupa:-?} MiB en su salida), o el informe no dice que no compila por el tope — $SALIDAS/$n.txt"
  fi
}
# El 08 no da sus cuentas de antemano (comun.c, `oculto`): contador_adivina.patch hace de la
# partida una entrega que no abre ni lee nada e imprime las cuentas de los textos fijos que
# escribía el calificador, por el nombre de cada archivo (un parche y no una copia: sigue a la
# partida, y si deja de aplicarse, falla aquí).
antes_contador_adivina() {
  cp "labs/$L08/contador.c" "$generada/$1.c"
  patch -s "$generada/$1.c" <"$(ruta_hostil contador_adivina.patch)" >/dev/null 2>&1 && return 0
  mal "contador-adivina-parche" "$(ruta_hostil contador_adivina.patch) ya no se aplica a labs/$L08/contador.c"
  return 1
}
# Lo que strace escribe por la entrega (fuera de la cuota de la verificación): traza_enorme.c
# llena cada traza hasta los 64 MiB con uv_fs_open de una ruta larga que no existe; antes
# quedaban 1,1 GB en trabajo/08/trazas tras calificar. Ahora se borran en cuanto se juzgan.
despues_traza_enorme() {
  local ocupa quedan
  ocupa=$(du -sm "$SALIDAS/$1" 2>/dev/null | awk '{print $1}')
  quedan=$(find "$SALIDAS/$1" -name '*.traza' 2>/dev/null | wc -l)
  if [ "${ocupa:-0}" -lt 64 ] && [ "$quedan" = 0 ]; then
    bien "$1: no queda ninguna traza (su salida ocupa ${ocupa:-0} MiB)"
  else
    mal "traza_enorme-disco" "$1: quedan $quedan trazas y su salida ocupa ${ocupa:-?} MiB"
  fi
}
# Sin caja (contenedores, Gradescope) el programa ve el disco: lee_servidor.c sube desde su
# TMPDIR e imprime los alias opacos y el registro del servidor de práctica de su verificación
# (antes, 131 líneas «FUGA» en el informe). Ahora la carpeta del servidor es 0700.
despues_lee_servidor() {
  if grep -q "LEE_SERVIDOR: mirado" "$SALIDAS/$1.txt" &&
    ! grep -q "FUGA servidor" "$SALIDAS/$1.txt"; then
    bien "$1: sin bwrap, no lee ni los alias ni el registro del servidor"
  else
    mal "lee_servidor-fuga" "$1: leyó el servidor de práctica, o su salida no llegó al informe — $SALIDAS/$1.txt"
  fi
}
# La llamada de cola (medios_08_cola.c): la lectura (preadv64v2) o, con HM_COLA_UV, la apertura
# (uv_fs_open sin callback) como última sentencia de la callback de trabajo borra de la pila el
# marco del programa.
antes_cola_uv() {
  hostil medios_08_cola.c "solutions/$L08/contador.c" |
    sed 's/^#define HM_COLA_UV .*/#define HM_COLA_UV 1/' >"$generada/$1.c"
}
casos sala medios
# Y lo que no se deja leer no se da por bueno (calificar --segmentos, el mismo juicio): el número
# de cabeceras por PN_XNUM (el de verdad en la sección 0) se sigue, sin tope, y un ELF cortado o
# que no es ELF se rechaza con su porqué. Antes, más de 64 cabeceras o PN_XNUM: «no se pudo leer»
# y se ejecutaba.
segmentos_probar() { # segmentos_probar NOMBRE ARCHIVO CÓDIGO TEXTO
  local sal
  sal=$("$CALIFICAR" --raiz "$RAIZ" --segmentos "$2" 2>&1)
  local r=$?
  if [ "$r" = "$3" ] && grep -q -- "$4" <<<"$sal"; then
    bien "segmentos $1: código $r, «$4»"
  else
    mal "segmentos-$1" "segmentos $1: código $r (se esperaba $3), salida: $sal"
  fi
}
seg="$TMP/segmentos"
mkdir -p "$seg"
printf 'int main(void) { return 0; }\n' >"$seg/bien.c"
printf '__asm__(".section .x,\\"awx\\",@nobits\\n.space 64\\n.previous\\n");\nint main(void) { return 0; }\n' >"$seg/wx.c"
if cc -o "$seg/bien" "$seg/bien.c" && cc -o "$seg/wx" "$seg/wx.c" 2>/dev/null; then
  # pn_xnum ORIGEN DESTINO: e_phnum = 0xffff y el número de verdad en sh_info de la sección 0.
  pn_xnum() {
    python3 - "$1" "$2" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
shoff = struct.unpack_from("<Q", b, 0x28)[0]
phnum = struct.unpack_from("<H", b, 0x38)[0]
struct.pack_into("<H", b, 0x38, 0xFFFF)
struct.pack_into("<I", b, shoff + 44, phnum)
open(sys.argv[2], "wb").write(b)
PY
  }
  pn_xnum "$seg/bien" "$seg/bien-xnum"
  pn_xnum "$seg/wx" "$seg/wx-xnum"
  head -c 100 "$seg/bien" >"$seg/cortado"
  segmentos_probar bien "$seg/bien" 0 "se ejecutaría"
  segmentos_probar wx "$seg/wx" 1 "escribir y ejecutar a la vez"
  segmentos_probar bien-xnum "$seg/bien-xnum" 0 "se ejecutaría"
  segmentos_probar wx-xnum "$seg/wx-xnum" 1 "escribir y ejecutar a la vez"
  segmentos_probar cortado "$seg/cortado" 1 "no se pudo comprobar qué memoria pide"
  segmentos_probar no-elf "$RAIZ/Makefile" 1 "no es un ELF de 64 bits"
else
  mal "segmentos" "no se pudieron compilar los dos programas de la prueba de segmentos"
fi
# El anillo de claves de sesión de quien califica (tras `su -`, pam_keyinit le da uno a root):
# una clave en uno nuevo de este guion (keyctl new_session lo instala en este shell, y lo
# heredan el ejecutor y la caja), y claves.c la busca en /proc/keys y con keyctl para
# imprimirla. Ni su nombre ni su contenido pueden llegar al informe. Sin keyctl, sin anillo
# nuevo o sin la clave a la vista, el caso no se califica (y se dice).
antes_claves() {
  if ! command -v keyctl >/dev/null; then
    mal "claves-sin-keyctl" "falta la orden keyctl (paquete keyutils, make deps): no se prueba el anillo de claves"
    return 1
  elif ! keyctl new_session >/dev/null 2>&1; then
    salta "claves: este sistema no deja crear un anillo de claves de sesión (keyctl new_session)"
    return 1
  fi
  clave_nombre="calif-secreto-$RANDOM$RANDOM"
  clave_valor="valor-secreto-$RANDOM$RANDOM$RANDOM"
  clave_id=$(keyctl add user "$clave_nombre" "$clave_valor" @s)
  if ! grep -q "$clave_nombre" /proc/keys; then
    mal "claves-sin-clave" "claves: la clave de prueba no se ve en /proc/keys: la prueba no afirmaría nada"
    keyctl unlink "$clave_id" @s >/dev/null 2>&1
    return 1
  fi
}
despues_claves() {
  if grep -rqs -e "$clave_nombre" -e "$clave_valor" "$SALIDAS/$1" "$SALIDAS/$1.txt"; then
    mal "claves-filtra" "$1: la clave del anillo de sesión de quien califica llegó al informe"
  else
    bien "$1: nada del anillo de claves de quien califica llega al informe"
  fi
  if grep -q "no se califica" "$SALIDAS/$1.txt" &&
    grep -q "la entrega llamó a keyctl, que la caja de arena no permite" "$SALIDAS/$1.txt"; then
    bien "$1: rechazada, y el informe nombra keyctl"
  else
    mal "claves-mensaje" "$1: el informe no nombra keyctl — $SALIDAS/$1.txt"
  fi
  keyctl unlink "$clave_id" @s >/dev/null 2>&1
}
# Código generado en memoria (W^X, sin valgrind): mmap RWX, mprotect a ejecutable y mmap
# ejecutable anónimo fallan con EPERM, y la entrega lo escribe en stderr (llega al informe).
despues_codigo_generado() {
  if grep -q "CODIGO GENERADO rwx: EPERM" "$SALIDAS/$1.txt" &&
    grep -q "CODIGO GENERADO mprotect: EPERM" "$SALIDAS/$1.txt" &&
    grep -q "CODIGO GENERADO exec_anonima: EPERM" "$SALIDAS/$1.txt"; then
    bien "$1: sin valgrind, ni memoria RWX ni ejecutable sin archivo (EPERM)"
  else
    mal "codigo_generado-wx" "$1: la entrega ejecutó código escrito en memoria — $SALIDAS/$1.txt"
  fi
}
casos sala claves
# El juez de las trazas, sin calificar nada (calificar --juzgar-trazas): trazas escritas a
# mano en autograder/pruebas/trazas/. «execve-partido»: el execve del programa partido en
# <unfinished ...> y <... execve resumed> con el « = 0» en columna, como lo deja strace con
# la máquina cargada, y después un openat y un fstat de un archivo en el hilo del bucle. Antes
# de leer el resultado tras los espacios, esa ejecución no contaba como observada (código 3) y
# un uv_fs_fstat síncrono del 11 sacó 100. «limpia»: lo mismo en un hilo del grupo de libuv,
# y un stat por ruta de la carpeta de -d en el hilo del bucle antes de uv_run (la lista de
# permitidas lo deja). «stat-en-bucle»: un statx de un archivo (ruta relativa a AT_FDCWD) en el
# hilo del bucle ya dentro de uv_run (tras su epoll_ctl): un uv_fs_stat síncrono, que antes
# no veía nadie. «fstat-menor»: solo el fstat de «execve-partido», en una traza de progreso
# (del «nucleo»): lo menor (cerrar, medir o borrar sin callback) cuesta esa verificación y no
# el laboratorio (el informe dice en qué verificación; antes, el laboratorio sin calificar).
# Las trazas con la pila (strace -k) dan direcciones de libuv, y la regla de la pila las mira con
# el .dynsym de la libuv de esta máquina (runner/exportadas.c: qué hay justo encima del bucle del
# grupo): las guardadas llevan @LIBUV@ (su ruta), @FUERA@ (en su código, fuera de toda función
# exportada: uv__fs_work) y @DENTRO@ (dentro de uv_fs_open), y se juzga una copia con las de
# aquí (las de Debian 12 no son las de Debian 13).
TRAZAS_AQUI="$TMP/trazas"
libuv_aqui=$(readlink -f "$(pkg-config --variable=libdir libuv)/libuv.so.1")
read -r fuera_aqui dentro_aqui < <(python3 - "$libuv_aqui" <<'PY'
import subprocess, sys
funciones = []
for linea in subprocess.check_output(["nm", "-D", "--defined-only", "-S", sys.argv[1]], text=True).splitlines():
    c = linea.split()
    if len(c) == 4 and c[2] in "Tt":
        funciones.append((int(c[0], 16), int(c[1], 16), c[3]))
funciones.sort()
fuera = next(a + t + 4 for (a, t, _), (b, _, _) in zip(funciones, funciones[1:]) if b - (a + t) > 32)
dentro = next(a + 8 for a, _, n in funciones if n == "uv_fs_open")
print(hex(fuera), hex(dentro))
PY
)
for t in autograder/pruebas/trazas/*/; do
  mkdir -p "$TRAZAS_AQUI/$(basename "$t")"
  for f in "$t"*; do
    sed -e "s|@LIBUV@|$libuv_aqui|g" -e "s|@FUERA@|$fuera_aqui|g" -e "s|@DENTRO@|$dentro_aqui|g" \
      "$f" >"$TRAZAS_AQUI/$(basename "$t")/$(basename "$f")"
  done
done
juzgar_trazas() { # [JUZGAR_LAB=NN] juzgar_trazas CARPETA CÓDIGO PATRÓN (por omisión, el 11)
  local salida r
  salida=$("$CALIFICAR" --raiz "$RAIZ" --lab "${JUZGAR_LAB:-11}" --juzgar-trazas "$TRAZAS_AQUI/$1" 2>&1)
  r=$?
  if [ "$r" = "$2" ] && grep -q -- "$3" <<<"$salida"; then
    bien "trazas $1: código $r, «$3»"
  else
    mal "trazas-$1" "trazas $1: código $r (se esperaba $2) y «$3» — $salida"
  fi
}
juzgar_trazas execve-partido 1 'Se vio openat de «/trabajo/c/a.bin.parte» para escribir, en el hilo del bucle'
juzgar_trazas limpia 0 'Sin reglas de medios rotas'
# «tope»: la traza limpia con unos 69 MiB de lecturas en el grupo de hilos (pread64 de a pocos
# bytes, que sí se trazan) y, después, un archivo abierto en el hilo del bucle. Lo que pasa de
# TOPE_TRAZA_MIB no se lee: antes no se decía y salía limpia; ahora la traza cortada es lo que
# se ve.
mkdir -p "$TRAZAS_AQUI/tope"
{
  grep -v '+++ exited' "$TRAZAS_AQUI/limpia/1.traza"
  yes '4243 pread64(5</trabajo/c/a.bin>, "abcd", 4, 0) = 4' | head -n 1400000
  echo '4242 openat(AT_FDCWD</trabajo>, "/trabajo/c/a.bin", O_RDONLY) = 7</trabajo/c/a.bin>'
  echo '4242 +++ exited with 0 +++'
} >"$TRAZAS_AQUI/tope/1.traza"
juzgar_trazas tope 1 'Se vio una traza de strace de más de 64 MiB en una ejecución'
# Lo que elige el programa en una línea de strace (conducta_saltar_pieza; revisión de la sesión
# 77, las tres salían limpias): «mapa-huge», un mmap en el hilo del bucle con «1<<MAP_HUGE_SHIFT»
# en sus opciones (el núcleo lo acepta en un mapa privado; el primer «<» de la línea no es la
# ruta); «carpeta-corchete», un stat síncrono relativo a una carpeta «c[» (los argumentos no
# cerraban); «ppoll-disfrazado», un ppoll que espera para siempre junto a un archivo llamado
# «{tv_sec=0, tv_nsec=0}» (se buscaba eso en toda la línea).
JUZGAR_LAB=08 juzgar_trazas mapa-huge 1 'Se vio mmap de «/trabajo/c/a.txt»'
juzgar_trazas carpeta-corchete 1 'Se vio newfstatat de «/trabajo/c\[/a.bin» en el hilo del bucle'
JUZGAR_LAB=12 juzgar_trazas ppoll-disfrazado 1 'Se vio poll o select que espera en el hilo del bucle'
juzgar_trazas stat-en-bucle 1 'Se vio statx de «/trabajo/c/a.bin» en el hilo del bucle (síncrono'
juzgar_trazas fstat-menor 1 'En «Progreso en líneas PROGRESO, al ritmo del temporizador» (progreso):'
# Rutas disfrazadas: el mismo statx síncrono de «stat-en-bucle», con una ruta que empieza como
# las del sistema y lleva a un archivo de la entrega: «/usr/../trabajo/…» (con «..»),
# «/proc/self/cwd/…» (la carpeta actual) y «/dev/fd/7» (un descriptor abierto). Antes, por
# empezar por /usr/, /proc/ o /dev/, no se miraban. «sistema-con-puntos»: una ruta con «..»
# que se queda en /usr: del sistema, limpia.
juzgar_trazas ruta-usr-puntos 1 'Se vio statx de «/usr/../trabajo/c/a.bin» en el hilo del bucle (síncrono'
juzgar_trazas ruta-proc-cwd 1 'Se vio statx de «/proc/self/cwd/c/a.bin» en el hilo del bucle (síncrono'
juzgar_trazas ruta-dev-fd 1 'Se vio statx de «/dev/fd/7» en el hilo del bucle (síncrono'
juzgar_trazas sistema-con-puntos 0 'Sin reglas de medios rotas'
# Y las que el recorte por texto dejaba pasar (adversario de la sesión 73): un «..» detrás de un
# enlace mágico cuenta desde donde lleva el enlace («/proc/self/root/../trabajo/…» es
# «/trabajo/…», no «/proc/self/trabajo/…»); «/dev/stdin/…» pasa por /proc/self/fd/0; una ruta
# de más de 511 bytes se cortaba y se juzgaba por su principio («/usr/lib/./././…» → /usr/lib);
# y una relativa larga no cabía y no se miraba. Ahora un «..» solo vale dentro de /usr y /etc,
# cada tramo se mira por si es un enlace mágico, y lo que no cabe es del programa.
# «ruta-con-igual»: un archivo cuyo nombre lleva «") = -1 E (x)», abierto para escribir en el
# hilo del bucle. strace decora el descriptor que devuelve con esa ruta («= 5</…) = -1 E (x)>»),
# y el resultado se tomaba del último « = » detrás de un «)»: -1, una llamada que falló y no se
# juzgaba. Ahora el resultado va tras el «)» que cierra los argumentos (fin_de_argumentos).
juzgar_trazas ruta-con-igual 1 'Se vio openat de «/trabajo/c/a.bin.parte\\") = -1 E (x)» para escribir, en el hilo del bucle'
juzgar_trazas ruta-root-puntos 1 'Se vio statx de «/proc/self/root/../trabajo/c/a.bin» en el hilo del bucle (síncrono'
juzgar_trazas ruta-dev-stdin 1 'Se vio statx de «/dev/stdin/a.bin» en el hilo del bucle (síncrono'
juzgar_trazas ruta-larga 1 'Se vio statx de «/usr/lib/\./\./'
juzgar_trazas ruta-relativa-larga 1 'Se vio statx de «/trabajo/\./\./'
# «enlace-segunda»: symlink("/etc/hosts", "/trabajo/c/a.bin") crea un archivo de la entrega en
# el hilo del bucle; su primera ruta (el destino del enlace) es del sistema, y solo se miraba esa.
juzgar_trazas enlace-segunda 1 'Se vio symlink de «/trabajo/c/a.bin» en el hilo del bucle'
# El 08 («medios.pila_en»: el grupo de hilos de libuv no lee por el programa), con la pila de
# strace -k de la solución y de una entrega que hace cada archivo síncrono (uv_fs_open y
# uv_fs_read sin callback) en una callback de uv_queue_work. «trabajo-libuv»: el openat y el
# read del grupo sin ningún marco del programa (worker de libuv → libc): nada que decir.
# «trabajo-sincrono»: los mismos, con «/trabajo/bin/contador(h_leer+…)» en su pila, en una
# verificación del «nucleo»: el laboratorio sin calificar (antes, «Sin reglas de medios
# rotas»). «trabajo-sin-pila»: sin -k no se juzga, y se dice (nunca un aprobado callado).
# Dormir en el hilo del bucle (más de ESPERAS_MAX nanosleep en una ejecución), en el 09, con la
# pila (-k) de cada nanosleep: «espera-en-callback», usleep desde una callback (libuv debajo:
# uv_run → la callback → usleep) en una traza de «trozos», del «nucleo»: es un fallo pequeño y
# cuesta esa verificación, con el motivo de la callback (antes, en el 09, donde epoll_ctl no se
# para, se tomaba por un bucle propio: «espera activa» y el laboratorio sin calificar, 5/100 con
# un usleep(200) tras cada uv_write). «espera-bucle-propio», usleep desde main sin libuv debajo:
# un bucle propio que duerme, el laboratorio sin calificar.
juzgar_trazas_09() { JUZGAR_LAB=09 juzgar_trazas "$@"; }
juzgar_trazas_09 espera-en-callback 1 'En «Líneas partidas entre varias lecturas» (trozos):'
juzgar_trazas_09 espera-en-callback 1 '25 veces en una ejecución, dentro de uv_run (en sus callbacks: libuv está en su pila)\. Cada uno (usleep, sleep, nanosleep) bloquea el bucle'
juzgar_trazas_09 espera-bucle-propio 1 'Rompe las reglas de medios del laboratorio 09-sala-de-chat:$'
juzgar_trazas_09 espera-bucle-propio 1 'Eso es un bucle propio que duerme y vuelve a mirar'
# «siesta-larga»: un solo usleep(300000) en la callback de la señal, al parar (el mutante
# duerme_al_parar): uno de ESPERA_LARGA_MS (100) o más ya es dormir en el bucle, aunque sea uno
# (antes contaban solo más de ESPERAS_MAX, 20, y sacaba 100); cuesta esa verificación, como
# dormir en una callback. «siesta-corta»: tres de 20 ms, por debajo de las dos reglas: limpia.
juzgar_trazas_09 siesta-larga 1 'nanosleep en el hilo del bucle, 1 vez (una de 300 ms) en una ejecución, dentro de uv_run'
juzgar_trazas_09 siesta-larga 1 'En «.*» (senales):'
juzgar_trazas_09 siesta-corta 0 'Sin reglas de medios rotas'
# «siesta-absoluta»: clock_nanosleep con TIMER_ABSTIME no dice cuánto duerme (antes contaba 0 ms
# y pasaba); lo que no se puede medir cuenta como largo. «siestas-cortas»: veinte de 99 ms (casi
# 2 s con el bucle parado), cada una por debajo de ESPERA_LARGA_MS y sin pasar de ESPERAS_MAX:
# se suman.
juzgar_trazas_09 siesta-absoluta 1 'nanosleep en el hilo del bucle, 1 vez (hasta una hora fija o con un reloj de CPU'
juzgar_trazas_09 siestas-cortas 1 'nanosleep en el hilo del bucle, 20 veces (1980 ms entre todas; la más larga, 99 ms)'
# «siesta-sin-volver»: un sleep(5) en la callback de la señal y el calificador que lo mata dentro:
# la llamada queda en <unfinished ...> sin su «resumed» (ni su pila), y antes se perdía. Cuenta
# como dormir en una callback (ya vigilaba sus descriptores): esa verificación.
juzgar_trazas_09 siesta-sin-volver 1 'nanosleep en el hilo del bucle, 1 vez (una de 5000 ms)'
juzgar_trazas_09 siesta-sin-volver 1 'En «.*» (senales):'
# Revisión de la sesión 77, las tres antes siestas de callback (lo menor) o limpias:
# «siesta-reloj-cpu», un clock_nanosleep con el reloj de CPU del proceso (glibc lo pasa como -6 y
# strace lo escribe como un número, sin «CPUTIME»): solo se mide un reloj de pared con nombre.
# «siesta-interrumpida», un bucle propio en main cuyas siestas corta una señal (SIGALRM cada
# poco): «= ? ERESTART_RESTARTBLOCK» sí volvió y trae su pila, no es «no volvió».
# «siesta-mezcla», un bucle propio (50 ms en main) con dos usleep(0) en una callback por cada
# siesta suya: la mayoría no decide si alguna pila prueba el bucle propio.
juzgar_trazas_09 siesta-reloj-cpu 1 'nanosleep en el hilo del bucle, 1 vez (hasta una hora fija o con un reloj de CPU'
juzgar_trazas_09 siesta-interrumpida 1 'Eso es un bucle propio que duerme'
juzgar_trazas_09 siesta-mezcla 1 '9 veces (150 ms entre todas; la más larga, 50 ms) en una ejecución\. Eso es un bucle propio'
# «espera-sin-pila», en el 07 (sin -k): dormir después del primer epoll_ctl del hilo del bucle
# parece una callback, pero eso también lo cumple un bucle propio con uv_run(…, UV_RUN_NOWAIT);
# sin la pila no se sabe, y decide como siempre (aquí, en «intervalo», del «nucleo»: el
# laboratorio), con el motivo de la callback.
JUZGAR_LAB=07 juzgar_trazas espera-sin-pila 1 'Rompe las reglas de medios del laboratorio 07-monitor-web:$'
JUZGAR_LAB=07 juzgar_trazas espera-sin-pila 1 'después de que libuv empezara a vigilar sus descriptores)\. Cada uno'
# La proporción de esas esperas sin pila (solo_dormir_en_el_bucle): «espera-sin-pila-una», las
# mismas en «intervalo» (del núcleo) y tres verificaciones más sin ninguna, es una siesta en una
# callback por la que solo pasa esa: pierde sus puntos, no el laboratorio (antes, el
# laboratorio sin calificar por un sleep en una verificación). «espera-sin-pila-todas»: en las
# cuatro, como un bucle propio que duerme en cada ejecución: el laboratorio.
JUZGAR_LAB=07 juzgar_trazas espera-sin-pila-una 1 'solo fuera de sus verificaciones principales'
JUZGAR_LAB=07 juzgar_trazas espera-sin-pila-una 1 '^En «.*» (intervalo):$'
JUZGAR_LAB=07 juzgar_trazas espera-sin-pila-todas 1 'Rompe las reglas de medios del laboratorio 07-monitor-web:$'
juzgar_trazas_08() { JUZGAR_LAB=08 juzgar_trazas "$@"; }
juzgar_trazas_08 trabajo-libuv 0 'Sin reglas de medios rotas\.$'
juzgar_trazas_08 trabajo-sincrono 1 'Se vio openat de «/trabajo/c/a.txt» en un hilo del grupo de libuv, pedido por el propio programa (en su pila está h_leer en «contador»)'
# «trabajo-aio»: la traza del ataque con aio_read (sesión 24, 100/100 antes): el hilo que lee es
# de libc, y en su pila no hay libuv.so ni nada del programa.
juzgar_trazas_08 trabajo-aio 1 'Se vio pread64 de «/trabajo/c/cuentas-1/texto.txt» en un hilo que no es del grupo de libuv: en su pila no hay libuv.so'
juzgar_trazas_08 trabajo-sin-pila 0 'No se pudo juzgar si el grupo de hilos de libuv toca los archivos a petición del programa'
# «trabajo-cola»: el ataque de la llamada de cola (hostiles/medios_08_cola.c): preadv2 de libc
# justo encima del bucle del grupo de libuv, sin marco del programa (antes, «Sin reglas de medios
# rotas»); «trabajo-cola-uv»: uv_fs_open sin callback, exportada, justo encima.
juzgar_trazas_08 trabajo-cola 1 'justo encima del bucle del grupo de libuv está preadv2 de libc'
juzgar_trazas_08 trabajo-cola-uv 1 'justo encima del bucle del grupo de libuv está uv_fs_open, una función de libuv que llama el programa'
# La pila entera y exacta (lista de permitidos): «trabajo-contexto», la de makecontext (el
# último marco de libuv, @DENTRO@, es de una función exportada, no el bucle del grupo);
# «trabajo-sin-arranque», una que acaba en libuv; «trabajo-cortada», un solo marco de libc en el
# grupo cuando la pila del hilo del bucle salió entera (strace sabía seguirla: la cortó el
# programa); «trabajo-cortada-sola», la misma sin ninguna pila entera: no se juzga, y se dice;
# «trabajo-cortada-errores», la del hilo del bucle con tres líneas unexpected_backtracing_error
# tras su marco de libc: no son una pila entera (antes contaban, y la cortada se rechazaba).
juzgar_trazas_08 trabajo-contexto 1 'una pila cuyo último marco de libuv es uv_fs_open, una función que llama el programa, no el bucle del grupo'
juzgar_trazas_08 trabajo-sin-arranque 1 'una pila que acaba en libuv (uv_random) sin llegar al arranque del hilo'
juzgar_trazas_08 trabajo-cortada 1 'con una pila que se corta en libc cuando strace siguió enteras las demás del programa'
juzgar_trazas_08 trabajo-cortada-sola 0 'No se pudo juzgar si el grupo de hilos de libuv toca los archivos a petición del programa'
juzgar_trazas_08 trabajo-cortada-errores 0 'No se pudo juzgar si el grupo de hilos de libuv toca los archivos a petición del programa'
# Lo que encontró el adversario de la sesión 27: «trabajo-asignador», una uv_fs_read síncrona
# llamada desde libc (el malloc de uv_replace_allocator, dentro de una uv_fs_* con callback): la
# pila acaba bien (uv__fs_work ← worker) pero más adentro una función exportada de libuv la
# llama libc; «shm-en-bucle», leer en el hilo del bucle una copia en /dev/shm (escribible en la
# caja: no es «del sistema»).
juzgar_trazas_08 trabajo-asignador 1 'una pila en la que uv_fs_open, una función que libuv exporta, la llama otra cosa que libuv'
juzgar_trazas_08 shm-en-bucle 1 'Se vio openat de «/dev/shm/copia» en el hilo del bucle'
# «trabajo-sin-archivo»: la misma pila con el marco de ese código fuera de todo archivo (memoria
# W+X): libdw lo escribe como unexpected_backtracing_error y sigue por el puntero de marco, y
# sin él la pila parecería la permitida.
juzgar_trazas_08 trabajo-sin-archivo 1 'una pila con un marco que strace no atribuye a ningún archivo'
if "$CALIFICAR" --raiz "$RAIZ" --lab 08 --juzgar-trazas "$TRAZAS_AQUI/trabajo-libuv" 2>&1 |
  grep -q 'No se pudo juzgar'; then
  mal "trazas-trabajo-libuv-juzgada" "trazas trabajo-libuv: con la pila, dice que no se pudo juzgar"
else
  bien "trazas trabajo-libuv: con la pila, juzgada"
fi
# El 12 (libpq_bloqueante): «bd-poll», un poll(…, -1) en el hilo del bucle (libpq bloqueante,
# partido en <unfinished ...>); «bd-poll-cero», poll y ppoll con tiempo 0 en el hilo del bucle
# (los de la solución al cerrar cada conexión): ninguno espera. «bd-poll-grupo», un hilo del
# grupo que abre un socket AF_UNIX (como la conexión de libpq por el socket unix de
# PostgreSQL) y espera con poll: libpq bloqueante dentro de un uv_queue_work (antes pasaba por
# un resolutor de libcurl, que el 12 no tiene; hostiles/bd_en_grupo.c del 12). El PQcancel de
# bd_cancelar, en el grupo, no sondea: conecta, envía y espera con recv.
juzgar_trazas_12() { JUZGAR_LAB=12 juzgar_trazas "$@"; }
juzgar_trazas_12 bd-poll 1 'Se vio poll o select que espera en el hilo del bucle, 1 vez en una ejecución'
juzgar_trazas_12 bd-poll-cero 0 'Sin reglas de medios rotas'
juzgar_trazas_12 bd-poll-grupo 1 'Se vio poll o select que espera en un hilo del grupo, 2 veces en una ejecución'
fi

if [ "$PARTE" = medios ]; then
# medios_08_syscall sin caja y sin observar: en la tabla, al final del tramo «medios».
# Observación que se pierde: strace funciona (la prueba del ejecutor pasa) pero no deja
# traza (su -o va a /dev/null). Los medios no se pueden juzgar, así que no se da la nota:
# error del calificador (código 3) y el informe dice por qué. Antes, la trampa sacaba 100/100
# con solo el aviso «no se observó ninguna ejecución». La marca prueba que este strace fue el
# que observó (el ejecutor da CALIF_STRACE al calificador).
ciego="$TMP/strace-ciego"
cat >"$ciego" <<'SH'
#!/bin/bash
# Un strace que funciona pero no deja traza: su salida (-o) va a /dev/null.
args=()
prev=
for a in "$@"; do
  [ "$prev" = -o ] && [ "$a" != /dev/null ] && a=/dev/null && echo x >>"${0}.usado"
  args+=("$a")
  prev=$a
done
exec /usr/bin/strace "${args[@]}"
SH
chmod 755 "$ciego"
: >"$ciego.usado"
chmod 666 "$ciego.usado"
(
  export CALIF_STRACE="$ciego" CURSO_PRUEBAS_MARCA="$MARCA-ciego"
  calificar_en medios_ciego --lab "$L08" --entrega "$TMP/medios_08_syscall"
  echo "$rc" >"$TMP/medios_ciego.rc"
)
read -r p m < <(nota medios_ciego)
if [ "$(cat "$TMP/medios_ciego.rc")" = 3 ] && [ -s "$ciego.usado" ] && [ "$p" != - ] && [ "$p" -le 4 ] &&
  grep -q 'los medios no se pudieron juzgar: strace funcionaba al empezar, pero no quedó' \
    "$SALIDAS/medios_ciego.txt"; then
  bien "observación perdida: $p/$m, código 3 y el informe dice que los medios no se juzgaron"
else
  mal "medios-ciego" "observación perdida: $p/$m, rc=$(cat "$TMP/medios_ciego.rc"), marca $(wc -c <"$ciego.usado") — $SALIDAS/medios_ciego.txt"
fi
# Dos calificaciones a la vez con la misma carpeta de salida (dos make grade en un clon):
# antes compartían trabajo/NN y la segunda borraba las trazas de la primera (o su binario).
# Ahora esperan en fila, y las dos rechazan la trampa.
mkdir -p "$SALIDAS/a-la-vez"
for i in 1 2; do
  "$CALIFICAR" --raiz "$RAIZ" --construccion "$B" --cc "$CC" --cflags "$CALIF_CFLAGS" \
    --libs "$CALIF_LIBS" --salida "$SALIDAS/a-la-vez" --lab "$L08" \
    --entrega "$TMP/medios_08_syscall" >"$SALIDAS/a-la-vez-$i.txt" 2>&1 &
done
wait
if grep -q 'Se vio openat de «.*» en el hilo del bucle' "$SALIDAS/a-la-vez-1.txt" &&
  grep -q 'Se vio openat de «.*» en el hilo del bucle' "$SALIDAS/a-la-vez-2.txt" &&
  grep -q 'otra calificación usa' "$SALIDAS"/a-la-vez-[12].txt; then
  bien "dos calificaciones con la misma salida: una espera a la otra y las dos ven la trampa"
else
  mal "a-la-vez" "dos calificaciones con la misma salida: $SALIDAS/a-la-vez-1.txt, -2.txt"
fi

fi

# Lo que la entrega no puede deducir ni callar (el servidor, la precarga vivos, la red y el
# disco): la parte «cuentas».
if [ "$PARTE" = cuentas ]; then
echo "── Lo que la entrega no puede deducir ni callar: el servidor, la precarga, la red y el disco"
# El 11 no se aprueba escribiendo lo que dice la URL: descargas_url.patch hace de la solución
# una entrega que sustituye cada trozo recibido por los bytes de la semilla de la URL y lee la
# huella mala de «&digest=mal» (un parche y no una copia: sigue a la solución, y si deja de
# aplicarse, falla aquí). Sobre la solución sin las marcas «//@» (como los mutantes:
# partidas.sh).
antes_descargas_url() {
  bash autograder/herramientas/partidas.sh sin-marcas solutions/11-descargas/descargas.c \
    >"$generada/$1.c"
  patch -s "$generada/$1.c" <"$(ruta_hostil descargas_url.patch)" >/dev/null 2>&1 && return 0
  mal "descargas-url-parche" "$(ruta_hostil descargas_url.patch) ya no se aplica a solutions/11-descargas/descargas.c"
  return 1
}
# Los parches que pierden una verificación concreta (antes, hostil_pierde): antes_pierde NOMBRE
# BASE aplica el parche hostil NOMBRE.patch al archivo del caso (columnas lab y archivo) de
# la solución sin las marcas «//@» (BASE «solucion», como los mutantes; el resto de sus
# archivos, con la columna resto) o del programa de partida («partida»); un parche que ya no se
# aplica es un fallo y el caso no se califica. despues_pierde NOMBRE VERIF [solo]: pierde VERIF
# (con «solo», ninguna más) y el informe dice «dice».
antes_pierde() {
  local nombre=$1 base=$2 origen
  if [ "$base" = solucion ]; then
    origen=solutions/$lab_caso/$archivo_caso
    bash autograder/herramientas/partidas.sh sin-marcas "$origen" >"$generada/$nombre.c"
  else
    origen=labs/$lab_caso/$archivo_caso
    cp "$origen" "$generada/$nombre.c"
  fi
  patch -s "$generada/$nombre.c" <"$(ruta_hostil "$nombre.patch")" >/dev/null 2>&1 && return 0
  mal "${nombre//_/-}-parche" "$(ruta_hostil "$nombre.patch") ya no se aplica a $origen"
  return 1
}
despues_pierde() {
  # «perdidas» y no «fallan»: fallan es la cuenta de comun.sh que suma mal(); una local con
  # ese nombre la tapaba, y con set -u el primer mal() de aquí cortaba la parte entera sin su
  # resumen.
  local nombre=$1 verif=$2 solo=${3:-} frase=$dice perdidas
  perdidas=$(id_fallidas "$nombre" "$lab_caso" | tr '\n' ' ')
  if { [ -n "$solo" ] && [ "$perdidas" = "$verif " ]; } ||
    { [ -z "$solo" ] && [[ " $perdidas" == *" $verif "* ]]; } &&
    grep -q "$frase" "$SALIDAS/$nombre.txt"; then
    bien "$nombre: pierde «$verif»${solo:+ (solo esa)}, y lo dice («$frase»)"
  else
    mal "${nombre//_/-}" "$nombre: fallan «$perdidas» (debía perder ${solo:+solo }«$verif», con «$frase») — $SALIDAS/$nombre.txt"
  fi
}
# despues_sin_rescate NOMBRE VERIF…: pierde cada VERIF y ninguna se rescató repitiéndola sola.
# El ejecutor repite sola cada verificación fallida solo si fallan pocas (REPETIR_MAX, 3: runner/
# repetir.c). Con pocas, el informe debe decir «no se repitió sola» (dice): cal_sin_repetir
# frenó la repetición. Con más (en la máquina de CI del 30-11-2026, bajo strace, cuando
# «concurrencia» aún comparaba la duración de las dos fases, se perdía también ella), no se
# repite ninguna: entonces se exige que
# ninguna pasara al repetirla, y la línea dice que cal_sin_repetir no se puso a prueba. Antes,
# con la frase a secas, el caso fallaba en esa máquina aunque nada se rescatara.
despues_sin_rescate() {
  local nombre=$1 frase=$dice perdidas v falta="" n
  shift
  perdidas=" $(id_fallidas "$nombre" "$lab_caso" | tr '\n' ' ')"
  for v in "$@"; do [[ "$perdidas" == *" $v "* ]] || falta+=" $v"; done
  n=$(wc -w <<<"${perdidas// compila / }")
  if [ -n "$falta" ]; then
    mal "${nombre//_/-}" "$nombre: fallan «$perdidas» (debía perder «$*»; no pierde «${falta# }») — $SALIDAS/$nombre.txt"
  elif grep -q 'pasó al repetirla sola' "$SALIDAS/$nombre.txt"; then
    mal "${nombre//_/-}" "$nombre: una verificación se rescató al repetirla sola — $SALIDAS/$nombre.txt"
  elif [ "$n" -le 3 ] && ! grep -q "$frase" "$SALIDAS/$nombre.txt"; then
    mal "${nombre//_/-}" "$nombre: con $n fallidas (el ejecutor repite hasta 3) el informe no dice «$frase» — $SALIDAS/$nombre.txt"
  elif [ "$n" -le 3 ]; then
    bien "$nombre: pierde «$*», no se repiten solas y lo dice («$frase»)"
  else
    bien "$nombre: pierde «$*» y nada se rescató al repetirlo (con $n fallidas el ejecutor no repite ninguna: cal_sin_repetir no se puso a prueba aquí)"
  fi
}
# bd_en_fila (sin pool, sobre la partida del 12): además de perder reemplaza_rotas, las dos
# verificaciones de POOL dicen por qué no hay pool: que el servidor no vio dos inserciones a la
# vez o (salida, que desde la sesión 49 lo mira antes) que las consultas no se solaparon; y
# ninguna se para por la cuota (el papel del programa no entra en la base curso).
despues_en_fila() {
  local en_fila_sin_pool en_fila_cuota
  en_fila_sin_pool=$(grep -c -e 'el servidor nunca vio dos inserciones de la fase concurrente a la vez' \
    -e 'de la fase de consultas no se solaparon en el servidor' "$SALIDAS/$1.txt")
  en_fila_cuota=$(grep -c 'escribió más de 256 MiB' "$SALIDAS/$1.txt")
  if [ "$en_fila_sin_pool" -ge 2 ] && [ "$en_fila_cuota" = 0 ]; then
    bien "$1: salida y reemplaza_rotas dicen que no hay pool (ni esperas ni consultas a la vez), y la base curso está cerrada (ninguna cuota)"
  else
    mal "bd-en-fila" "$1: $en_fila_sin_pool verificaciones dicen que no hubo inserciones ni consultas a la vez (se esperaban 2) y $en_fila_cuota se pararon por la cuota (se esperaba 0) — $SALIDAS/$1.txt"
  fi
}
casos cuentas cuentas
# El 09 y la precarga vivos (VIVOS_CIERRE: qué handles siguen abiertos al acabar uv_run, en
# `senales`): dos entregas que dejan sus handles a la red de seguridad (el mutante
# cierra_la_red) y esquivan al testigo. chat_para.patch para con uv_stop y deja el bucle vivo
# (la precarga no miraba); chat_calla.c pone /dev/null en el descriptor de la precarga (ninguna
# línea pasaba por «lo cerró todo»); chat_otro_bucle.patch no cierra nada, para con uv_stop y
# hace pasar a la precarga por un bucle vacío aparte (solo se revisaba el primero que se
# quedaba sin nada vivo). Antes, las tres 100/100; ahora pierden `senales` (97/100: lo demás lo
# hacen bien), y chat_para también `apagado_lento` (94/100: como cierra_la_red, deja el
# temporizador del plazo sin cerrar también cuando vence, que desde la sesión 39 se mira ahí). chat_clave_ajena.c busca la clave del testigo en el argv y el entorno de cada
# proceso de /proc (bwrap la llevaba en su argv) y falsifica el testigo: también 100/100 antes,
# 97/100 ahora que la clave llega por un descriptor. chat_calla y chat_clave_ajena, además,
# callan las cuentas de lo que pasa por libuv (.trafico, lib/vivos.c): sin ellas no pasa ninguna
# verificación que las pida, y se quedan en 10 (compila y valgrind). Sobre la solución sin las
# marcas «//@», como los mutantes.
cierre_caso() { # cierre_caso NOMBRE NOTA: la entrega ya está en $TMP/NOMBRE
  local nombre=$1 esperada=$2 dir="$TMP/$1"
  (
    export CURSO_PRUEBAS_MARCA="$MARCA-$nombre"
    calificar_en "$nombre" --lab 09-sala-de-chat --entrega "$dir"
    echo "$rc $segundos $segundos_cpu" >"$TMP/$nombre.rc"
  )
  read -r rc segundos segundos_cpu <"$TMP/$nombre.rc"
  read -r p m < <(nota "$nombre")
  if [ "$rc" = 0 ] && [ "$p" = "$esperada" ] && id_fallidas "$nombre" 09-sala-de-chat | grep -qx senales; then
    bien "$nombre: pierde senales ($p/$m en $segundos s)"
  else
    mal "$nombre" "$nombre: nota $p/$m (se esperaba $esperada, sin senales), rc=$rc — $SALIDAS/$nombre.txt"
  fi
  if [ -z "$(supervivientes "$MARCA-$nombre")" ]; then
    bien "$nombre: no queda ningún proceso de la entrega"
  else
    mal "$nombre-vivos" "$nombre: quedan procesos vivos"
  fi
}
mkdir -p "$TMP/chat_para" "$TMP/chat_calla" "$TMP/chat_otro_bucle" "$TMP/chat_clave_ajena"
bash autograder/herramientas/partidas.sh copiar-solucion 09-sala-de-chat "$TMP/chat_para"
bash autograder/herramientas/partidas.sh copiar-solucion 09-sala-de-chat "$TMP/chat_calla"
bash autograder/herramientas/partidas.sh copiar-solucion 09-sala-de-chat "$TMP/chat_clave_ajena"
bash autograder/herramientas/partidas.sh copiar-solucion 09-sala-de-chat "$TMP/chat_otro_bucle"
if patch -s -d "$TMP/chat_para" -p1 <"$(ruta_hostil chat_para.patch)" >/dev/null 2>&1 &&
  patch -s -d "$TMP/chat_calla" -p1 <labs/09-sala-de-chat/.calificador/mutantes/cierra_la_red.patch >/dev/null 2>&1 &&
  patch -s -d "$TMP/chat_otro_bucle" -p1 <"$(ruta_hostil chat_otro_bucle.patch)" >/dev/null 2>&1 &&
  patch -s -d "$TMP/chat_clave_ajena" -p1 <labs/09-sala-de-chat/.calificador/mutantes/cierra_la_red.patch >/dev/null 2>&1; then
  hostil chat_calla.c >>"$TMP/chat_calla/chat.c"
  hostil chat_clave_ajena.c >>"$TMP/chat_clave_ajena/chat.c"
  cierre_caso chat_para 94
  cierre_caso chat_calla 10
  cierre_caso chat_otro_bucle 97
  cierre_caso chat_clave_ajena 10
  if grep -q "no hay informe que valga: la precarga «vivos» no dio su testigo" "$SALIDAS/chat_calla.txt"; then
    bien "chat_calla: el informe dice que la precarga no dio su testigo"
  else
    mal "chat_calla-mensaje" "chat_calla: el informe no dice que faltó el testigo — $SALIDAS/chat_calla.txt"
  fi
else
  mal "chat-cierre-parche" "$(ruta_hostil chat_para.patch), chat_otro_bucle.patch o el mutante cierra_la_red ya no se aplican a solutions/09-sala-de-chat/chat.c"
fi
# El disco lento del 11 (strace inject en pwrite64, pwritev, pwritev2 y rename*) no se esquiva
# escribiendo con otra llamada: descargas_sin_posicion.c abre con O_APPEND y escribe sin
# posición (write/writev) delante del mutante vigia_en_pausa, que así pasaba `estancada`
# (antes, 95/100). Ahora las tres verificaciones con el disco lento (concurrencia_maxima,
# estancada y sigint) quedan sin juzgar y sin puntos: 84/100.
mkdir -p "$TMP/descargas_sin_posicion"
bash autograder/herramientas/partidas.sh copiar-solucion 11-descargas "$TMP/descargas_sin_posicion"
if patch -s -d "$TMP/descargas_sin_posicion" -p1 \
  <labs/11-descargas/.calificador/mutantes/vigia_en_pausa.patch >/dev/null 2>&1; then
  hostil descargas_sin_posicion.c "$TMP/descargas_sin_posicion/descargas.c" \
    >"$generada/descargas_sin_posicion.c"
  cp "$generada/descargas_sin_posicion.c" "$TMP/descargas_sin_posicion/descargas.c"
  (
    export CURSO_PRUEBAS_MARCA="$MARCA-descargas_sin_posicion"
    calificar_en descargas_sin_posicion --lab 11-descargas --entrega "$TMP/descargas_sin_posicion"
    echo "$rc" >"$TMP/descargas_sin_posicion.rc"
  )
  read -r p m < <(nota descargas_sin_posicion)
  if [ "$(cat "$TMP/descargas_sin_posicion.rc")" = 0 ] &&
    id_fallidas descargas_sin_posicion 11-descargas | grep -qx estancada &&
    grep -q "el disco lento de esta verificación no se pudo aplicar: se vio write" "$SALIDAS/descargas_sin_posicion.txt"; then
    bien "descargas_sin_posicion: pierde estancada, y el informe dice por qué ($p/$m)"
  else
    mal "descargas_sin_posicion" "descargas_sin_posicion: $p/$m, sin perder estancada por el disco lento — $SALIDAS/descargas_sin_posicion.txt"
  fi
  if [ -z "$(supervivientes "$MARCA-descargas_sin_posicion")" ]; then
    bien "descargas_sin_posicion: no queda ningún proceso de la entrega"
  else
    mal "descargas_sin_posicion-vivos" "descargas_sin_posicion: quedan procesos vivos"
  fi
else
  mal "descargas-sin-posicion-parche" "el mutante vigia_en_pausa ya no se aplica a solutions/11-descargas/descargas.c"
fi
# La red: un servidor de fuera, en 127.0.0.1, no recibe nada de la entrega (red_fuera.c se
# conecta al puerto que le da la tabla por PUERTO_FUERA).
antes_red_fuera() {
  fuera_log="$TMP/fuera.log"
  python3 - "$fuera_log" >"$TMP/fuera.puerto" <<'PY' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16); s.settimeout(0.5)
print(s.getsockname()[1], flush=True)
fin = time.time() + 120
with open(sys.argv[1], "w") as log:
    while time.time() < fin:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        log.write("CONEXION\n"); log.flush(); c.close()
PY
  fuera_pid=$!
  for _ in $(seq 50); do [ -s "$TMP/fuera.puerto" ] && break; sleep 0.1; done
  vars+=("PUERTO_FUERA=$(cat "$TMP/fuera.puerto")")
}
despues_red_fuera() {
  kill "$fuera_pid" 2>/dev/null; wait "$fuera_pid" 2>/dev/null
  if [ -s "$TMP/fuera.puerto" ] && [ ! -s "$fuera_log" ]; then
    bien "$1: un servidor de fuera de la verificación no recibió ninguna conexión"
  else
    mal "red-fuera" "$1: la entrega llegó a un servidor de fuera de su red"
  fi
}
# Los sockets locales: un socket AF_UNIX con nombre, fuera de la carpeta de la entrega, no
# recibe nada (unix_fuera.c se conecta y escribe una marca). La red propia no los separa (un
# nombre en el sistema de archivos no es de ninguna red) ni Landlock (ABI 7) media connect();
# sin bwrap, con el mismo uid, así se llegaría a docker.sock, al PostgreSQL de la máquina o al
# canal de Criterion del calificador. Lo cierra el filtro: socket(AF_UNIX) falla con EPERM
# salvo en el laboratorio que lo pide («llamadas»: {"unix": true}, el 12). Con bwrap el
# nombre ni se ve; sin bwrap (CALIF_SIN_BWRAP=1) solo lo para el filtro: antes, se conectaba.
# antes_unix NOMBRE: un oyente en $TMP/NOMBRE.sock, que la tabla da a unix_fuera.c (UNIX_FUERA).
antes_unix() {
  local sock="$TMP/$1.sock" log="$TMP/$1.log"
  : >"$log"
  python3 - "$sock" "$log" <<'PY' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o777)
s.listen(16); s.settimeout(0.5)
fin = time.time() + 120
with open(sys.argv[2], "w") as log:
    log.write("LISTO\n"); log.flush()
    while time.time() < fin:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        c.settimeout(1)
        try:
            datos = c.recv(100)
        except OSError:
            datos = b""
        log.write("CONEXION %r\n" % datos); log.flush(); c.close()
PY
  unix_pid=$!
  for _ in $(seq 50); do [ -s "$log" ] && break; sleep 0.1; done
  vars+=("UNIX_FUERA=$sock")
}
despues_unix() {
  local nombre=$1 sock="$TMP/$1.sock" log="$TMP/$1.log"
  kill "$unix_pid" 2>/dev/null; wait "$unix_pid" 2>/dev/null
  if grep -q LISTO "$log" && ! grep -q CONEXION "$log"; then
    bien "$nombre: un socket AF_UNIX de fuera de la carpeta de la entrega no recibió nada"
  else
    mal "$nombre-conexion" "$nombre: la entrega se conectó a un socket AF_UNIX de fuera: $(grep -m1 CONEXION "$log")"
  fi
  rm -f "$sock"
}
# Llenar el disco desde cada verificación (llena_disco.c, como entrega del 10, que no prohíbe
# escribir archivos): archivos grandes, archivos borrados que siguen abiertos y muchísimos
# vacíos en /tmp, /var/tmp, /dev/shm, su carpeta de la verificación, TMPDIR y HOME. Antes,
# sin bwrap, una calificación dejaba 3.4 GB en el /tmp del sistema (con la entrega parándose
# sola a 256 MiB por lanzamiento) y con bwrap llenaba las carpetas hasta el tope del
# laboratorio (60 s); ahora la cuota (lib/cuota.c) para cada lanzamiento al pasar de 256 MiB,
# la verificación lo dice y no queda nada. Con y sin bwrap.
antes_llena() { rm -rf /tmp/llena-disco-* /var/tmp/llena-disco-* /dev/shm/llena-disco-* 2>/dev/null; }
despues_llena() {
  local nombre=$1 dicho quedan trabajo
  dicho=$(grep -c 'escribió más de 256 MiB (en la carpeta de la verificación' "$SALIDAS/$nombre.txt")
  quedan=$(find /tmp /var/tmp /dev/shm "$SALIDAS/$nombre" -maxdepth 6 -name 'llena-disco-*' 2>/dev/null | wc -l)
  trabajo=$(du -sk "$SALIDAS/$nombre/trabajo" 2>/dev/null | cut -f1)
  if [ "$dicho" -ge 5 ]; then
    bien "$nombre: $dicho verificaciones se pararon por la cuota de disco, y lo dicen"
  else
    mal "$nombre-cuota" "$nombre: solo $dicho verificaciones dicen que se pasó de la cuota — $SALIDAS/$nombre.txt"
  fi
  if [ "$quedan" = 0 ] && [ "${trabajo:-0}" -lt 20480 ]; then
    bien "$nombre: no queda nada en disco (trabajo: ${trabajo:-0} KiB; ninguna carpeta llena-disco-*)"
  else
    mal "$nombre-restos" "$nombre: quedan $quedan carpetas llena-disco-* y ${trabajo:-?} KiB en trabajo/"
    rm -rf /tmp/llena-disco-* /var/tmp/llena-disco-* /dev/shm/llena-disco-* 2>/dev/null
  fi
}
casos cuentas red

fi

if [ "$PARTE" = resto ]; then
echo "── Contención sin bubblewrap (CALIF_SIN_BWRAP=1: límites, usuario nobody y limpieza)"
# Sin espacio de nombres de montaje, /tmp es el del sistema: se dice en el informe
# («ve todo el sistema de archivos») y aquí solo se limpia.
despues_escribe_sin_caja() {
  rm -f /tmp/HACKEADO-calificador
  if grep -q FORJADO "$SALIDAS/$1/results.json"; then
    mal "escribe-sin-caja-forja" "escribe sin caja: el informe contiene resultados falsificados"
  else
    bien "escribe sin caja: resultados no falsificados"
  fi
}
casos resto sin_caja

echo "── La jaula de VPL: sin bwrap y con el mismo uid que el calificador"
# trampa_vpl.c, al final del monitor.c de partida: escribe {"ok": true} y un TAP entero de
# «ok» en la carpeta del calificador y se la cierra (chmod). Con el mismo uid puede; como
# root, la caja lo baja a otro uid, así que aquí se califica como «nobody» (como el usuario
# actual si no somos root). Sacaba 100/100. Dos capas, cada una probada sin la otra: con el
# encierro de Landlock (base/encierro.c) no llega a escribir nada fuera de su carpeta; sin él
# (CALIF_SIN_ENCIERRO=1, un núcleo sin Landlock), escribe, pero ningún veredicto sin la firma
# del calificador (base/clave.c) da puntos. En los dos, como mucho la nota de partida (4).
trampa_vpl() { # trampa_vpl SIN_ENCIERRO PATRÓN QUÉ
  local vpl_e="$TMP/trampa_vpl" vpl_s="$TMP/trampa_vpl-salida" vpl_como=() vpl_p
  mkdir -p "$vpl_e" "$vpl_s"
  cp "labs/$LAB"/*.[ch] "$vpl_e"/
  cat "labs/$LAB/monitor.c" "$RAIZ/autograder/hostiles/trampa_vpl.c" >"$vpl_e/monitor.c"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R nobody: "$vpl_e" "$vpl_s"
    chmod o+x "$TMP"
    vpl_como=(runuser -u nobody --)
  fi
  "${vpl_como[@]}" env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 TMPDIR="$vpl_s" \
    CALIF_SIN_BWRAP=1 CALIF_SIN_ENCIERRO="$1" CURSO_PRUEBAS_MARCA="$MARCA-trampa_vpl" \
    "$CALIFICAR" --raiz "$RAIZ" --construccion "$B" --cc "$CC" --cflags "$CALIF_CFLAGS" \
    --libs "$CALIF_LIBS" --salida "$vpl_s/informes" --lab "$LAB" --entrega "$vpl_e" \
    >"$SALIDAS/trampa_vpl-$1.txt" 2>&1
  vpl_p=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["score"])' \
    "$vpl_s/informes/results.json" 2>/dev/null || echo -)
  if [ "$vpl_p" != "-" ] && [ "$vpl_p" -le 4 ] && grep -q -- "$2" "$SALIDAS/trampa_vpl-$1.txt"; then
    bien "trampa_vpl ($3): $vpl_p/100 y el informe dice «$2»"
  else
    mal "trampa_vpl-$1" "trampa_vpl ($3): nota $vpl_p/100 (máximo 4), «$2» — $SALIDAS/trampa_vpl-$1.txt"
  fi
  chmod -R u+w "$vpl_s" 2>/dev/null
  rm -rf "$vpl_e" "$vpl_s"
}
# La versión de Landlock del núcleo (landlock_create_ruleset, 444 en todas las arquitecturas,
# con LANDLOCK_CREATE_RULESET_VERSION): -1 si no lo hay.
landlock=$(python3 -c 'import ctypes; print(ctypes.CDLL(None).syscall(444, None, 0, 1))' 2>/dev/null || echo -1)
if [ "$landlock" -gt 0 ]; then
  trampa_vpl 0 "con Landlock" "mismo uid, sin bwrap, con el encierro"
else
  echo "  (este núcleo no tiene Landlock: solo la capa de la firma)"
fi
trampa_vpl 1 "no lo escribió el calificador" "mismo uid, sin bwrap ni encierro: la firma"

echo "── Líneas sin pruebas (el registro del servidor manda)"
# Lo que sacaba 100/100: adivina.c más un fork()+system("curl …") por URL y ciclo, sin mirar
# siquiera lo que curl contesta (hay peticiones en el registro, pero no las hace el programa).
antes_adivina_con_curl() {
  awk '{ print } /^    s->en_vuelo = 0;$/ && !hecho {
    print "    if (fork() == 0) {"
    print "        char orden[2048];"
    print "        snprintf(orden, sizeof orden, \"curl -s -o /dev/null %s\", s->url);"
    print "        _exit(system(orden));"
    print "    }"
    hecho = 1 }' "$(ruta_hostil adivina.c)" >"$generada/$1.c"
}
casos resto lineas

fi

# El 12 y lo que sigue (los errores del calificador, un ejecutor matado, los manifiestos): la
# parte «bd».
if [ "$PARTE" = bd ]; then
echo "── Laboratorio 12: el PostgreSQL de la calificación, fuera del alcance de la entrega"
# bd_escapa.c intenta, con la cadena que recibe, ejecutar programas como el usuario del
# servidor (COPY … TO PROGRAM, una función en C, lo_export…), hacerse superusuario, leer
# archivos del servidor, llegar a otro clúster (el de otra calificación) y escribir en las
# pruebas de cargo. Cada ataque que ejecute algo deja una marca en /tmp del sistema; uno de
# ellos deja un proceso que escribe DIR/ubicacion apuntando a una carpeta «víctima», que
# postgres.sh borrar (como root) borraba. Antes: todo eso pasaba.
# antes_bd_escapa: la marca, la víctima, un servidor de la red de la máquina (PUERTO_FUERA) y
# el «otro» clúster (el de una calificación que corre a la vez), escritos en bd_escapa.c.
antes_bd_escapa() {
  bd_marca="HACKEADO-bd-$$-$RANDOM"
  bd_victima="victima-bd-$$-$RANDOM"
  mkdir -p "/tmp/$bd_victima" && echo intacta >"/tmp/$bd_victima/testigo"
  bd_escucha="$TMP/bd-escucha.log"
  python3 - "$bd_escucha" >"$TMP/bd-escucha.puerto" <<'PY' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16); s.settimeout(0.5)
print(s.getsockname()[1], flush=True)
fin = time.time() + 240
with open(sys.argv[1], "w") as log:
    while time.time() < fin:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        log.write("CONEXION\n"); log.flush(); c.close()
PY
  bd_escucha_pid=$!
  for _ in $(seq 50); do [ -s "$TMP/bd-escucha.puerto" ] && break; sleep 0.1; done
  bd_otro="$TMP/bd-otro"
  bash common/herramientas/postgres.sh iniciar "$bd_otro" >/dev/null 2>&1
  local bd_otro_puerto bd_otro_socket
  read -r _ bd_otro_puerto _ < <(bash common/herramientas/postgres.sh conexion "$bd_otro" tcp |
    sed 's/.*port=\([0-9]*\).*/x \1 x/')
  bd_otro_socket=$(bash common/herramientas/postgres.sh conexion "$bd_otro" socket |
    sed 's/^host=\([^ ]*\).*/\1/')
  sed -e "s|@MARCA@|$bd_marca|g" -e "s|@VICTIMA@|$bd_victima|g" \
    -e "s|@OTRO_PUERTO@|${bd_otro_puerto:-1}|g" -e "s|@OTRO_SOCKET@|${bd_otro_socket:-/nada}|g" \
    "$(ruta_hostil bd_escapa.c)" >"$generada/$1.c"
  vars+=("PUERTO_FUERA=$(cat "$TMP/bd-escucha.puerto")")
}
despues_bd_escapa() {
  sleep 6 # el proceso que deja COPY … TO PROGRAM escribe a los 4 s
  kill "$bd_escucha_pid" 2>/dev/null; wait "$bd_escucha_pid" 2>/dev/null
  bash common/herramientas/postgres.sh borrar "$bd_otro" >/dev/null 2>&1
  local bd_marcas bd_logrados
  bd_marcas=$(cd /tmp && ls -d "$bd_marca"-* 2>/dev/null | sed "s/^$bd_marca-//" | tr '\n' ' ')
  if [ -z "$bd_marcas" ]; then
    bien "$1: nada se ejecutó fuera de la caja (ninguna marca en /tmp del sistema)"
  else
    mal "bd-escapa-ejecuta" "$1: se ejecutó fuera de la caja: $bd_marcas"
    rm -f /tmp/"$bd_marca"-*
  fi
  if [ -s "$TMP/bd-escucha.puerto" ] && [ ! -s "$bd_escucha" ]; then
    bien "$1: un servidor de la red de la máquina no recibió ninguna conexión"
  else
    mal "bd-escapa-red" "$1: el servidor de la máquina recibió conexiones"
  fi
  if [ -f "/tmp/$bd_victima/testigo" ]; then
    bien "$1: postgres.sh borrar no borró nada fuera de su carpeta"
  else
    mal "bd-escapa-borra" "$1: postgres.sh borrar borró /tmp/$bd_victima"
  fi
  rm -rf "/tmp/${bd_victima:?}" "/tmp/curso-bd.${bd_marca:?}"
  bd_logrados=$(grep -ho 'ATAQUES LOGRADOS:[a-z_ -]*' "$SALIDAS/$1.txt" | head -n1)
  if [ "$bd_logrados" = "ATAQUES LOGRADOS: ninguno" ]; then
    bien "$1: el servidor rechazó todos los ataques"
  else
    mal "bd-escapa-logrados" "$1: ${bd_logrados:-no se ve la línea «ATAQUES LOGRADOS» en el informe}"
  fi
}
# bd_escapa_reset: lo mismo con BD_RESET (casos.tsv del 12).
antes_bd_escapa_reset() {
  antes_bd_escapa "$1"
  sed -i '1i #define BD_RESET 1' "$generada/$1.c"
}
despues_bd_escapa_reset() { despues_bd_escapa "$1"; }
# bd_escapa_cast: lo mismo con BD_CAST (casos.tsv del 12).
antes_bd_escapa_cast() {
  antes_bd_escapa "$1"
  sed -i '1i #define BD_CAST 1' "$generada/$1.c"
}
despues_bd_escapa_cast() { despues_bd_escapa "$1"; }
antes_bd_oculta() { { echo '#define BD_OCULTA 1'; hostil bd_bloqueante.c; } >"$generada/$1.c"; }
antes_bd_cada_una() { { echo '#define BD_CADA_UNA 1'; hostil bd_una.c; } >"$generada/$1.c"; }
antes_bd_forja() { { echo '#define BD_FORJA 1'; hostil bd_una.c; } >"$generada/$1.c"; }

# Llenar el disco a través de PostgreSQL (bd_llena.c): filas de 4 MiB sin comprimir por 4
# conexiones, escritas por el servidor en la carpeta de su clúster. Antes, 542 MiB por ejecución
# fuera de la cuota; ahora la verificación mide también el clúster (cal_cuota_vigilar): se para,
# lo dice y no queda nada (el clúster y sus bases se borran; ninguna carpeta /tmp/curso-bd.*
# nueva). Con y sin bwrap (sin él, la medida de la temporal pisaba la del clúster: 6 GB).
# Las carpetas /tmp/curso-bd.* que hay ahora, una por línea, ordenadas.
carpetas_bd() { find /tmp -maxdepth 1 -name 'curso-bd.*' 2>/dev/null | sort; }

# De las carpetas /tmp/curso-bd.* nuevas desde ANTES (la lista de carpetas_bd), cuántas son
# restos: siguen ahí 3 s después y ningún proceso las nombra. Contarlas todas no valía: las
# partes de esta suite (y una pasada de mutantes) califican el 12 a la vez, y sus clústeres en
# marcha, o a medio borrar, contaban como restos de este caso.
restos_bd() {
  local antes=$1 nuevas d n=0
  nuevas=$(comm -13 <(printf '%s\n' "$antes") <(carpetas_bd))
  [ -n "$nuevas" ] && sleep 3
  for d in $nuevas; do
    [ -d "$d" ] && ! pgrep -f -- "$d" >/dev/null && n=$((n + 1))
  done
  echo "$n"
}

antes_bd_llena() { bd_llena_antes=$(carpetas_bd); }
despues_bd_llena() {
  local nombre=$1 dicho restos trabajo vivos
  dicho=$(grep -c 'escribió más de 256 MiB (en la carpeta de la verificación, /tmp, /var/tmp, /dev/shm o la carpeta de datos de su PostgreSQL)' "$SALIDAS/$nombre.txt")
  restos=$(restos_bd "$bd_llena_antes")
  trabajo=$(du -sk "$SALIDAS/$nombre/trabajo" 2>/dev/null | cut -f1)
  vivos=$(pgrep -f "$SALIDAS/$nombre/" 2>/dev/null | wc -l)
  if [ "$dicho" -ge 3 ]; then
    bien "$nombre: $dicho verificaciones se pararon por la cuota (el clúster cuenta), y lo dicen"
  else
    mal "$nombre-cuota" "$nombre: solo $dicho verificaciones dicen que se pasó de la cuota — $SALIDAS/$nombre.txt"
  fi
  if [ "$restos" -le 0 ] && [ "${trabajo:-0}" -lt 20480 ] && [ "$vivos" = 0 ]; then
    bien "$nombre: no queda nada (trabajo: ${trabajo:-0} KiB; ni clúster ni servidor)"
  else
    mal "$nombre-restos" "$nombre: quedan $restos carpetas /tmp/curso-bd.*, ${trabajo:-?} KiB en trabajo/ y $vivos procesos del servidor"
  fi
}
# bd_memoria: la memoria del servidor del 12, con tope por proceso y conexiones por papel
# (comun.h, BASE_TOPE_MEMORIA). Su salida sale en el detalle de las verificaciones que pierde.
despues_bd_memoria() {
  local nombre=$1 conseguida negada rechazadas
  conseguida=$(grep -c 'MEMORIA CONSEGUIDA' "$SALIDAS/$nombre.txt")
  negada=$(grep -c 'MEMORIA NEGADA' "$SALIDAS/$nombre.txt")
  rechazadas=$(grep -o 'CONEXIONES ABIERTAS [0-9]*, NEGADAS [1-9][0-9]*' "$SALIDAS/$nombre.txt" | wc -l)
  if [ "$conseguida" = 0 ] && [ "$negada" -ge 1 ] && [ "$rechazadas" -ge 1 ]; then
    bien "$nombre: el servidor negó los 300 MiB ($negada veces) y conexiones de más ($rechazadas ejecuciones)"
  else
    mal "$nombre" "$nombre: 300 MiB conseguidos $conseguida veces y negados $negada; ejecuciones con conexiones rechazadas: $rechazadas — $SALIDAS/$nombre.txt"
  fi
}
# bd_rechazadas: una ejecución que el programa debe rechazar (-p 101) tiene 2 conexiones para
# su papel, no las que dirían sus argumentos (comun.c, conexiones_del_papel).
despues_bd_rechazadas() {
  local nombre=$1 lineas abiertas
  lineas=$(grep -o 'CONEXIONES ABIERTAS [0-9]*, NEGADAS [0-9]* DE [0-9]* CON -p 101' "$SALIDAS/$nombre.txt")
  abiertas=$(printf '%s\n' "$lineas" | sed -n 's/^CONEXIONES ABIERTAS \([0-9]*\),.*/\1/p' | sort -n | tail -n1)
  if [ -n "$abiertas" ] && [ "$abiertas" -le 2 ]; then
    bien "$nombre: con -p 101 (una ejecución que debe rechazar), $abiertas conexiones abiertas de 40"
  else
    mal "$nombre" "$nombre: con -p 101 se esperaban como mucho 2 conexiones abiertas, y fueron ${abiertas:-(sin la línea de -p 101)} — $SALIDAS/$nombre.txt"
  fi
}
# bd_catalogo: la fila que se rechaza y la ficha del error no están en el catálogo
# (pg_proc.prosrc) ni en una tabla que el papel lea (comun.c, calif.secreto).
despues_bd_catalogo() {
  local nombre=$1 leidas vistas
  leidas=$(grep -c 'CATALOGO LEIDO: [1-9][0-9]* funciones de calif' "$SALIDAS/$nombre.txt")
  vistas=$(grep -c -e 'FICHA VISTA' -e 'FALLA VISTA' -e 'SECRETO LEIDO' "$SALIDAS/$nombre.txt")
  if [ "$leidas" -ge 1 ] && [ "$vistas" = 0 ]; then
    bien "$nombre: $leidas lecturas del cuerpo de las funciones de calif, ningún secreto en ellas ni en calif.secreto"
  else
    mal "$nombre" "$nombre: $vistas secretos vistos (se esperaban 0) en $leidas lecturas del catálogo con funciones de calif (se esperaba alguna) — $SALIDAS/$nombre.txt"
  fi
}
# bd_vecinas: cada verificación del 12, su papel y su base (comun.c, papel_propio). Su
# salida sale en el detalle de las verificaciones que pierde.
despues_vecinas() {
  local nombre=$1 abiertas tocado cerradas limpio
  abiertas=$(grep -c 'VECINA c_[a-z0-9_]* ABIERTA' "$SALIDAS/$nombre.txt")
  tocado=$(grep -c 'PAPEL TOCADO' "$SALIDAS/$nombre.txt")
  cerradas=$(grep -c 'VECINA c_[a-z0-9_]* CERRADA' "$SALIDAS/$nombre.txt")
  limpio=$(grep -c 'PAPEL LIMPIO' "$SALIDAS/$nombre.txt")
  if [ "$abiertas" = 0 ] && [ "$tocado" = 0 ] && [ "$cerradas" -ge 1 ] && [ "$limpio" -ge 1 ]; then
    bien "$nombre: ninguna base de otra verificación se abre ($cerradas intentos) y ningún ALTER ROLE pasa a la siguiente ($limpio sesiones limpias)"
  else
    mal "bd-vecinas" "$nombre: $abiertas bases de otras verificaciones abiertas y $tocado sesiones con el papel tocado (se esperaban 0), con $cerradas intentos cerrados y $limpio sesiones limpias (se esperaba alguno de cada) — $SALIDAS/$nombre.txt"
  fi
}
casos bd bd

# postgres.sh borrar nunca sigue una ruta que haya escrito otro: un DIR/ubicacion del usuario
# del servidor (lo que dejaba el proceso de COPY … TO PROGRAM) apuntando a una carpeta ajena.
if [ "$(id -u)" = 0 ] && id -u postgres >/dev/null 2>&1; then
  bd_dir="$TMP/bd-ubicacion"
  mkdir -p "/tmp/$bd_victima" "/tmp/curso-bd.${bd_marca:?}" && echo intacta >"/tmp/$bd_victima/testigo"
  bash common/herramientas/postgres.sh iniciar "$bd_dir" >/dev/null 2>&1
  if runuser -u postgres -- sh -c "echo x >'$bd_dir/ubicacion'" 2>/dev/null; then
    mal "bd-ubicacion-escribe" "postgres.sh: el usuario del servidor puede escribir DIR/ubicacion"
  else
    bien "postgres.sh: el usuario del servidor no puede escribir en DIR"
  fi
  # Si el clúster fue a /tmp (el usuario del servidor no llega a DIR), la ubicación de verdad:
  # la prueba la pisa, así que borrar no la sigue y aquí se borra a mano (antes quedaba una
  # carpeta /tmp/curso-bd.* por cada make test).
  bd_loc=$(cat "$bd_dir/ubicacion" 2>/dev/null)
  bash common/herramientas/postgres.sh parar "$bd_dir" >/dev/null 2>&1
  echo "/tmp/curso-bd.$bd_marca/../$bd_victima" >"$bd_dir/ubicacion"
  chown postgres "$bd_dir/ubicacion"
  bash common/herramientas/postgres.sh borrar "$bd_dir" >/dev/null 2>&1
  if [ -f "/tmp/$bd_victima/testigo" ] && [ ! -e "$bd_dir" ]; then
    bien "postgres.sh borrar: ignora un DIR/ubicacion ajeno y borra solo su carpeta"
  else
    mal "bd-ubicacion-sigue" "postgres.sh borrar siguió un DIR/ubicacion ajeno (o no borró su carpeta)"
  fi
  rm -rf "/tmp/${bd_victima:?}" "/tmp/curso-bd.${bd_marca:?}"
  if [[ "$bd_loc" =~ ^/tmp/curso-bd\.[A-Za-z0-9]{6}$ ]]; then
    rm -rf --one-file-system "$bd_loc"
  fi
fi

# Una verificación colgada cuesta esa verificación, no el laboratorio: la solución del 12 sin su
# línea POOL y sin cerrar nada no sale nunca de uv_run, y la verificación valgrind (95 s)
# pasa del tope del laboratorio (90 s). Antes, el ejecutor lo paraba sin TAP y TODAS quedaban
# a cero, también las que ya habían pasado (5/100); ahora las que terminaron conservan su nota.
antes_bd_colgado() {
  sed -e '/printf("POOL maximo/,+1d' -e '/^    acabar(prog, 0, 0);$/d' \
    solutions/12-base-de-datos/basedatos.c >"$generada/$1.c"
}
despues_bd_colgado() {
  local bd_fallan bd_via=""
  bd_fallan=$(id_fallidas "$1" 12-base-de-datos | tr '\n' ' ')
  # Lo para el tope (90 s) o, antes, Criterion 2.4.1 con su error de cuando una prueba acaba
  # justo al llegar su .timeout (aquí todas llegan a él): las dos vías, sin TAP, deben dejar su
  # nota a las que decidieron (runner/criterion.c). Un CI falló aquí con las notas bien y sin
  # el aviso del tope: lo que deja la segunda (antes solo se aceptaba la primera).
  grep -q 'superó su tiempo' "$SALIDAS/$1.txt" && bd_via="pasó del tope del laboratorio"
  grep -q 'Criterion se detuvo con un error suyo' "$SALIDAS/$1.txt" &&
    bd_via="Criterion se detuvo con un error suyo antes del tope"
  # Y una tercera, desde que el tope es de segundos con CPU (base/reloj.c): con la máquina
  # cargada (make test al lado) el tope llega más tarde en reloj, y cada verificación acaba
  # antes por su propio .timeout, con su TAP. Lo que se prueba es lo mismo: las que deciden
  # conservan su nota y la colgada pierde la suya (make test de la sesión 42: 140.9 s de reloj,
  # 46 con CPU).
  local tap="$SALIDAS/$1/trabajo/12-base-de-datos/criterion.tap" plan hechas
  plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" 2>/dev/null)
  hechas=$(grep -cE '^(not )?ok ' "$tap" 2>/dev/null)
  if [ -z "$bd_via" ] && [ -n "$plan" ] && [ "$plan" = "$hechas" ] &&
    ! grep -q 'superó su tiempo' "$SALIDAS/$1.txt"; then
    bd_via="las $plan acabaron por su .timeout antes del tope (segundos con CPU, máquina cargada)"
  fi
  if [ -n "$bd_via" ] &&
    [[ " $bd_fallan " != *" conexion_mala "* ]] && [[ " $bd_fallan " != *" tabla_distinta "* ]] &&
    [[ " $bd_fallan " != *" sentencia_falla "* ]] && [[ " $bd_fallan " == *" valgrind "* ]]; then
    bien "$1: $bd_via y las verificaciones que terminaron conservan su nota (fallan: $bd_fallan)"
  else
    mal "bd-colgado" "$1: ${bd_via:-ni tope ni error de Criterion en el informe}; fallan «$bd_fallan» (debían pasar conexion_mala, tabla_distinta y sentencia_falla, y fallar valgrind)"
  fi
}
casos bd colgado

echo "── Errores de compilación y del calificador"
# Un árbol de curso falso con tres laboratorios que usan el calificador real del 07:
#   07-monitor-web  entrega que no compila      → 0 puntos y los mensajes del compilador
#   08-copia        la solución                 → 100 %
#   10-mal          lab.json con una verificación que el calificador no tiene → código 3
#   11-sin-tap      la solución, con un calificador que no escribe el TAP de Criterion (lo
#                   que deja Criterion 2.4.1 cuando se detiene con un error suyo, «The test has
#                   already ended, invalid state 'timeout'») → 100 %: cuenta lo que decidió
#                   cada verificación, y un aviso lo dice. Antes, 5/100 (solo «compila»)
falso="$TMP/curso"
bfalso="$TMP/build"
mkdir -p "$falso/labs" "$bfalso/bin"
ln -s "$B/bin/servidor-practica" "$bfalso/bin/servidor-practica"
for l in 07-monitor-web 08-copia 10-mal 11-sin-tap; do
  mkdir -p "$falso/labs/$l" "$bfalso/labs/$l"
  cp "labs/$LAB/lab.json" "$falso/labs/$l/"
  ln -s "$B/labs/$LAB/calificador" "$bfalso/labs/$l/calificador"
done
printf 'int main(void) { return 0 }\n' >"$falso/labs/07-monitor-web/monitor.c"
for l in 08-copia 10-mal 11-sin-tap; do cp "solutions/$LAB/monitor.c" "$falso/labs/$l/monitor.c"; done
rm "$bfalso/labs/11-sin-tap/calificador"
cat >"$bfalso/labs/11-sin-tap/calificador" <<EOF
#!/bin/bash
# El calificador del $LAB, sin su --tap=…: Criterion acaba sin escribir el TAP.
args=()
for a in "\$@"; do case "\$a" in --tap=*) ;; *) args+=("\$a") ;; esac; done
exec "$B/labs/$LAB/calificador" "\${args[@]}"
EOF
chmod 755 "$bfalso/labs/11-sin-tap/calificador"
python3 - "$falso/labs/10-mal/lab.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["verificaciones"].append({"id": "no_existe", "nombre": "Verificación fantasma", "puntos": 1,
                            "que": "nada", "pista": "", "prueba": ["codigo"]})
json.dump(d, open(sys.argv[1], "w"), ensure_ascii=False, indent=2)
PY
"$CALIFICAR" --raiz "$falso" --construccion "$bfalso" --cc "$CC" --cflags "$CALIF_CFLAGS" \
  --libs "$CALIF_LIBS" --salida "$SALIDAS/arbol-falso" >"$SALIDAS/arbol-falso.txt" 2>&1
rc=$?
puntos=$(python3 - "$SALIDAS/arbol-falso/results.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join("%s=%d/%d" % (l["lab"], l["score"], l["max_score"]) for l in d["extra_data"]["labs"]))
PY
)
if grep -q 'monitor.c:1:[0-9]*: error' "$SALIDAS/arbol-falso.txt" && [[ "$puntos" == *"07-monitor-web=0/100"* ]]; then
  bien "error de compilación: 0 puntos y los mensajes del compilador a la vista"
else
  mal "compilacion" "error de compilación: no se ven los mensajes o no puntúa 0 ($puntos)"
fi
if [[ "$puntos" == *"08-copia=100/100"* ]]; then
  bien "el laboratorio siguiente se califica igual (08-copia: 100 %)"
else
  mal "siguiente-lab" "tras un error de compilación, el siguiente laboratorio no se calificó bien ($puntos)"
fi
if [[ "$puntos" == *"11-sin-tap=100/100"* ]] && grep -q 'Criterion se detuvo con un error suyo' "$SALIDAS/arbol-falso.txt"; then
  bien "Criterion sin TAP: cuenta lo que decidió cada verificación (11-sin-tap: 100 %) y lo dice"
else
  mal "sin-tap" "Criterion sin TAP: $puntos (11-sin-tap debía tener 100/100 y el aviso «Criterion se detuvo…»)"
fi
if [ "$rc" = 3 ] && grep -q 'ERROR DEL CALIFICADOR.*no_existe' "$SALIDAS/arbol-falso.txt"; then
  bien "lab.json que no casa con el calificador: error del calificador (código 3)"
else
  mal "calificador" "lab.json que no casa: rc=$rc, sin «ERROR DEL CALIFICADOR … no_existe»"
fi

# Un ejecutor matado con SIGKILL no limpia: lo que lanzó va a init. Se vio el PostgreSQL de
# la calificación del 12 en marcha 20 s después (el vigilante de postgres.sh no siempre llega
# a pararlo). La siguiente calificación en la misma salida mata los procesos sin terminal que
# nombran su carpeta de trabajo antes de borrarla (base/huerfanos.c, huerfanos_restos) y lo
# dice. Se mata una calificación del 12 a medias y, como lo que queda de ella depende de
# carreras, se deja además un resto seguro: un proceso sin terminal que nombra la carpeta.
salida_m="$SALIDAS/matado"
rm -rf "$salida_m"
"$CALIFICAR" --raiz "$RAIZ" --construccion "$B" --cc "$CC" --cflags "$CALIF_CFLAGS" \
  --libs "$CALIF_LIBS" --salida "$salida_m" --lab 12 --soluciones >/dev/null 2>&1 &
pid_m=$!
for _ in $(seq 120); do
  pgrep -f "postgres -D $salida_m/" >/dev/null && break
  sleep 0.5
done
{ kill -KILL "$pid_m" && wait "$pid_m"; } 2>/dev/null
setsid tail -f /dev/null "$salida_m/trabajo/12-base-de-datos/resto" </dev/null >/dev/null 2>&1 &
disown "$!" 2>/dev/null
sleep 1
pg_antes=$(pgrep -fc "postgres -D $salida_m/")
antes=$(pgrep -fc -- "$salida_m/trabajo/")
RESUMIDO=1 calificar_en matado --lab 12 --soluciones
despues=$(pgrep -fc -- "$salida_m/trabajo/")
if [ "$antes" -ge 1 ] && [ "$despues" = 0 ] && grep -q "de una calificación anterior que no terminó" "$SALIDAS/matado.txt"; then
  bien "ejecutor matado: quedaban $antes procesos ($pg_antes de PostgreSQL); la siguiente calificación los para y lo dice"
else
  mal "matado" "ejecutor matado: procesos que nombran la carpeta antes $antes, después $despues (debe ser ≥ 1 y 0, con aviso) — $SALIDAS/matado.txt"
  pkill -KILL -f -- "$salida_m/trabajo/" 2>/dev/null
fi

echo "── «reglas_traza» mal escritas: el lector del manifiesto las rechaza"
# Una regla de la traza quita una verificación (runner/conducta.c): una mal escrita no puede
# quedarse en nada sin decirlo. Cada variante del lab.json del 08 debe dar el código 3 y el
# motivo; el lab.json tal cual, 0 (si no, la prueba no distingue nada).
# manifiesto_probar CLAVE LAB NOMBRE ESPERADO PY: califica la lista de una variante del lab.json
# de LAB (PY la cambia: `d` es el manifiesto y `v` sus verificaciones por id). ESPERADO vacío:
# se acepta (el lab.json tal cual, o una variante válida: si no, la prueba no distingue nada);
# si no, error del calificador (código 3) con CLAVE y ESPERADO en el mensaje.
manifiesto_probar() {
  local clave=$1 lab=$2 nombre=$3 esperado=$4 cambio=$5
  local arbol="$TMP/manifiesto-$clave-$nombre"
  mkdir -p "$arbol/labs/$lab"
  python3 - "labs/$lab/lab.json" "$arbol/labs/$lab/lab.json" "$cambio" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = {x["id"]: x for x in d["verificaciones"]}
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False, indent=2)
PY
  local err rc
  err=$("$CALIFICAR" --raiz "$arbol" --lista 2>&1 >/dev/null)
  rc=$?
  if [ -z "$esperado" ]; then
    if [ "$rc" = 0 ]; then bien "$clave: $nombre se acepta"; else mal "$clave-$nombre" "$clave: $nombre se rechazó (rc=$rc): $err"; fi
  elif [ "$rc" = 3 ] && [[ "$err" == *"$clave"* && "$err" == *"$esperado"* ]]; then
    bien "$clave: $nombre se rechaza («$esperado»)"
  else
    mal "$clave-$nombre" "$clave: $nombre debía rechazarse con «$esperado»: rc=$rc, $err"
  fi
}
manifiesto_probar reglas_traza 08-contador-palabras la_del_08 "" "assert d['reglas_traza'][0]['verificacion'] == 'memoria'"
manifiesto_probar reglas_traza 08-contador-palabras sin_verificacion "no es una verificación" "d['reglas_traza'][0]['verificacion'] = 'no_existe'"
manifiesto_probar reglas_traza 08-contador-palabras de_compila "no es una verificación" "d['reglas_traza'][0]['verificacion'] = 'compila'"
manifiesto_probar reglas_traza 08-contador-palabras bytes_texto "lectura_bytes" "d['reglas_traza'][0]['lectura_bytes'] = '65536'"
manifiesto_probar reglas_traza 08-contador-palabras bytes_cero "lectura_bytes" "d['reglas_traza'][0]['lectura_bytes'] = 0"
manifiesto_probar reglas_traza 08-contador-palabras clave_de_mas "clave desconocida «bytes»" "d['reglas_traza'][0]['bytes'] = 65536"
manifiesto_probar reglas_traza 08-contador-palabras sin_porque "porque" "d['reglas_traza'][0]['porque'] = ''"
manifiesto_probar reglas_traza 08-contador-palabras no_lista "lista de 1 a 8" "d['reglas_traza'] = d['reglas_traza'][0]"

echo "── «nucleo» mal escrito: el lector del manifiesto lo rechaza"
# «nucleo» decide si un medio prohibido deja el laboratorio sin calificar o cuesta solo sus
# verificaciones (runner/conducta.c): uno mal escrito no puede quedarse en nada sin decirlo.
manifiesto_probar nucleo 11-descargas el_del_11 "" "assert 'descarga_integra' in d['nucleo']"
manifiesto_probar nucleo 11-descargas sin_nucleo "" "del d['nucleo']"
manifiesto_probar nucleo 11-descargas no_existe "no es una verificación" "d['nucleo'].append('no_existe')"
manifiesto_probar nucleo 11-descargas de_compila "no es una verificación" "d['nucleo'].append('compila')"
manifiesto_probar nucleo 11-descargas repetida "dos veces" "d['nucleo'].append(d['nucleo'][0])"
manifiesto_probar nucleo 11-descargas vacio "lista no vacía" "d['nucleo'] = []"
manifiesto_probar nucleo 11-descargas texto "lista no vacía" "d['nucleo'] = 'descarga_integra'"

echo "── «medios.pila_en» mal escrito: el lector del manifiesto lo rechaza"
# Una verificación mal escrita en pila_en dejaba esas ejecuciones sin la pila sin decirlo.
manifiesto_probar medios.pila_en 08-contador-palabras la_del_08 "" "assert 'cuenta_exacta' in d['medios']['pila_en'] and len(d['medios']['pila_en']) >= 9"
manifiesto_probar medios.pila_en 11-descargas todas "" "d['medios']['pila_en'] = ['*']"
manifiesto_probar medios.pila_en 11-descargas la_del_11 "" "assert d['medios']['pila_en'] == ['descarga_integra']"
manifiesto_probar medios.pila_en 11-descargas no_existe "no es una verificación" "d['medios']['pila_en'].append('no_existe')"
manifiesto_probar medios.pila_en 11-descargas de_compila "no es una verificación" "d['medios']['pila_en'] = ['compila']"
manifiesto_probar medios.pila_en 11-descargas repetida "dos veces" "d['medios']['pila_en'].append('descarga_integra')"
manifiesto_probar medios.pila_en 11-descargas todas_y_otra "va sola" "d['medios']['pila_en'].append('*')"
manifiesto_probar medios.pila_en 11-descargas vacia "lista no vacía" "d['medios']['pila_en'] = []"

echo "── «prueba» de cada verificación: el lector del manifiesto la exige"
# Cada verificación que ejecuta el programa dice qué prueba de fuera del programa respalda su
# juicio (runner/manifiesto.c): una que no lo dice, o dice algo que no es una prueba, no pasa.
manifiesto_probar prueba 07-monitor-web la_del_07 "" "assert v['sigint']['prueba'][0] == 'registro'"
manifiesto_probar prueba 07-monitor-web sin_prueba "falta «prueba»" "del v['sigint']['prueba']"
manifiesto_probar prueba 07-monitor-web vacia "falta «prueba»" "v['sigint']['prueba'] = []"
manifiesto_probar prueba 07-monitor-web la_salida "no vale («salida»" "v['sigint']['prueba'] = ['salida']"
manifiesto_probar prueba 07-monitor-web repetida "no vale («registro»" "v['sigint']['prueba'] = ['registro', 'registro']"
manifiesto_probar prueba 07-monitor-web en_compila "no lleva «prueba»" "v['compila']['prueba'] = ['codigo']"

echo "── «llamadas» mal escritas: el lector del manifiesto las rechaza"
# La lista de permitidos del filtro de la caja (base/filtro.c) se amplía desde lab.json: un
# nombre que libseccomp no conoce, una siempre prohibida o una con reglas propias abrirían o
# romperían la caja sin decirlo. Cada variante del lab.json del 09 da el código 3 y el motivo;
# el lab.json tal cual, 0.
manifiesto_probar llamadas 09-sala-de-chat la_del_09 "" "assert 'listen' in d['llamadas']['permitidas']"
manifiesto_probar llamadas 09-sala-de-chat desconocida "no es una llamada al sistema que conozca libseccomp" "d['llamadas']['permitidas'].append('no_existe')"
manifiesto_probar llamadas 09-sala-de-chat prohibida "está siempre prohibida" "d['llamadas']['permitidas'].append('io_submit')"
manifiesto_probar llamadas 09-sala-de-chat con_reglas "tiene reglas propias" "d['llamadas']['permitidas'].append('mprotect')"
manifiesto_probar llamadas 09-sala-de-chat clave_de_mas "clave desconocida «prohibidas»" "d['llamadas']['prohibidas'] = []"
manifiesto_probar llamadas 09-sala-de-chat no_objeto "debe ser un objeto" "d['llamadas'] = ['bind']"
# «unix»: si el laboratorio abre sockets AF_UNIX (base/filtro.c: sin él, socket(AF_UNIX) da
# EPERM). Solo true o false; socket tiene reglas propias y la palabra AF_UNIX no es una llamada.
manifiesto_probar llamadas 12-base-de-datos la_del_12 "" "assert d['llamadas']['unix'] is True"
manifiesto_probar llamadas 09-sala-de-chat unix_falso "" "d['llamadas']['unix'] = False"
manifiesto_probar llamadas 12-base-de-datos unix_texto "«llamadas.unix» debe ser true o false" "d['llamadas']['unix'] = 'sí'"
manifiesto_probar llamadas 12-base-de-datos unix_numero "«llamadas.unix» debe ser true o false" "d['llamadas']['unix'] = 1"
manifiesto_probar llamadas 12-base-de-datos unix_nulo "«llamadas.unix» debe ser true o false" "d['llamadas']['unix'] = None"
manifiesto_probar llamadas 09-sala-de-chat socket_pedida "tiene reglas propias" "d['llamadas']['permitidas'].append('socket')"
manifiesto_probar llamadas 09-sala-de-chat af_unix_como_llamada "no es una llamada al sistema que conozca libseccomp" "d['llamadas']['permitidas'].append('AF_UNIX')"

fi

# El tiempo y la CPU de la parte, con todo lo que lanzó y esperó (`times`: la del guion y la
# de sus hijos): lo que decide cómo repartir los casos entre las partes.
# (`times` aquí y no en una tubería: en la subcapa de una tubería, sus hijos son otros.)
times >"$TMP/parte.times"
cpu_parte=$(awk '{ for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] } }
  END { printf "%.0f", s }' "$TMP/parte.times")
echo "parte $PARTE: $SECONDS s, CPU $cpu_parte s"
resumen_final
