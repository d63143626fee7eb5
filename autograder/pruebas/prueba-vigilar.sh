#!/usr/bin/env bash
# prueba-vigilar.sh B — el bucle del estudiante: make vigilar, make progreso y el avance en
# la terminal. Con el primer laboratorio que haya (el 07 si está):
#   1. make vigilar sobre una entrega temporal (ENTREGA=…): comprueba al arrancar (un programa
#      que solo corre el bucle): todas las verificaciones en el orden de lab.json, la primera
#      ✘ con «↑ empieza por aquí» y su pista, todas las de antes ✔, ningún total de puntos (no
#      es la nota), ni results.json ni progreso; guardar un archivo que no es del laboratorio
#      no hace nada; guardar el del laboratorio vuelve a comprobar, y guardar otra vez (ahora
#      con un error de compilación) mientras comprueba la para y enseña «compila» con su pista;
#      Ctrl+C (SIGINT) sale con 0 enseguida y no deja vivo ni inotifywait ni nada suyo.
#   2. calificar --primera con una solución a medias (la solución con un mutante, si está en
#      esta copia): la primera ✘ es la primera de su debe_fallar (en
#      labs/NN-tema/.calificador/mutantes.tsv) en el orden de lab.json y las de antes salen ✔; con una entrega que usa medios prohibidos, no se califica; con una
#      hostil que escribe en el repositorio y falsifica resultados, nada cambia ni se cree; y
#      la solución del primero y la de cada laboratorio con un servidor que vive toda la
#      calificación (el PostgreSQL del 12), si están en esta copia, salen enteras ✔, como en
#      make grade.
#   3. el avance («⏳ Lab 07 · n/m verificaciones») sale en una terminal (script) y no en una
#      tubería ni con CI=true; esas dos calificaciones van al historial (HISTORIAL=…).
#   4. make progreso: última 0, mejor la de antes, «te falta: compila»; los demás laboratorios,
#      «lee el enunciado»; con la solución (si está en esta copia), «¡completo!». make grade
#      anota en build/progreso.json solo cuando califica tus archivos.
# Última línea: «resumen: …».
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ" || exit 1
B=$(realpath -m "${1:-build}")
# shellcheck source=comun.sh
source "$RAIZ/autograder/pruebas/comun.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prueba-vigilar.XXXXXX")
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT
MARCA="prueba-vigilar-$$-$RANDOM"

