#!/usr/bin/env bash
# comparar-servidor.sh — el servidor de práctica contra nginx, ambos con un solo proceso de
# trabajo, medidos con wrk en la misma ejecución.
# Uso: comparar-servidor.sh DIR_BUILD [SEGUNDOS=5] [CONEXIONES=50] [RONDAS=3]
#
# Qué se compara: GET /json del servidor de práctica (un documento fijo, serializado una vez
# y servido desde memoria) contra los mismos bytes servidos por nginx desde un archivo
# estático (nginx lo abre y lo lee en cada petición: sin sendfile ni caché de archivos
# abiertos, que no están activados en esta configuración). Mide, pues, el camino HTTP de
# cada uno (leer, analizar, encaminar, cabecera, escribir), no la generación de JSON.
#
# Dos parejas, cada una en igualdad de condiciones:
#   sin registro   servidor-practica sin --registro  contra nginx con access_log off
#   con registro   servidor-practica --registro      contra nginx con access_log
# En cada ronda se mide todo una vez, alternando quién va primero; se da la mediana de las
# razones de todas las rondas. Con la máquina compartida, las peticiones/s absolutas varían
# mucho de una ejecución a otra: solo la razón, medida en la misma ronda, dice algo.
set -u
dir=$1; segundos=${2:-5}; conexiones=${3:-50}; rondas=${4:-3}
source "$(dirname "$0")/comun.sh"
command -v nginx >/dev/null || { echo "falta nginx (make deps)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "falta wrk (make deps)" >&2; exit 1; }

chmod 755 "$TMP_BENCH"
mkdir -p "$TMP_BENCH/www" "$TMP_BENCH/logs"

# El servidor de práctica, sin registro y con él (dos procesos).
arrancar_servidor "$dir/bin/servidor-practica" || exit 1
url_curso=$SERVIDOR_URL
mv "$TMP_BENCH/servidor.out" "$TMP_BENCH/servidor-sin.out"
arrancar_servidor "$dir/bin/servidor-practica" --registro "$TMP_BENCH/logs/curso.jsonl" || exit 1
url_curso_reg=$SERVIDOR_URL

curl --silent --fail "$url_curso/json" -o "$TMP_BENCH/www/json" || { echo "no hay /json" >&2; exit 1; }
chmod -R a+rX "$TMP_BENCH/www"

# arrancar_nginx NOMBRE DIRECTIVA_DE_REGISTRO: deja la URL en NGINX_URL.
arrancar_nginx() {
  local nombre=$1 registro=$2 puerto
  puerto=$(puerto_libre) || { echo "no encuentro un puerto libre" >&2; return 1; }
  mkdir -p "$TMP_BENCH/$nombre"
  cat >"$TMP_BENCH/$nombre/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $TMP_BENCH/$nombre/nginx.pid;
error_log $TMP_BENCH/logs/error-$nombre.log;
events { worker_connections 4096; }
http {
  $registro
  client_body_temp_path $TMP_BENCH/$nombre/tmp-cuerpo;
  proxy_temp_path $TMP_BENCH/$nombre/tmp-proxy;
  fastcgi_temp_path $TMP_BENCH/$nombre/tmp-fcgi;
  uwsgi_temp_path $TMP_BENCH/$nombre/tmp-uwsgi;
  scgi_temp_path $TMP_BENCH/$nombre/tmp-scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$puerto;
    root $TMP_BENCH/www;
    default_type application/json;
  }
}
CONF
  nginx -p "$TMP_BENCH/$nombre" -c "$TMP_BENCH/$nombre/nginx.conf" \
    -e "$TMP_BENCH/logs/error-$nombre.log" &
  PIDS_BENCH+=($!)
  NGINX_URL="http://127.0.0.1:$puerto"
  for _ in $(seq 100); do curl -s -o /dev/null "$NGINX_URL/json" && return 0; sleep 0.05; done
  echo "nginx ($nombre) no arrancó" >&2
  return 1
}
arrancar_nginx sin "access_log off;" || exit 1
url_nginx=$NGINX_URL
arrancar_nginx con "access_log $TMP_BENCH/logs/nginx-acceso.log;" || exit 1
url_nginx_reg=$NGINX_URL

medir() {
  wrk -t1 -c"$conexiones" -d"${segundos}s" "$1/json" 2>&1 |
    sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'
}
razon() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.1f", 100*a/b; else print 0 }'; }
mediana() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END{ if (NR%2) print v[(NR+1)/2]; else printf "%.1f\n", (v[NR/2]+v[NR/2+1])/2 }'; }

# medir_pareja URL_A URL_B RONDA: mide las dos (el orden se alterna) y deja A y B.
medir_pareja() {
  if [ $(($3 % 2)) -eq 1 ]; then A=$(medir "$1"); B=$(medir "$2")
  else B=$(medir "$2"); A=$(medir "$1"); fi
  [ -n "$A" ] && [ -n "$B" ] || { echo "wrk no dio resultados" >&2; exit 1; }
}

razones_sin=(); razones_con=()
echo "Servidor: GET /json, wrk -t1 -c$conexiones -d${segundos}s, $rondas rondas (un proceso cada uno)"
printf '  %-6s %-14s %12s %12s %8s   %s\n' ronda registro curso nginx razón "carga (1 min)"
for r in $(seq "$rondas"); do
  medir_pareja "$url_curso" "$url_nginx" "$r"
  razones_sin+=("$(razon "$A" "$B")")
  printf '  %-6s %-14s %12.0f %12.0f %7s%%   %s\n' "$r" "sin registro" "$A" "$B" \
    "${razones_sin[-1]}" "$(cut -d' ' -f1 /proc/loadavg)"
  medir_pareja "$url_curso_reg" "$url_nginx_reg" "$r"
  razones_con+=("$(razon "$A" "$B")")
  printf '  %-6s %-14s %12.0f %12.0f %7s%%   %s\n' "$r" "con registro" "$A" "$B" \
    "${razones_con[-1]}" "$(cut -d' ' -f1 /proc/loadavg)"
done
# El registro se comprueba: si el servidor no anotó nada, la pareja «con registro» no vale.
[ -s "$TMP_BENCH/logs/curso.jsonl" ] || { echo "el servidor no escribió su registro" >&2; exit 1; }
echo "  razón curso/nginx (mediana): sin registro $(mediana "${razones_sin[@]}") %," \
  "con registro $(mediana "${razones_con[@]}") %  (objetivo ≥ 80 %)"
