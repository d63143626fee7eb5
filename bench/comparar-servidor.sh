#!/usr/bin/env bash
# comparar-servidor.sh — el servidor de práctica contra nginx sirviendo el mismo JSON desde un
# archivo, ambos con un solo proceso de trabajo, medidos con wrk en la misma ejecución.
# Uso: comparar-servidor.sh DIR_BUILD [SEGUNDOS=5] [CONEXIONES=50]
set -u
dir=$1; segundos=${2:-5}; conexiones=${3:-50}
source "$(dirname "$0")/comun.sh"
arrancar_servidor "$dir/bin/servidor-practica" || exit 1
command -v nginx >/dev/null || { echo "falta nginx (make deps)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "falta wrk (make deps)" >&2; exit 1; }

chmod 755 "$TMP_BENCH"
mkdir -p "$TMP_BENCH/www" "$TMP_BENCH/logs"
curl --silent --fail "$SERVIDOR_URL/json" -o "$TMP_BENCH/www/json" || { echo "no hay /json" >&2; exit 1; }
chmod -R a+rX "$TMP_BENCH/www"
puerto=$(puerto_libre) || { echo "no encuentro un puerto libre" >&2; exit 1; }
cat >"$TMP_BENCH/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $TMP_BENCH/nginx.pid;
error_log $TMP_BENCH/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $TMP_BENCH/tmp-cuerpo;
  proxy_temp_path $TMP_BENCH/tmp-proxy;
  fastcgi_temp_path $TMP_BENCH/tmp-fcgi;
  uwsgi_temp_path $TMP_BENCH/tmp-uwsgi;
  scgi_temp_path $TMP_BENCH/tmp-scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$puerto;
    root $TMP_BENCH/www;
    default_type application/json;
  }
}
CONF
nginx -p "$TMP_BENCH" -c "$TMP_BENCH/nginx.conf" -e "$TMP_BENCH/logs/error.log" &
PIDS_BENCH+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$puerto/json" && break; sleep 0.05; done

medir() {
  wrk -t1 -c"$conexiones" -d"${segundos}s" "$1" 2>&1 | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'
}
rps_curso=$(medir "$SERVIDOR_URL/json")
rps_nginx=$(medir "http://127.0.0.1:$puerto/json")
[ -n "$rps_curso" ] && [ -n "$rps_nginx" ] || { echo "wrk no dio resultados" >&2; exit 1; }
echo "Servidor: GET /json, wrk -t1 -c$conexiones -d${segundos}s (un proceso cada uno)"
printf '  %-28s %10.0f peticiones/s\n' "servidor-practica" "$rps_curso" "nginx (archivo estático)" "$rps_nginx"
echo "  razón curso/nginx:   $(awk -v a="$rps_curso" -v b="$rps_nginx" 'BEGIN{printf "%.0f %%", 100*a/b}')  (objetivo ≥ 50 %)"