lab=$("$CALIFICAR" --raiz "$RAIZ" --lista | awk -F'\t' '$2 == "programa" { print $1 }' | sort | head -n1)
numero=${lab:0:2}
mapfile -t archivos < <("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab" | awk -F'\t' '$2 == "archivo" { print $3 }')
echo "── $lab"
ENT="$TMP/entrega"
mkdir -p "$ENT"
cp labs/"$lab"/*.[ch] "$ENT"/ 2>/dev/null
# El primer archivo editable .c: un programa que solo corre el bucle de libuv (compila, no
# hace nada) y, después, uno que no compila.
principal=""
for a in "${archivos[@]}"; do case "$a" in *.c) principal=${principal:-$a} ;; esac; done
programa_vacio() { printf '#include <uv.h>\nint main(void)\n{\n    return uv_run(uv_default_loop(), UV_RUN_DEFAULT);\n}\n'; }
# Un programa que no acaba nunca (un temporizador que se repite): cada verificación espera a su
# límite, así que una comprobación suya dura lo que dura la más larga y sigue en marcha cuando
# se guarda otra vez.
programa_colgado() {
  printf '#include <uv.h>\nstatic void nada(uv_timer_t *t) { (void)t; }\nint main(void)\n{\n'
  printf '    uv_timer_t t;\n    uv_timer_init(uv_default_loop(), &t);\n'
  printf '    uv_timer_start(&t, nada, 1000, 1000);\n    return uv_run(uv_default_loop(), UV_RUN_DEFAULT);\n}\n'
}
programa_vacio >"$ENT/$principal"
HIST="$TMP/progreso.json"
SAL="$TMP/calificacion"
VOUT="$TMP/vigilar.txt"

# espera_texto PATRÓN VECES SEGUNDOS: hasta que $VOUT tenga VECES líneas con PATRÓN.
espera_texto() {
  local fin=$((SECONDS + $3))
  while [ "$(grep -c -- "$1" "$VOUT" 2>/dev/null)" -lt "$2" ]; do
    [ $SECONDS -ge $fin ] && return 1
    sleep 0.2
  done
}

# en_orden ARCHIVO: la primera comprobación de ARCHIVO tiene una línea ✔/✘ por verificación, en
# el orden de lab.json; la primera ✘ lleva «↑ empieza por aquí» y todas las de antes son ✔.
en_orden() {
  local nombres vistas
  nombres=$("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab" | awk -F'\t' '$2 == "verificacion" { print $5 }')
  vistas=$(awk '/Esperando cambios/ { exit } /^  (✔|✘) +[0-9]+\/[0-9]+ / { print }' "$1")
  [ "$(sed -E 's/^  (✔|✘) +[0-9]+\/[0-9]+ +//' <<<"$vistas")" = "$nombres" ] || return 1
  awk '/Esperando cambios/ { exit }
       /^  ✘/ && !x { x = 1; getline sig; exit (sig ~ /↑ empieza por aquí/ ? 0 : 1) }
       END { if (!x) exit 1 }' "$1"
}

# 1. make vigilar. Con control de trabajos (set -m) para que el proceso en segundo plano no
# nazca ignorando SIGINT, como le pasaría sin terminal; y con SIGINT por omisión (env
# --default-signal) porque make test ejecuta cada suite en segundo plano (pruebas.sh): esta
# shell ya nace ignorándolo, y lo ignorado al nacer pasa a los hijos y no se puede atrapar
# (vigilar.sh no paraba con Ctrl+C dentro de make test; en una terminal de verdad, sí).
set -m
CURSO_PRUEBAS_MARCA="$MARCA" env --default-signal=INT make --no-print-directory -s vigilar LAB="$numero" ENTREGA="$ENT" \
  SALIDA="$SAL" HISTORIAL="$HIST" >"$VOUT" 2>&1 &
vpid=$!
set +m
mkdir -p "$SAL"
echo '{"score": 7}' >"$SAL/results.json" # el de una calificación anterior: no se toca
if espera_texto "Esperando cambios" 1 90; then
  if en_orden "$VOUT" && grep -q "Pista:" "$VOUT" && grep -q "no es la nota" "$VOUT"; then
    bien "vigilar: comprueba al arrancar; todas en el orden del enunciado, la primera ✘ con su pista y las de antes ✔"
  else
    mal vigilar-inicio "vigilar: la primera comprobación no sigue el orden de lab.json o no enseña la primera que falla con su pista: $(head -c 900 "$VOUT")"
  fi
  if ! grep -qE "Lab $numero: [0-9]+/[0-9]+ puntos|Total:" "$VOUT" && [ ! -e "$HIST" ] &&
    [ "$(cat "$SAL/results.json")" = '{"score": 7}' ] && [ ! -e "$SAL/junit.xml" ]; then
    bien "vigilar: no es la nota (ningún total de puntos, ni results.json nuevo ni progreso)"
  else
    mal vigilar-nota "vigilar: imprime un total o escribe results.json o el progreso"
  fi
else
  mal vigilar-inicio "vigilar no comprobó al arrancar en 90 s: $(head -c 600 "$VOUT")"
fi
# Un archivo que no es del laboratorio no cuenta.
echo "apuntes" >"$ENT/apuntes.txt"
sleep 1.5
if [ "$(grep -c "Comprobación n.º" "$VOUT")" = 1 ]; then
  bien "vigilar: guardar un archivo que no es del laboratorio no vuelve a calificar"
else
  mal vigilar-ajeno "vigilar volvió a calificar por apuntes.txt"
fi
# Guardar el del laboratorio vuelve a comprobar; guardar otra vez, ahora sin compilar, cuando ya
# salió la primera que falla y las demás siguen en marcha, para esa comprobación. La segunda es
# de un programa colgado: con uno que sale en el acto (el de antes) sus verificaciones fallaban
# todas en un momento, y con la máquina cargada la comprobación acababa antes de que vigilar
# viera el segundo guardado (visto el 28-11-2026 con make test y dos bucles ocupados al lado):
# la prueba medía esa carrera, no si vigilar para lo que está en marcha.
programa_colgado >"$ENT/$principal"
if espera_texto "↑ empieza por aquí" 2 60; then
  printf 'int main(void) { return 0 }\n' >"$ENT/$principal"
  if espera_texto "Esperando cambios" 2 60; then
    segunda=$(awk '/Comprobación n.º 2/ { en = 1 } /Comprobación n.º 3/ { en = 0 } en' "$VOUT")
    tercera=$(awk '/Comprobación n.º 3/ { en = 1 } en' "$VOUT")
    if [[ "$segunda" != *"Verificaciones que pasan: "*" de "* ]] && [[ "$tercera" == *"✘"*"compila"* ]] &&
      [[ "$tercera" == *"Pista:"* ]] && [[ "$tercera" == *"error"* ]]; then
      bien "vigilar: guardar $principal vuelve a comprobar, y guardar mientras comprueba la para (no compila: con los mensajes y la pista)"
    else
      mal vigilar-cambio "vigilar: tras guardar dos veces, esperaba la 2.ª parada y «compila» fallida con su pista: $segunda ··· $tercera"
    fi
  else
    mal vigilar-cambio "vigilar no terminó la 3.ª comprobación tras guardar $principal: $(tail -c 600 "$VOUT")"
  fi
else
  mal vigilar-cambio "vigilar no volvió a comprobar tras guardar $principal: $(tail -c 600 "$VOUT")"
fi
# Ctrl+C en una terminal llega a todo el grupo de procesos en primer plano.
kill -INT -- "-$vpid" 2>/dev/null
fin=$((SECONDS + 10))
while kill -0 "$vpid" 2>/dev/null && [ $SECONDS -lt $fin ]; do sleep 0.1; done
if kill -0 "$vpid" 2>/dev/null; then
  mal vigilar-ctrlc "vigilar no terminó 10 s después de Ctrl+C"
  kill -KILL "$vpid" 2>/dev/null
else
  wait "$vpid"
  rc=$?
  grep -q "Fin de la vigilancia" "$VOUT" &&
    bien "vigilar: Ctrl+C lo para y se despide (make sale con $rc, como con cualquier Ctrl+C)" ||
    mal vigilar-ctrlc "vigilar no se despidió tras Ctrl+C (rc=$rc): $(tail -n 3 "$VOUT")"
fi
vivos=""
for d in /proc/[0-9]*; do
  tr '\0' '\n' 2>/dev/null <"$d/environ" | grep -qxF "CURSO_PRUEBAS_MARCA=$MARCA" &&
    vivos+="${d#/proc/} $(tr '\0' ' ' <"$d/cmdline" 2>/dev/null | cut -c1-80); "
done
[ -z "$vivos" ] && bien "vigilar: no queda ningún proceso suyo (inotifywait incluido)" ||
  mal vigilar-procesos "quedan procesos de vigilar: $vivos"

# 2. calificar --primera directamente: una solución a medias, medios prohibidos y una hostil.
primera() { # primera NOMBRE CARPETA [LAB]: la salida en $TMP/NOMBRE.txt
  CURSO_PRUEBAS_MARCA="$MARCA" "$CALIFICAR" --raiz "$RAIZ" --construccion "$B" --cc "$CC" \
    --cflags "$CALIF_CFLAGS" --libs "$CALIF_LIBS" --lab "${3:-$lab}" --entrega "$2" \
    --salida "$TMP/sal-$1" --primera >"$TMP/$1.txt" 2>&1
}
# El primer mutante con debe_fallar y sin puede_fallar en la tabla del laboratorio.
mutante=""
deben=()
for m in labs/"$lab"/.calificador/mutantes/*.patch; do
  [ -f "$m" ] || continue
  fila=$(bash autograder/herramientas/tabla-mutantes.sh fila "$lab" mutante "$(basename "$m" .patch)")
  [ "$(cut -f4 <<<"$fila")" != - ] && [ "$(cut -f5 <<<"$fila")" = - ] || continue
  mutante=$m
  read -r -a deben <<<"$(cut -f4 <<<"$fila")"
  break
done
if [ -d "solutions/$lab" ] && [ -n "$mutante" ]; then
  MED="$TMP/a-medias"
  mkdir -p "$MED"
  cp solutions/"$lab"/* "$MED"/
  sed '/^#/d' "$mutante" | (cd "$MED" && patch -s -p1)
  primera a-medias "$MED"
  # La primera de su debe_fallar en el orden de lab.json.
  esperada=$("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab" | awk -F'\t' -v d=" ${deben[*]} " \
    '$2 == "verificacion" && index(d, " " $3 " ") { print $5; exit }')
  # La primera ✘ que se queda: una que falló por la carga de la máquina (make test corre dos
  # suites a la vez) y pasó al repetirla sola sale antes como ✘ provisional, y después
  # «✔ «X» pasó al repetirla sola»; lo que el estudiante se lleva es la que sigue fallando.
  recuperadas=$(sed -n 's/^  ✔ «\(.*\)» pasó al repetirla sola.*/\1/p' "$TMP/a-medias.txt")
  primera_x=$(grep -E '^  ✘' "$TMP/a-medias.txt" | sed -E 's/^  ✘ +[0-9]+\/[0-9]+ +//' |
    grep -vxF -e "$recuperadas" -e '' | head -n1)
  if en_orden "$TMP/a-medias.txt" && [ "$primera_x" = "$esperada" ]; then
    bien "primera: con $(basename "$mutante" .patch) la primera ✘ es «$esperada» (la primera de su debe_fallar en el orden del enunciado) y las de antes ✔${recuperadas:+ (antes, ✘ provisional y pasó al repetirla sola: $(echo $recuperadas))}"
  else
    mal primera-medias "primera: con $(basename "$mutante" .patch) esperaba la primera ✘ «$esperada» y todas en orden; salió «$primera_x»: $(head -c 900 "$TMP/a-medias.txt")"
  fi
