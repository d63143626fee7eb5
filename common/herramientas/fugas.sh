#!/usr/bin/env bash
# Comprueba fugas y errores de memoria en binarios de prueba (Criterion u otros), porque
# Criterion 2.4.1 nunca suspende una prueba por una fuga: aquí se ejecuta cada binario bajo
# la herramienta y se ANALIZAN sus informes.
#
#   fugas.sh valgrind BIN...   memcheck con --trace-children=yes (BIN: binarios de Criterion,
#                              que reciben --jobs)
#   fugas.sh asan BIN...       binarios compilados con SAN=asan (ASan + LSan + UBSan)
#
# Por qué funciona con Criterion: cada prueba corre en un proceso «trabajador» que Criterion
# (BoxFort) lanza volviendo a ejecutar el propio binario con exec. Con --trace-children=yes
# valgrind sigue ese exec, así que el cuerpo de cada prueba corre bajo memcheck y deja su
# propio informe (un archivo por proceso, --log-file=…%p). Con ASan cada proceso escribe el
# suyo en log_path. El script exige además que haya al menos un informe de trabajador:
# si no, no se habría comprobado nada.
#
# Se juzgan los informes, no el resultado de las pruebas: bajo valgrind todo va 20–50 veces
# más lento y las comprobaciones de tiempo pueden fallar; eso se avisa, pero el veredicto
# funcional es de `prueba-common`. Sí cuentan los fallos de memoria de cualquier proceso
# que lancen las pruebas (también el servidor de práctica), salvo los programas del
# sistema (/usr, /bin: FUGAS_SALTAR los cambia, patrones de --trace-children-skip).
#
# Un trabajador a la vez (FUGAS_JOBS=1, lo que Criterion elige solo cuando se ve bajo
# valgrind): con --jobs=2 el proceso principal de Criterion 2.4.1 pierde él mismo 48 bytes
# (un calloc dentro de libcriterion; medido con valgrind y con LSan), y esa fuga ajena no
# se puede suprimir en LSan sin tapar también las de las pruebas.
#
# Una prueba que muere por una señal (Criterion: «CRASH!») no cuenta como limpia: su proceso
# no llegó a la revisión de fugas. El propio comprobador se prueba en `make prueba-fugas`.
#
# Variables: FUGAS_JOBS (1), FUGAS_PARALELO (binarios a la vez, 2), FUGAS_CONSERVAR=1 (no borra la carpeta de informes),
# FUGAS_LINEAS (líneas de informe que se muestran, 40), TMPDIR (los informes van a una
# carpeta temporal dentro).
# Última línea: «resumen: …». Sale con 0 solo si todos los binarios están limpios.
set -u

uso() {
  echo "uso: $0 valgrind|asan BINARIO..." >&2
  exit 2
}
[ $# -ge 2 ] || uso
modo=$1
shift
case "$modo" in valgrind | asan) ;; *) uso ;; esac

