#!/usr/bin/env bash
# comparar-cliente.sh — el cliente HTTP del curso contra `curl --parallel` y aiohttp, en la
# misma ejecución y contra el mismo servidor de práctica.
# Uso: comparar-cliente.sh DIR_BUILD [N=1000] [SIMULTANEAS=50] [REPETICIONES=3]
# Cada par descarga N veces /bytes/1024 con SIMULTANEAS a la vez; se toma el mejor tiempo de
# las repeticiones (el menos perturbado por el resto de la máquina).
set -u
dir=$1; n=${2:-1000}; k=${3:-50}; rep=${4:-5}
source "$(dirname "$0")/comun.sh"
arrancar_servidor "$dir/bin/servidor-practica" || exit 1
url="$SERVIDOR_URL/bytes/1024"

for _ in $(seq "$n"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$url"; done >"$TMP_BENCH/curl.conf"

t_curso=(); t_curl=(); t_py=()
for _ in $(seq "$rep"); do
  salida=$("$dir/bench/cliente_http" "$url" "$n" "$k") || { echo "el cliente del curso falló" >&2; exit 1; }
  t_curso+=("$(echo "$salida" | sed -n 's/^segundos=\([0-9.]*\).*/\1/p')")

  i=$(ahora)
  curl --silent --show-error --fail --parallel --parallel-max "$k" --config "$TMP_BENCH/curl.conf" \
    2>"$TMP_BENCH/curl.err" || { echo "curl falló:" >&2; cat "$TMP_BENCH/curl.err" >&2; exit 1; }
  t_curl+=("$(resta "$i" "$(ahora)")")

  salida=$(/usr/bin/python3 "$(dirname "$0")/cliente_aiohttp.py" "$url" "$n" "$k") ||
    { echo "aiohttp falló" >&2; exit 1; }
  t_py+=("$(echo "$salida" | sed -n 's/^segundos=\([0-9.]*\).*/\1/p')")
done

curso=$(minimo "${t_curso[@]}"); curl_t=$(minimo "${t_curl[@]}"); py=$(minimo "${t_py[@]}")
echo "Cliente HTTP: $n × /bytes/1024, $k a la vez (mejor de $rep)"
printf '  %-28s %8.3f s\n' "curso (libcurl multi + libuv)" "$curso" \
                           "curl --parallel (CLI)" "$curl_t" \
                           "Python aiohttp" "$py"
echo "  razón curl/curso:    $(cociente "$curl_t" "$curso")×  (objetivo ≥ 1: no más lento que curl)"
echo "  razón aiohttp/curso: $(cociente "$py" "$curso")×  (objetivo ≥ 3)"
