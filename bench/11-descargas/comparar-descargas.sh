#!/usr/bin/env bash
# comparar-descargas.sh — el gestor de descargas del laboratorio 11 (solución en C sobre libuv)
# contra `curl --parallel` y contra la versión aiohttp que escribiría el curso de Python
# (descargas_aiohttp.py), bajando los mismos archivos del servidor de práctica en la misma
# ejecución. Mide con /usr/bin/time el tiempo transcurrido y la memoria residente máxima de cada
# uno (el mejor de REPETICIONES) y da los cocientes.
#
# Uso: comparar-descargas.sh DIR_BUILD [ARCHIVOS=5] [MB=200] [REPETICIONES=3]
#
# Los archivos van a una carpeta dentro de DIR_BUILD (no a /tmp, que puede ser pequeño) y se
# borran en cuanto se han comparado: como mucho hay 2 × ARCHIVOS × MB en el disco. Sale con 1
# si algo falla (un programa que no sale con 0, un archivo distinto del de curl).
set -u
dir=$1; archivos=${2:-5}; mb=${3:-200}; rep=${4:-3}
aqui=$(cd "$(dirname "$0")" && pwd)
source "$aqui/../comun.sh"
solucion="$dir/soluciones/11-descargas/descargas"
python=/usr/bin/python3
datos=$(mktemp -d "$dir/bench-descargas.XXXXXX")
trap 'rm -rf "$datos"; limpiar_bench' EXIT

arrancar_servidor "$dir/bin/servidor-practica" || exit 1
bytes=$((mb * 1000000))
urls=()
for i in $(seq "$archivos"); do
  urls+=("$SERVIDOR_URL/bytes/$bytes?seed=$i&digest=no")
done

# medir NOMBRE CARPETA ORDEN…: ejecuta la orden con /usr/bin/time; deja en T_<NOMBRE> el
# mejor tiempo transcurrido (s) y en M_<NOMBRE> la mayor memoria residente (KiB) de las
# repeticiones. Vacía CARPETA antes de cada una.
medir() {
  local nombre=$1 carpeta=$2; shift 2
  local mejor="" pico=0 t m
  for _ in $(seq "$rep"); do
    rm -rf "$carpeta"; mkdir -p "$carpeta"
    if ! /usr/bin/time -f "%e %M" -o "$TMP_BENCH/tiempo" "$@" >"$TMP_BENCH/$nombre.out" 2>&1; then
      echo "$nombre falló:" >&2; tail -5 "$TMP_BENCH/$nombre.out" >&2
      return 1
    fi
    read -r t m <"$TMP_BENCH/tiempo"
    if [ -z "$mejor" ] || awk -v a="$t" -v b="$mejor" 'BEGIN{exit !(a<b)}'; then mejor=$t; fi
    [ "$m" -gt "$pico" ] && pico=$m
  done
  printf -v "T_$nombre" '%s' "$mejor"
  printf -v "M_$nombre" '%s' "$pico"
}

# iguales CARPETA: cada f<i> de CARPETA es idéntico al de curl.
iguales() {
  local i
  for i in $(seq 0 $((archivos - 1))); do
    if ! cmp -s "$datos/curl/f$i" "$1/f$i"; then
      echo "$1/f$i no es igual al que bajó curl" >&2
      return 1
    fi
  done
}

echo "== Descargas: $archivos archivos de $mb MB a la vez desde el servidor de práctica (mejor de $rep) =="
curl_args=(--parallel --parallel-max "$archivos" -s -S --fail --noproxy '*')
for i in $(seq 0 $((archivos - 1))); do curl_args+=(-o "$datos/curl/f$i" "${urls[$i]}"); done
medir curl "$datos/curl" curl "${curl_args[@]}" || exit 1
[ "$(stat -c %s "$datos/curl/f0")" = "$bytes" ] || { echo "curl no bajó $bytes bytes" >&2; exit 1; }

sol_args=(-c "$archivos" -d "$datos/c")
for i in $(seq 0 $((archivos - 1))); do sol_args+=("f$i=${urls[$i]}"); done
medir c "$datos/c" "$solucion" "${sol_args[@]}" || exit 1
iguales "$datos/c" || exit 1
rm -rf "$datos/c"

medir py "$datos/py" "$python" "$aqui/descargas_aiohttp.py" "$archivos" "$datos/py" "${urls[@]}" || exit 1
iguales "$datos/py" || exit 1
rm -rf "$datos/py" "$datos/curl"

total=$((archivos * mb))
printf '%-34s %16s %10s %12s\n' "" "transcurrido (s)" "MB/s" "RSS máx (MB)"
fila() { printf '%-34s %16s %10s %12s\n' "$1" "$2" "$(awk -v b="$total" -v t="$2" 'BEGIN{printf "%.0f", b/t}')" "$(awk -v k="$3" 'BEGIN{printf "%.1f", k/1024}')"; }
fila "solución C (libuv + curso/http.h)" "$T_c" "$M_c"
fila "curl --parallel" "$T_curl" "$M_curl"
fila "Python (aiohttp, como el curso)" "$T_py" "$M_py"
echo
echo "solución / curl (tiempo transcurrido):    $(cociente "$T_c" "$T_curl")×   (objetivo ≤ 1.1)"
echo "aiohttp / solución (tiempo transcurrido): $(cociente "$T_py" "$T_c")×   (objetivo ≥ 3)"
echo "RSS máx de la solución:                    $(awk -v k="$M_c" 'BEGIN{printf "%.1f", k/1024}') MB   (objetivo ≤ 32)"