aqui=$(cd "$(dirname "$0")" && pwd)
supresiones="$aqui/valgrind.supp"
jobs=${FUGAS_JOBS:-1}
saltar=${FUGAS_SALTAR:-/usr/*,/bin/*,/sbin/*}
lineas_informe=${FUGAS_LINEAS:-40}

if [ "$modo" = valgrind ] && ! command -v valgrind >/dev/null 2>&1; then
  echo "✘ falta valgrind (make deps)"
  echo "resumen: 0 binarios comprobados con valgrind, falta la herramienta"
  exit 1
fi

carpeta=$(mktemp -d "${TMPDIR:-/tmp}/fugas.XXXXXX") || exit 1
limpiar() { [ "${FUGAS_CONSERVAR:-0}" = 1 ] && echo "(informes conservados en $carpeta)" || rm -rf "$carpeta"; }
trap limpiar EXIT

# Enseña las primeras líneas útiles de un informe (sin la cabecera de copyright).
mostrar() {
  grep -v -E '^==[0-9]+== (Memcheck|Copyright|Using Valgrind|For lists of|$)' "$1" |
    grep -v -E '^==[0-9]+== *$' | head -n "$lineas_informe" | sed 's/^/   │ /'
}

# Valgrind: un informe por proceso. Es malo si tiene errores de memoria (lecturas o
# escrituras inválidas, saltos sobre valores sin iniciar, free doble…) o memoria perdida
# (definitely/indirectly lost: con --errors-for-leak-kinds cuentan como errores).
juzgar_valgrind() {
  local bin=$1 dir=$2 malos=0 trabajadores=0 f errores perdida
  for f in "$dir"/vg.*.log; do
    [ -e "$f" ] || continue
    if grep -q "Command: $bin\( \|$\)" "$f"; then
      trabajadores=$((trabajadores + 1))
    fi
    errores=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$f" | tail -n1)
    perdida=$(grep -E '(definitely|indirectly) lost: [1-9]' "$f" | head -n1)
    if [ -z "$errores" ]; then
      # Sin resumen: el proceso murió de golpe (SIGKILL, tiempo agotado de Criterion…).
      # Se avisa, pero no hay informe que juzgar.
      echo "   aviso: $(basename "$f") no tiene resumen (proceso terminado a la fuerza): $(grep -m1 'Command:' "$f" | sed 's/.*Command: //')"
      continue
    fi
    if [ "$errores" -gt 0 ] || [ -n "$perdida" ]; then
      malos=$((malos + 1))
      if [ $malos -eq 1 ]; then
        echo "✘ $bin: valgrind encontró errores de memoria o fugas ($errores errores${perdida:+; $(echo "$perdida" | sed 's/^==[0-9]*== *//')})"
        echo "   ┌─ $(basename "$f"): $(grep -m1 'Command:' "$f" | sed 's/.*Command: //')"
        mostrar "$f"
        echo "   └─"
      fi
    fi
  done
  # El proceso principal cuenta como uno; hace falta al menos un trabajador más.
  if [ $trabajadores -lt 2 ]; then
    echo "✘ $bin: valgrind no dejó informes de los procesos de prueba ($trabajadores informes): no se comprobó nada"
    return 1
  fi
  if [ $malos -gt 0 ]; then
    [ $malos -gt 1 ] && echo "   (y otros $((malos - 1)) procesos con informes malos)"
    return 1
  fi
  echo "✔ $bin: limpio en $trabajadores procesos"
  return 0
}

juzgar_asan() {
  local bin=$1 dir=$2 salida=$3 malos=0 f
  for f in "$dir"/asan.* "$dir"/ubsan.*; do
    [ -e "$f" ] || continue
    if grep -q -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$f"; then
      malos=$((malos + 1))
      if [ $malos -eq 1 ]; then
        echo "✘ $bin: $(grep -m1 -o -E 'ERROR: (AddressSanitizer|LeakSanitizer)[^(]*|runtime error:.*' "$f")"
        echo "   ┌─ $(basename "$f")"
        head -n "$lineas_informe" "$f" | sed 's/^/   │ /'
        echo "   └─"
      fi
    fi
  done
  # Por si algún proceso escribió el informe en su salida en vez de en log_path.
  if [ $malos -eq 0 ] && grep -q -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$salida"; then
    malos=1
    echo "✘ $bin: informe de sanitizador en la salida:"
    grep -m1 -A "$lineas_informe" -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$salida" | sed 's/^/   │ /'
  fi
  if [ $malos -gt 0 ]; then
    [ $malos -gt 1 ] && echo "   (y otros $((malos - 1)) informes)"
    return 1
  fi
  echo "✔ $bin: sin informes de ASan/LSan/UBSan"
  return 0
}

