#!/usr/bin/env bash
# prueba-vigilar.sh B — el bucle del estudiante: make vigilar, make progreso y el avance en
# la terminal. Con el primer laboratorio que haya (el 07 si está):
#   1. make vigilar sobre una entrega temporal (ENTREGA=…): califica al arrancar (un programa
#      que solo corre el bucle: nota baja, la primera que falla con su pista); guardar un
#      archivo que no es del laboratorio no hace nada; guardar el del laboratorio (ahora con un
#      error de compilación) vuelve a calificar y enseña «compila» con su pista; Ctrl+C
#      (SIGINT) sale con 0 enseguida y no deja vivo ni inotifywait ni nada suyo.
#   2. make progreso: esas dos calificaciones quedaron en el historial (HISTORIAL=…): última
#      0, mejor la de antes, «te falta: compila»; los demás laboratorios, «lee el enunciado»;
#      con la solución (si está en esta copia), «¡completo!». make grade anota en
#      build/progreso.json solo cuando califica tus archivos.
#   3. el avance («⏳ Lab 07 · n/m verificaciones») sale en una terminal (script) y no en una
#      tubería ni con CI=true.
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

# 1. make vigilar. Con control de trabajos (set -m) para que el proceso en segundo plano no
# nazca ignorando SIGINT, como le pasaría sin terminal.
set -m
CURSO_PRUEBAS_MARCA="$MARCA" make --no-print-directory -s vigilar LAB="$numero" ENTREGA="$ENT" \
  SALIDA="$SAL" HISTORIAL="$HIST" >"$VOUT" 2>&1 &
vpid=$!
set +m
if espera_texto "Esperando cambios" 1 90; then
  if grep -qE "^Lab $numero: [0-9]+/[0-9]+ puntos" "$VOUT" && grep -q "↑ empieza por aquí" "$VOUT" &&
    grep -q "Pista:" "$VOUT"; then
    bien "vigilar: califica al arrancar y enseña la nota y la primera que falla con su pista"
  else
    mal vigilar-inicio "vigilar: la primera calificación no enseña nota, primera que falla y pista: $(head -c 600 "$VOUT")"
  fi
else
  mal vigilar-inicio "vigilar no calificó al arrancar en 90 s: $(head -c 600 "$VOUT")"
fi
# Un archivo que no es del laboratorio no cuenta.
echo "apuntes" >"$ENT/apuntes.txt"
sleep 1.5
if [ "$(grep -c "Calificando" "$VOUT")" = 1 ]; then
  bien "vigilar: guardar un archivo que no es del laboratorio no vuelve a calificar"
else
  mal vigilar-ajeno "vigilar volvió a calificar por apuntes.txt"
fi
printf 'int main(void) { return 0 }\n' >"$ENT/$principal"
if espera_texto "Esperando cambios" 2 60; then
  segunda=$(awk '/Calificación n.º 2/ { en = 1 } en' "$VOUT")
  if [[ "$segunda" == *"Lab $numero: 0/"* ]] && [[ "$segunda" == *"✘"*"compila"* ]] &&
    [[ "$segunda" == *"Pista:"* ]] && [[ "$segunda" == *"error"* ]]; then
    bien "vigilar: guardar $principal vuelve a calificar (no compila: 0, con los mensajes y la pista)"
  else
    mal vigilar-cambio "vigilar: tras guardar, esperaba «compila» fallida con su pista: $segunda"
  fi
else
  mal vigilar-cambio "vigilar no volvió a calificar tras guardar $principal: $(tail -c 600 "$VOUT")"
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

# 2. make progreso.
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

# 3. El avance, solo en una terminal (y fuera de CI: aquí se quita CI, que `make test` en CI trae
# puesta; la comprobación siguiente la pone a propósito).
programa_vacio >"$ENT/$principal"
rm -f "$ENT/apuntes.txt"
orden=("$CALIFICAR" --raiz "$RAIZ" --construccion "$B" --cc "$CC" --cflags "$CALIF_CFLAGS"
  --libs "$CALIF_LIBS" --lab "$lab" --entrega "$ENT" --salida "$TMP/tty")
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

resumen_final
