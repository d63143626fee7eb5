#!/usr/bin/env bash
# comparar-contador.sh — el contador de palabras del laboratorio 08 (solución en C sobre
# libuv) contra `LC_ALL=C wc -w` y contra el mismo programa escrito con aiofiles, como lo
# escribe el curso de Python (contador_aiofiles.py), sobre el mismo corpus y en la misma
# ejecución: los cocientes salen de medidas hechas una tras otra en la misma máquina.
#
# Uso: comparar-contador.sh DIR_BUILD [MB=1024] [REPETICIONES=2]
#
# El corpus (8 archivos que suman MB megabytes, deterministas: generar_corpus.py) se escribe
# en DIR_BUILD/bench-contador/ y se borra al terminar. Cada programa se ejecuta REPETICIONES
# veces, por turnos (más una primera ronda, sin contar, que deja el corpus en la caché de
# páginas); se da el mejor tiempo transcurrido (EPOCHREALTIME de bash) y la memoria residente
# máxima (/usr/bin/time). Objetivos: C ≤ 1,2 ×
# wc, aiofiles ≥ 10 × C, memoria de C ≤ 16 MB; se informa de ellos, no se exigen (el tiempo
# depende de la máquina). Sale con 1 si alguna cuenta no cuadra o un programa falla.
set -u
dir=$(realpath -m "$1"); mb=${2:-1024}; rep=${3:-2}
aqui=$(cd "$(dirname "$0")" && pwd)
solucion="$dir/soluciones/08-contador-palabras/contador"
python=/usr/bin/python3
corpus="$dir/bench-contador"
trap 'rm -rf "$corpus"' EXIT
trap 'exit 130' INT TERM

if ! "$python" -c 'import aiofiles' 2>/dev/null; then
  echo "falta el módulo aiofiles de $python: apt-get install python3-aiofiles (o make deps)" >&2
  exit 1
fi
if [ ! -x /usr/bin/time ]; then
  echo "falta /usr/bin/time: apt-get install time" >&2
  exit 1
fi

echo "── Contador de palabras (lab 08): C + libuv vs wc -w vs Python aiofiles, $mb MB en 8 archivos"
rm -rf "$corpus"
esperado=$("$python" "$aqui/generar_corpus.py" "$corpus" "$mb" 8) || exit 1
archivos=("$corpus"/parte*.txt)

# una NOMBRE ORDEN…: una ejecución; se queda con el mejor tiempo en T_<NOMBRE>, la mayor
# memoria (KiB) en M_<NOMBRE> y las palabras contadas en TOTAL_<NOMBRE> (la línea TOTAL, o
# la de wc). Con CALENTAR=1 no anota nada (deja el corpus en la caché de páginas).
una() {
  local nombre=$1; shift
  local salida="$corpus/$nombre.out" medida="$corpus/$nombre.time"
  local t0=$EPOCHREALTIME
  if ! /usr/bin/time -o "$medida" -f '%M' "$@" >"$salida" 2>"$corpus/$nombre.err"; then
    echo "✘ $nombre falló:" >&2; tail -n 5 "$corpus/$nombre.err" >&2
    return 1
  fi
  local t1=$EPOCHREALTIME
  [ "${CALENTAR:-0}" = 1 ] && return 0
  local t m mejor_v="T_$nombre" mem_v="M_$nombre"
  t=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b - a}')
  read -r m <"$medida"
  if [ -z "${!mejor_v:-}" ] || awk -v a="$t" -v b="${!mejor_v}" 'BEGIN{exit !(a < b)}'; then
    printf -v "$mejor_v" '%s' "$t"
  fi
  [ "$m" -gt "${!mem_v:-0}" ] && printf -v "$mem_v" '%s' "$m"
  printf -v "TOTAL_$nombre" '%s' "$(awk '/^TOTAL /{print $2} / total$/{print $1}' "$salida" | tail -n1)"
}

# Las tres, por turnos (C, wc, Python, C, wc…): si la máquina cambia de ritmo a mitad, les
# toca a las tres por igual.
ronda() {
  una c "$solucion" "${archivos[@]}" &&
    una wc env LC_ALL=C wc -w "${archivos[@]}" &&
    una py "$python" "$aqui/contador_aiofiles.py" "${archivos[@]}"
}
# El corpus recién escrito aún se está volcando al disco: primero se vuelca (sync) y se lee
# una vez, para medir lectura y cuenta y no la escritura de otro.
sync "${archivos[@]}" 2>/dev/null
CALENTAR=1 ronda || exit 1
for _ in $(seq "$rep"); do ronda || exit 1; done

fallo=0
for n in c wc py; do
  v="TOTAL_$n"
  if [ "${!v}" != "$esperado" ]; then
    echo "✘ $n contó ${!v} palabras; son $esperado" >&2
    fallo=1
  fi
done

cociente() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "∞" }'; }
mb_de() { awk -v k="$1" 'BEGIN{printf "%.1f", k / 1024}'; }
cumple() { awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN{ ok = op == "<=" ? a <= b : a >= b; print ok ? "cumple" : "NO cumple" }'; }
r_wc=$(cociente "$T_c" "$T_wc")
r_py=$(cociente "$T_py" "$T_c")
printf '  %-34s %8s s  %8s MB\n' "C + libuv (solución, -j 4)" "$T_c" "$(mb_de "$M_c")"
printf '  %-34s %8s s  %8s MB\n' "LC_ALL=C wc -w" "$T_wc" "$(mb_de "$M_wc")"
printf '  %-34s %8s s  %8s MB\n' "Python aiofiles (-j 4)" "$T_py" "$(mb_de "$M_py")"
echo "  C / wc = $r_wc (objetivo ≤ 1.2: $(cumple "$r_wc" '<=' 1.2))"
echo "  aiofiles / C = $r_py (objetivo ≥ 10: $(cumple "$r_py" '>=' 10))"
echo "  memoria de C = $(mb_de "$M_c") MB (objetivo ≤ 16: $(cumple "$(mb_de "$M_c")" '<=' 16))"
echo "  las tres cuentas: $esperado palabras$([ "$fallo" = 0 ] && echo ", iguales" || echo ": NO cuadran")"
exit "$fallo"