else
  salta "primera: sin solución o sin mutantes del $lab en esta copia, no hay solución a medias"
fi
MEDIOS="$TMP/medios"
mkdir -p "$MEDIOS"
printf '#include <stdlib.h>\nint main(void)\n{\n    return system("true");\n}\n' >"$MEDIOS/$principal"
primera medios "$MEDIOS"
if grep -q "no se califica" "$TMP/medios.txt" && ! grep -qE '^  ✔' "$TMP/medios.txt" &&
  grep -q "↑ empieza por aquí" "$TMP/medios.txt"; then
  bien "primera: una entrega con system() no se califica (los medios, como en make grade)"
else
  mal primera-medios "primera: una entrega con system() no dice que no se califica: $(head -c 600 "$TMP/medios.txt")"
fi
if [ "$lab" = 07-monitor-web ]; then
  HOST="$TMP/hostil"
  mkdir -p "$HOST"
  sed -e "s|@RAIZ@|$RAIZ|g" -e "s|@SALIDA@|$TMP/sal-hostil|g" autograder/hostiles/escribe.c >"$HOST/$principal"
  rm -f /tmp/HACKEADO-calificador
  antes=$(git -C "$RAIZ" status --porcelain -- labs solutions autograder common | sha256sum)
  primera hostil "$HOST"
  despues=$(git -C "$RAIZ" status --porcelain -- labs solutions autograder common | sha256sum)
  if [ "$antes" = "$despues" ] && [ ! -e "labs/$lab/HACKEADO" ] && [ ! -e autograder/HACKEADO ] &&
    [ ! -e /tmp/HACKEADO-calificador ] && ! grep -q FORJADO "$TMP/hostil.txt" &&
    [ "$(grep -cE '^  ✔' "$TMP/hostil.txt")" -le 1 ] && [ ! -e "$TMP/sal-hostil/results.json" ]; then
    bien "primera: la hostil que escribe en el repositorio y falsifica resultados no cambia nada ni suma"
  else
    mal primera-hostil "primera: la hostil escribe.c cambió algo o se le creyó: $(head -c 600 "$TMP/hostil.txt")"
  fi
