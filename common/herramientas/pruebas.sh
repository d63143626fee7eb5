#!/usr/bin/env bash
# Ejecuta las suites de `make test` (de dos en dos y las ligeras al lado, ver más abajo), guarda
# el registro de cada una en build/pruebas/<suite>.log y termina con el resumen
# «pruebas: N passed, N failed».
# Al final comprueba que no quede ningún proceso del curso vivo ni ningún temporal, ni en
# build/tmp ni fuera (en /tmp y /dev/shm, con un nombre del curso).
set -u
raiz=$(cd "$(dirname "$0")/../.." && pwd)
cd "$raiz" || exit 1
mkdir -p build/pruebas build/tmp
# Todos los temporales de las pruebas van aquí: así se puede comprobar que no queda ninguno.
export TMPDIR="$raiz/build/tmp"
# Python: el de Debian, aunque en el PATH vaya antes otro (python-del-sistema.sh dice por qué).
# El libro ya lo fijaba así (LIBRO_PY).
# shellcheck source=python-del-sistema.sh
. common/herramientas/python-del-sistema.sh build/pruebas
# Para reconocer al final los procesos que lanzaron estas pruebas (ver más abajo).
marca="$$-$RANDOM$RANDOM"
export CURSO_PRUEBAS_MARCA="$marca"
read -r propio </proc/$$/stat
propio=${propio##*) }
read -r -a campos_propios <<<"$propio"
sesion=${campos_propios[3]}
inicio_propio=${campos_propios[19]}

# Las suites van de dos en dos (PRUEBAS_J, 2: los núcleos de la máquina), y las que casi solo
# esperan (PRUEBAS_LIGERAS) en un carril más, de una en una, al lado. Las que llenan la CPU por
# sí solas (valgrind y ASan: unos 1,7 núcleos cada una) van solas en los J carriles, sin otra
# al lado que las frene ni a quien frenar (PRUEBAS_SOLAS). libFuzzer también iba sola hasta el
# 03-12-2026, pero es un proceso de tiempo fijo (FUZZ_SEGUNDOS) en un núcleo (30 s de CPU en
# 30): sola dejaba el otro parado; en un carril ocupa uno, como cualquier otra. La CPU de cada suite sale en su línea («CPU N s»), y
# es lo que decide en qué grupo va. Ligera es solo la que gasta poco de verdad: prueba-terminal
# (13 s de CPU en 83, medido el 01-12-2026). Hasta entonces también lo eran prueba-clase,
# prueba-vigilar, prueba-gradescope y prueba-usuario (el 27-11-2026, 96 s de CPU en 369, 52 en
# 148, 27 en 79 y 21 en 52: unos 0,3 núcleos las cuatro), pero desde que la máquina es una VM
# en la que fork y ptrace cuestan varias veces más (30-11-2026) gastan 386 s en 512, 194 en
# 219, 132 en 264 y 107 en 232: el carril ligero pedía casi un núcleo más sobre los dos llenos,
# y la solución del 08 calificada por --primera dentro de prueba-vigilar no acababa sus
# ejecuciones a tiempo (CI del 01-12-2026: cuatro ✘ por tiempo, más de las que se repiten
# solas). En los J carriles la máquina no pide más de lo que tiene. Cuesta algo de tiempo:
# `make test`, 1931 s en aquel CI y 2144 s en el primero así (con unos 3500 s de CPU, en dos
# núcleos no baja de 1750 s). Que las verificaciones aguanten una CPU más llena lo prueba
# test-con-carga.sh, con dos bucles ocupados más. PRUEBAS_LIGERAS="" las devuelve todas a los
# J carriles. El carril ligero arranca con las solas (antes esperaba a que acabaran: 189 s
# parado en el ensayo del 28-11-2026). En una máquina más rápida (02-12-2026: fork+exec de 1,2
# ms; prueba-clase, 186 s de CPU en 436) se probó otra vez prueba-clase en el carril ligero:
# 1429 s frente a 1318, con 2321 s de CPU frente a 1883 (empieza al lado de valgrind, que pasó
# de 181 s a 281, y estira todo lo demás). `make test` ya llena los dos núcleos: para que tarde
# menos hay que gastar menos CPU, no repartirla de otro modo. Se probó también (04-12-2026) a
# llevar prueba-clase y prueba-edicion, las que más esperan, al carril ligero solo después de
# las solas: 1198 s, pero con ASan y el libro ya construidos (en un clon nuevo, unos 1260, lo
# mismo que en los J carriles), porque prueba-labs, a su lado, pasó de 340 s a 519 (su CPU, de
# 359 a 388: la partida del 07 tardó 41 s en vez de 22). Lo que se gana en espera se pierde en
# contención.
J=${PRUEBAS_J:-2}
SOLAS=" ${PRUEBAS_SOLAS:-prueba-common-valgrind prueba-common-asan} "
LIGERAS=" ${PRUEBAS_LIGERAS-prueba-terminal} "
# Las suites selladas (PRUEBAS_SELLADAS): en lugar de ejecutarlas, se comprueba que su pasada,
# hecha antes de entregar y sellada con la huella de todo lo que puede cambiar su veredicto,
# es de exactamente lo que hay; si no, la suite falla y dice qué cambió. Hoy, prueba-autograder
# (autograder/profesorado/pasada-hostiles.sh, que explica por qué): en la máquina de CI del
# 30-11-2026 era la mitad de la CPU de `make test` (4220 s de 8439) y `make test` tardaba 79
# minutos. Sin el guion de la pasada (la edición del estudiante no trae ni hostiles ni esa
# suite) o fuera de un clon de git, se ejecutan de verdad; PRUEBAS_SELLADAS="" también.
# Desde el 05-12-2026 también las dos de memoria de libcurso (prueba-common-valgrind y
# prueba-common-asan, common/herramientas/pasada-memoria.sh), con una diferencia: su sello es
# una caché. Si no es de lo de ahora, con esta plataforma, la suite se ejecuta de verdad en vez
# de fallar. En aquel make test eran 446 s de CPU de 2191 y 266 s de sus 1365 de reloj.
SELLADAS=" ${PRUEBAS_SELLADAS-prueba-autograder prueba-common-valgrind prueba-common-asan} "
declare -A sello=([prueba-autograder]=autograder/profesorado/pasada-hostiles.sh
  [prueba-common-valgrind]=common/herramientas/pasada-memoria.sh
  [prueba-common-asan]=common/herramientas/pasada-memoria.sh)
sellada() { # sellada SUITE: 0 si se comprueba su sello en vez de ejecutarla
  [[ "$SELLADAS" == *" $1 "* ]] && [ -n "${sello[$1]:-}" ] && [ -f "${sello[$1]}" ] &&
    git rev-parse --is-inside-work-tree >/dev/null 2>&1
}
pasan=0; fallan=0; fallidas=()

# correr SUITE: ejecuta la suite y deja «estado segundos cpu» en build/pruebas/SUITE.estado;
# cpu: los segundos de CPU (usuario + sistema) de la suite y de todo lo que lanzó y esperó (el
# «time» de bash), lo que dice si una suite espera o calcula (ver PRUEBAS_J).
correr() {
  local suite=$1 log="build/pruebas/$1.log" inicio fin estado cpu TIMEFORMAT='%U %S'
  inicio=$(date +%s.%N)
  local orden=(make --no-print-directory "$suite")
  sellada "$suite" && orden=(bash "${sello[$suite]}" comprobar "$suite")
  if { time "${orden[@]}" >"$log" 2>&1; } 2>"build/pruebas/$suite.cpu"; then
    estado=ok
  else
    estado=FALLA
  fi
  fin=$(date +%s.%N)
  cpu=$(awk '{ printf "%.0f", $1 + $2 }' "build/pruebas/$suite.cpu" 2>/dev/null)
  rm -f "build/pruebas/$suite.cpu"
  echo "$estado $(awk -v a="$inicio" -v b="$fin" 'BEGIN{printf "%.1f", b-a}') ${cpu:-0}" >"build/pruebas/$suite.estado"
}

informar() { # informar SUITE: su línea de resultado (y el final del registro si falla)
  local suite=$1 log="build/pruebas/$1.log" estado segundos cpu
  read -r estado segundos cpu <"build/pruebas/$suite.estado"
  local nombre=$suite ultima
  ultima=$(grep -E '^(resumen|Synthesis)' "$log" | tail -n1)
  if sellada "$suite"; then
    nombre="$suite (sellada)"
    ultima=$(grep -E '^(✔|✘) pasada' "$log" | tail -n1)
  fi
  printf '── %-32s %-6s %6.1f s (CPU %4s s)   %s\n' "$nombre" "$estado" "$segundos" "${cpu:-?}" "$ultima"
  if [ "$estado" = ok ]; then
    pasan=$((pasan + 1))
  else
    fallan=$((fallan + 1)); fallidas+=("$suite")
    echo "   ┌─ últimas líneas de $log"
    tail -n 60 "$log" | sed 's/^/   │ /'
    echo "   └─"
  fi
}

declare -A en_marcha=()  # pid → suite (las de los J carriles y la del carril ligero)
ligera=""                # pid de la suite ligera en marcha, si hay una
sola=""                  # pid de la suite sola en marcha (ocupa los J carriles), si hay una
esperar_una() {
  local pid
  wait -n "${!en_marcha[@]}" 2>/dev/null
  for pid in "${!en_marcha[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null
      informar "${en_marcha[$pid]}"
      unset "en_marcha[$pid]"
      [ "$pid" = "$ligera" ] && ligera=""
      [ "$pid" = "$sola" ] && sola=""
    fi
  done
}

# Orden: primero las que van solas (así no esperan a nadie ni nadie las espera), después las
# más largas, de la más larga a la más corta (PRUEBAS_LARGAS, con los tiempos de una pasada
# sin carga: empiezan pronto y las cortas rellenan los otros carriles) y al final el resto, en
# el orden en que se registraron. Las ligeras, en ese mismo orden, en su propia cola.
LARGAS=" ${PRUEBAS_LARGAS:-prueba-autograder prueba-clase prueba-lecciones prueba-labs prueba-edicion prueba-libro prueba-gradescope prueba-usuario prueba-vigilar prueba-practica} "
orden=()
for suite in "$@"; do [[ "$SOLAS" == *" $suite "* ]] && orden+=("$suite"); done
for suite in $LARGAS; do
  for s in "$@"; do [ "$s" = "$suite" ] && orden+=("$suite"); done
done
for suite in "$@"; do
  [[ "$SOLAS" == *" $suite "* || "$LARGAS" == *" $suite "* ]] || orden+=("$suite")
done
solas=(); ligeras=(); resto=()
for suite in "${orden[@]}"; do
  rm -f "build/pruebas/$suite.estado"
  if [[ "$SOLAS" == *" $suite "* ]] || [ "$J" -le 1 ]; then
    solas+=("$suite")
  elif [[ "$LIGERAS" == *" $suite "* ]]; then
    ligeras+=("$suite")
  else
    resto+=("$suite")
  fi
done

inicio_todo=$(date +%s)
# Lo que hay en /tmp y /dev/shm antes de empezar: lo que aparezca y siga ahí al final salió de
# TMPDIR (o no lo respeta: los segmentos de PostgreSQL, Chromium) y se dice (ver más abajo).
fuera() { find /tmp /dev/shm -mindepth 1 -maxdepth 1 2>/dev/null | sort; }
fuera_antes=$(fuera)
# Cada vuelta arranca lo que cabe (una ligera si su carril está libre; en los J carriles, una
# sola cuando están vacíos, o, acabadas las solas, del resto hasta llenarlos) y espera a que
# acabe alguna.
while [ ${#solas[@]} -gt 0 ] || [ ${#ligeras[@]} -gt 0 ] || [ ${#resto[@]} -gt 0 ] ||
      [ ${#en_marcha[@]} -gt 0 ]; do
  if [ -z "$ligera" ] && [ ${#ligeras[@]} -gt 0 ]; then
    correr "${ligeras[0]}" &
    ligera=$!
    en_marcha[$!]=${ligeras[0]}
    ligeras=("${ligeras[@]:1}")
  fi
  # En los J carriles: las que están en marcha, sin contar la ligera.
  en_carriles=${#en_marcha[@]}
  [ -n "$ligera" ] && en_carriles=$((en_carriles - 1))
  if [ ${#solas[@]} -gt 0 ] && [ "$en_carriles" -eq 0 ]; then
    correr "${solas[0]}" &
    sola=$!
    en_marcha[$!]=${solas[0]}
    solas=("${solas[@]:1}")
    en_carriles=1
  fi
  while [ -z "$sola" ] && [ ${#solas[@]} -eq 0 ] && [ ${#resto[@]} -gt 0 ] &&
        [ "$en_carriles" -lt "$J" ]; do
    correr "${resto[0]}" &
    en_marcha[$!]=${resto[0]}
    resto=("${resto[@]:1}")
    en_carriles=$((en_carriles + 1))
  done
  [ ${#en_marcha[@]} -gt 0 ] && esperar_una
done
cpu_todo=0
for suite in "${orden[@]}"; do
  read -r _ _ cpu <"build/pruebas/$suite.estado" 2>/dev/null && cpu_todo=$((cpu_todo + ${cpu:-0}))
done
echo "(todas las suites en $(($(date +%s) - inicio_todo)) s, $J a la vez y las ligeras en un carril más; CPU de las suites: $cpu_todo s)"

# Nada debe sobrevivir a las pruebas. Cuentan como nuestros los que heredaron la marca de
# entorno (aunque hicieran setsid) y los programas de build/ nacidos en esta sesión después
# de este guion (por si alguno limpió su entorno). Otros procesos de la máquina no se tocan.
vivos=()
for d in /proc/[0-9]*; do
  p=${d#/proc/}
  [ "$p" = "$$" ] && continue
  read -r stat 2>/dev/null <"$d/stat" || continue
  resto=${stat##*) }
  read -r -a campos <<<"$resto"
  nuestro=0
  if [ "${campos[3]}" = "$sesion" ] && [ "${campos[19]}" -gt "$inicio_propio" ] &&
     tr '\0' ' ' 2>/dev/null <"$d/cmdline" | grep -qF "$raiz/build/"; then
    nuestro=1
  elif tr '\0' '\n' 2>/dev/null <"$d/environ" | grep -qx "CURSO_PRUEBAS_MARCA=$marca"; then
    nuestro=1
  fi
  # Los procesos efímeros de este mismo bucle (tr, grep) ya habrán muerto al comprobarlos.
  [ $nuestro -eq 1 ] && [ -e "$d" ] && vivos+=("$p")
done
# Lo que está acabando no es un resto: el vigilante de postgres.sh mira cada 0.5 s si su
# servidor murió y entonces borra su carpeta, así que un servidor parado al final de la última
# suite lo deja vivo hasta medio segundo más (se vio: «sleep 0.5»). Se espera como mucho 3 s
# a que terminen; lo que siga vivo después sí es un resto.
for _ in $(seq 30); do
  quedan=0
  for p in "${vivos[@]}"; do [ -e "/proc/$p" ] && quedan=1; done
  [ $quedan -eq 0 ] && break
  sleep 0.1
done
sobrevivientes=""
for p in "${vivos[@]}"; do
  [ -e "/proc/$p" ] || continue
  sobrevivientes+="$p $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | cut -c1-200)"$'\n'
done
if [ -n "$sobrevivientes" ]; then
  echo "✘ quedan procesos vivos tras las pruebas:"; printf '%s' "$sobrevivientes" | sed 's/^/   /'
  fallan=$((fallan + 1)); fallidas+=("procesos-vivos")
  for p in "${vivos[@]}"; do kill -KILL "$p" 2>/dev/null; done
else
  pasan=$((pasan + 1))
fi
restos=$(find build/tmp -mindepth 1 -maxdepth 1 2>/dev/null | head -n 20)
if [ -n "$restos" ]; then
  echo "✘ quedan temporales en build/tmp:"; echo "$restos" | sed 's/^/   /'
  fallan=$((fallan + 1)); fallidas+=("temporales")
else
  pasan=$((pasan + 1))
fi
# Fuera de build/tmp: lo nuevo en /tmp y /dev/shm que sigue ahí. Es un resto (✘) lo que lleva
# un nombre de los que usa el curso; lo demás puede ser de otro programa de la máquina (un
# navegador, el escritorio) y solo se enseña, sin contar como fallo.
nuestros="" ajenos=""
while IFS= read -r ruta; do
  [ -n "$ruta" ] || continue
  n=${ruta##*/}
  case $n in
    PostgreSQL.* | criterion_* | curso-* | calif-* | prueba-* | pasada-* | vivos-* | *-fuzz-* | sonda-* | HACKEADO*)
      nuestros+=" $ruta" ;;
    *) ajenos+=" $ruta" ;;
  esac
done < <(comm -13 <(printf '%s\n' "$fuera_antes") <(fuera))
if [ -n "$nuestros" ]; then
  echo "✘ quedan restos de las pruebas en /tmp o /dev/shm:$nuestros"
  fallan=$((fallan + 1)); fallidas+=("restos-fuera")
else
  pasan=$((pasan + 1))
fi
[ -z "$ajenos" ] || echo "(nuevos en /tmp o /dev/shm durante las pruebas, con nombres que no son del curso: $ajenos)"

# Al final, otra vez lo que falló de cada suite (sus líneas «✘» y «Obtenido:», las 20
# primeras): cuando solo se ve el final de la salida (un registro de CI recortado), la causa
# sigue a la vista.
if [ $fallan -gt 0 ]; then
  echo "Suites que fallan: ${fallidas[*]}"
  for suite in "${fallidas[@]}"; do
    [ -f "build/pruebas/$suite.log" ] || continue
    echo "   ┌─ lo que falla en $suite (todo en build/pruebas/$suite.log)"
    lineas=$(grep -E '^[[:space:]]*(✘|\[FAIL\])|Obtenido:' "build/pruebas/$suite.log" | head -n 20)
    [ -n "$lineas" ] || lineas=$(tail -n 5 "build/pruebas/$suite.log")
    printf '%s\n' "$lineas" | cut -c1-300 | sed 's/^/   │ /'
    echo "   └─"
  done
fi
echo "pruebas: $pasan passed, $fallan failed"
[ $fallan -eq 0 ]