# Comprueba un binario (número `i`) y deja su veredicto en la salida; 0 si está limpio.
comprobar_uno() {
  local i=$1 bin=$2 binabs dir salida rc sintesis estrelladas veredicto limpio=0
  if [ ! -x "$bin" ]; then
    echo "✘ $bin: no existe o no es ejecutable"
    return 1
  fi
  binabs=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
  if [ "$modo" = asan ] && ! grep -q -a __asan_init "$binabs"; then
    echo "✘ $bin: no está compilado con AddressSanitizer (constrúyase con SAN=asan)"
    return 1
  fi
  dir="$carpeta/$i"
  mkdir -p "$dir"
  salida="$dir/salida.txt"
  if [ "$modo" = valgrind ]; then
    # Sin la información de las funciones en línea (--read-inline-info=no) ni el gdbserver de
    # valgrind: un informe nombra la función de fuera, con la línea de la de dentro, y cada
    # proceso arranca un 6 % más deprisa (8,2 s frente a 8,7 en test_servidor_alias, medido el
    # 04-12-2026). Aquí casi todo el coste es el arranque de casi 300 procesos.
    sup=()
    [ -f "$supresiones" ] && sup=(--suppressions="$supresiones")
    env --default-signal=INT valgrind --trace-children=yes --trace-children-skip="$saltar" --child-silent-after-fork=yes \
      --leak-check=full --show-leak-kinds=definite,indirect \
      --errors-for-leak-kinds=definite,indirect --num-callers=30 "${sup[@]}" \
      --read-inline-info=no --vgdb=no \
      --log-file="$dir/vg.%p.log" "$binabs" --jobs="$jobs" >"$salida" 2>&1
    rc=$?
  else
    ASAN_OPTIONS="handle_segv=0:detect_leaks=1:log_path=$dir/asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
    LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
    UBSAN_OPTIONS="print_stacktrace=1:log_path=$dir/ubsan${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
      env --default-signal=INT "$binabs" --jobs="$jobs" >"$salida" 2>&1
    rc=$?
  fi
  sintesis=$(grep -a 'Synthesis: Tested:' "$salida" | tail -n1 | sed 's/\x1b\[[0-9;]*m//g; s/^\[====\] //')
  if [ "$modo" = valgrind ]; then
    veredicto=$(juzgar_valgrind "$binabs" "$dir") || limpio=1
  else
    veredicto=$(juzgar_asan "$binabs" "$dir" "$salida") || limpio=1
  fi
  # Una prueba que muere por una señal («CRASH!») no llega al final: ni LSan ni valgrind
  # revisan entonces lo que perdió, y un informe sin fugas no prueba nada. No es limpia.
  # (Un tiempo agotado, «Timed out», sí es solo un aviso: bajo valgrind todo va más lento.)
  estrelladas=$(grep -a -c -E '^\[FAIL\] .*: CRASH!' "$salida")
  if [ "$estrelladas" -gt 0 ]; then
    limpio=1
    echo "✘ $bin: $estrelladas $([ "$estrelladas" = 1 ] && echo "prueba murió" || echo "pruebas murieron") por una señal bajo $modo; lo que perdieran no se pudo revisar:"
    grep -a -E '^\[FAIL\] .*: CRASH!|Unexpected signal' "$salida" | head -n 5 | sed 's/^/     /'
    veredicto=$(echo "$veredicto" | grep -v '^✔')
  fi
  [ -n "$veredicto" ] && echo "$veredicto"
  if [ "$estrelladas" -gt 0 ]; then
    :
  elif [ $rc -ne 0 ]; then
    echo "   aviso: las pruebas de $(basename "$bin") bajo $modo salieron con $rc (${sintesis:-sin línea Synthesis}); el veredicto funcional es de prueba-common"
    grep -a -E '^\[(FAIL|----)\].*(Assertion|FAIL|CRASH|Timed)' "$salida" | head -n 5 | sed 's/^/     /'
  fi
  return $limpio
}

# Los binarios son independientes: FUGAS_PARALELO a la vez (2: los núcleos de la máquina
# del curso), cada uno con un solo trabajador de Criterion (ver arriba). Los veredictos se
# escriben al final en el orden de la orden. Cada binario va en segundo plano, y un guion sin
# control de trabajos lanza lo de `&` con SIGINT ignorado: por eso valgrind y los binarios con
# ASan van con `env --default-signal=INT`, y un Ctrl+C los para en vez de dejarlos corriendo.
# Empiezan los que tienen más pruebas (las cuenta su --list, sin valgrind): cada prueba es un
# proceso nuevo bajo la herramienta, y su arranque es casi todo el coste. En el orden de la
# orden (el alfabético), los test_servidor_*, los más largos, iban al final y uno de los dos
# núcleos esperaba parado al último (CI del 02-12-2026: 368 s de CPU en 229 de reloj).
paralelo=${FUGAS_PARALELO:-2}
total=$#
orden=$(i=0
  for bin in "$@"; do
    i=$((i + 1))
    n=$("$bin" --list 2>/dev/null | grep -c '[├└]──')
    echo "${n:-0} $i"
  done | sort -k1,1nr -k2,2n | cut -d' ' -f2)
binarios=("$@")
for i in $orden; do
  (
    comprobar_uno "$i" "${binarios[$((i - 1))]}" >"$carpeta/veredicto.$i" 2>&1
    echo $? >"$carpeta/rc.$i"
  ) &
  while [ "$(jobs -rp | wc -l)" -ge "$paralelo" ]; do wait -n; done
done
wait
sucios=0
for i in $(seq 1 "$total"); do
  cat "$carpeta/veredicto.$i"
  [ "$(cat "$carpeta/rc.$i" 2>/dev/null)" = 0 ] || sucios=$((sucios + 1))
done

echo "resumen: $total binarios comprobados con $modo, $sucios con fugas o errores de memoria"
[ $sucios -eq 0 ]