fi

# Soluciones por --primera: todas ✔ (una ✘ por la carga vale si después «pasó al repetirla
# sola»). Lo que en make grade funciona tiene que funcionar por lotes: el PostgreSQL del 12, un
# demonio que arranca el calificador una vez para toda la calificación, moría barrido como
# huérfano en cada vuelta del ejecutor, y make vigilar LAB=12 no calificaba nada («no pude crear
# el papel curso»). Lo que distingue un laboratorio en los lotes es eso, un servidor que vive
# más que una verificación (postgres.sh en su calificador); los servidores de prácticas de los
# demás los arranca cada verificación y mueren con ella, como en el primero, que sí se califica
# aquí entero. Así que: el primero y los que arrancan postgres.sh. (Hasta el 03-12-2026, cada
# solución: las del 08 al 11 eran cuatro calificaciones enteras más, casi 100 s de
# prueba-vigilar, que no probaban nada de los lotes que no probara ya la del primero; su nota
# por make grade la comprueba prueba-labs.)
for l in $("$CALIFICAR" --raiz "$RAIZ" --lista | awk -F'\t' '$2 == "programa" { print $1 }' | sort); do
  [ -d "solutions/$l" ] || continue
  [ "$l" = "$lab" ] || grep -qs postgres_sh labs/"$l"/.calificador/*.c || continue
  primera "sol-$l" "solutions/$l" "$l"
  total=$("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$l" | awk -F'\t' '$2 == "verificacion"' | wc -l)
  vistas=$(awk '/^  (✔|✘) +[0-9]+\/[0-9]+ / { n++ } END { print n + 0 }' "$TMP/sol-$l.txt")
  recuperadas=$(sed -n 's/^  ✔ «\(.*\)» pasó al repetirla sola.*/\1/p' "$TMP/sol-$l.txt")
  quedan=$(grep -E '^  ✘' "$TMP/sol-$l.txt" | sed -E 's/^  ✘ +[0-9]+\/[0-9]+ +//' |
    grep -vxF -e "$recuperadas" -e '' | head -n3)
  if [ "$vistas" -ge "$total" ] && [ -z "$quedan" ] && ! grep -q 'error del calificador' "$TMP/sol-$l.txt"; then
    bien "primera: la solución del $l, todas ✔ ($total)${recuperadas:+ (✔ al repetirla sola: $(echo $recuperadas))}"
  else
    mal "primera-sol-${l:0:2}" "primera: la solución del $l no sale entera ✔ ($vistas líneas de $total; siguen ✘: ${quedan:-ninguna}): $(grep -m3 -A4 -E '^  ✘' "$TMP/sol-$l.txt" | head -c 900)"
  fi
done

# 3. El avance, solo en una terminal (y fuera de CI: aquí se quita CI, que `make test` en CI trae
# puesta; la comprobación siguiente la pone a propósito).
programa_vacio >"$ENT/$principal"
rm -f "$ENT/apuntes.txt"
orden=("$CALIFICAR" --raiz "$RAIZ" --construccion "$B" --cc "$CC" --cflags "$CALIF_CFLAGS"
  --libs "$CALIF_LIBS" --lab "$lab" --entrega "$ENT" --salida "$TMP/tty" --historial "$HIST")
env -u CI script -qfec "$(printf '%q ' "${orden[@]}")" "$TMP/tty.txt" >/dev/null 2>&1 </dev/null
if grep -aqE "⏳ Lab $numero · [0-9]+/[0-9]+ verificaciones" "$TMP/tty.txt" &&
  grep -aqE "Lab $numero: [0-9]+/[0-9]+ puntos" "$TMP/tty.txt"; then
  bien "avance: en una terminal, «⏳ Lab $numero · n/m verificaciones» y después el informe"
else
  mal avance-tty "avance: en una terminal no sale «⏳ … n/m verificaciones»: $(tr '\r' '\n' <"$TMP/tty.txt" | head -c 400)"
fi
printf 'int main(void) { return 0 }\n' >"$ENT/$principal"
CI=true script -qfec "$(printf '%q ' "${orden[@]}")" "$TMP/ci.txt" >/dev/null 2>&1 </dev/null
if ! grep -aq "⏳" "$TMP/ci.txt" && ! grep -aq "⏳ Lab" "$VOUT" "$SALIDAS/vigilar-solucion.txt" 2>/dev/null &&
  grep -aq "Lab $numero:" "$TMP/ci.txt"; then
  bien "avance: nada con CI=true ni en una tubería"
else
  mal avance-ci "avance: sale con CI=true o en una tubería"
fi

# 4. make progreso (con las dos calificaciones del avance).
tabla=$(make --no-print-directory -s progreso HISTORIAL="$HIST")
fila=$(grep -E "^$numero " <<<"$tabla")
read -r p1 m1 < <(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["labs"][sys.argv[2]]; print(e["mejor"], e["maximo"])' "$HIST" "$lab" 2>/dev/null)
if [[ "$fila" == *" 0/$m1 "*" $p1/$m1 "*"te falta: compila"* ]] && [ "${p1:-0}" -gt 0 ]; then
  bien "progreso: $numero con la última (0), la mejor ($p1/$m1) y «te falta: compila»"
else
  mal progreso-fila "progreso: la fila del $numero no dice última 0, mejor $p1 y «te falta: compila»: $fila"
fi
otros=$(grep -cE "^[0-9]{2} .*lee el enunciado" <<<"$tabla")
nlabs=$("$CALIFICAR" --raiz "$RAIZ" --lista | awk -F'\t' '$2 == "programa"' | wc -l)
[ "$otros" = $((nlabs - 1)) ] && bien "progreso: los $otros laboratorios sin calificar dicen «lee el enunciado»" ||
  mal progreso-otros "progreso: $otros de $((nlabs - 1)) laboratorios sin calificar dicen «lee el enunciado»: $tabla"
if [ -d "solutions/$lab" ]; then
  calificar_en vigilar-solucion --lab "$lab" --soluciones --historial "$HIST"
  fila=$(make --no-print-directory -s progreso HISTORIAL="$HIST" | grep -E "^$numero ")
  [[ "$fila" == *"¡completo!"* ]] && bien "progreso: con la solución, «¡completo!»" ||
    mal progreso-completo "progreso tras la solución: $fila"
fi
# make grade anota en build/progreso.json solo lo tuyo (no ENTREGA ni SOLUCIONES).
if make -n --no-print-directory _calificar LAB="$numero" | grep -q -- "--historial .*progreso.json" &&
  ! make -n --no-print-directory _calificar LAB="$numero" SOLUCIONES=1 | grep -q -- "--historial" &&
  ! make -n --no-print-directory _calificar LAB="$numero" ENTREGA="$ENT" | grep -q -- "--historial"; then
  bien "make grade anota el progreso solo cuando califica tus archivos"
else
  mal progreso-make "make grade no anota el progreso como debe (ver make -n _calificar)"
fi

resumen_final
