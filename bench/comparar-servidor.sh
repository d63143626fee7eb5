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
# mucho de una ejecución a otra: solo la razón, medida en la misma ronda, dice algo. Además
# de las peticiones/s se da el tiempo de CPU (usuario + sistema, de /proc) que gasta cada
# servidor por petición: depende poco de la carga de la máquina, y es la cifra estable.
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

# arrancar_nginx NOMBRE DIRECTIVA_DE_REGISTRO: deja la URL en NGINX_URL. Hasta tres puertos:
# entre mirar que uno está libre y el bind de nginx, otro proceso puede tomarlo.
arrancar_nginx() {
  local intento
  for intento in 1 2 3; do
    arrancar_nginx_en "$@" && return 0
    echo "nginx ($1): otro puerto (intento $intento)" >&2
  done
  return 1
}

arrancar_nginx_en() {
  local nombre=$1 registro=$2 puerto pid
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
  pid=$!
  NGINX_URL="http://127.0.0.1:$puerto"
  for _ in $(seq 100); do
    if curl -s -o /dev/null "$NGINX_URL/json"; then
      PIDS_BENCH+=("$pid")
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break # no pudo escuchar (el puerto ya era de otro)
    sleep 0.05
  done
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  echo "nginx ($nombre) no arrancó" >&2
  return 1
}
arrancar_nginx sin "access_log off;" || exit 1
url_nginx=$NGINX_URL
arrancar_nginx con "access_log $TMP_BENCH/logs/nginx-acceso.log;" || exit 1
url_nginx_reg=$NGINX_URL

# tics_cpu PID: tiempo de CPU (usuario + sistema) gastado por el proceso, en tics del reloj.
tics_cpu() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# medir URL PID: deja en RPS las peticiones/s de wrk y en CPU los µs de CPU del proceso PID
# por petición. Con la máquina cargada, las peticiones/s dependen de cuánta CPU le toque a
# cada uno; la CPU por petición depende mucho menos (es la evidencia estable).
medir() {
  local antes despues salida n hz
  hz=$(getconf CLK_TCK)
  antes=$(tics_cpu "$2")
  salida=$(wrk -t1 -c"$conexiones" -d"${segundos}s" "$1/json" 2>&1)
  despues=$(tics_cpu "$2")
  RPS=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$salida")
  n=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$salida")
  CPU=$(awk -v a="$antes" -v d="$despues" -v n="${n:-0}" -v hz="$hz" \
    'BEGIN{ if (n>0) printf "%.2f", (d-a)*1e6/hz/n; else print 0 }')
}
razon() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.1f", 100*a/b; else print 0 }'; }
mediana() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END{ if (NR%2) print v[(NR+1)/2]; else printf "%.1f\n", (v[NR/2]+v[NR/2+1])/2 }'; }

# medir_pareja URL_A PID_A URL_B PID_B RONDA: mide las dos (el orden se alterna) y deja las
# razones A/B de peticiones/s en R_RPS y de eficiencia (CPU de B / CPU de A) en R_CPU.
medir_pareja() {
  local rps_a cpu_a rps_b cpu_b
  if [ $(($5 % 2)) -eq 1 ]; then
    medir "$1" "$2"; rps_a=$RPS; cpu_a=$CPU
    medir "$3" "$4"; rps_b=$RPS; cpu_b=$CPU
  else
    medir "$3" "$4"; rps_b=$RPS; cpu_b=$CPU
    medir "$1" "$2"; rps_a=$RPS; cpu_a=$CPU
  fi
  [ -n "$rps_a" ] && [ -n "$rps_b" ] || { echo "wrk no dio resultados" >&2; exit 1; }
  R_RPS=$(razon "$rps_a" "$rps_b"); R_CPU=$(razon "$cpu_b" "$cpu_a")
  printf '  %-6s %-13s %9.0f %9.0f %7s%%   %8s %8s %7s%%   %s\n' "$5" "$6" "$rps_a" "$rps_b" \
    "$R_RPS" "$cpu_a" "$cpu_b" "$R_CPU" "$(cut -d' ' -f1 /proc/loadavg)"
}

# El proceso que atiende: el servidor de práctica es el de PIDS_BENCH; en nginx, su único
# proceso de trabajo (hijo del maestro).
trabajador_nginx() { pgrep -P "$1" | head -n1; }
pid_curso=${PIDS_BENCH[0]}; pid_curso_reg=${PIDS_BENCH[1]}
pid_nginx=$(trabajador_nginx "${PIDS_BENCH[2]}"); pid_nginx_reg=$(trabajador_nginx "${PIDS_BENCH[3]}")
[ -n "$pid_nginx" ] && [ -n "$pid_nginx_reg" ] || { echo "no encuentro los trabajadores de nginx" >&2; exit 1; }

rps_sin=(); rps_con=(); cpu_sin=(); cpu_con=()
echo "Servidor: GET /json, wrk -t1 -c$conexiones -d${segundos}s, $rondas rondas (un proceso cada uno)"
printf '  %-6s %-13s %9s %9s %8s   %8s %8s %8s   %s\n' ronda registro "curso/s" "nginx/s" razón \
  "µs curso" "µs nginx" "razón" "carga (1 min)"
for r in $(seq "$rondas"); do
  medir_pareja "$url_curso" "$pid_curso" "$url_nginx" "$pid_nginx" "$r" "sin registro"
  rps_sin+=("$R_RPS"); cpu_sin+=("$R_CPU")
  medir_pareja "$url_curso_reg" "$pid_curso_reg" "$url_nginx_reg" "$pid_nginx_reg" "$r" "con registro"
  rps_con+=("$R_RPS"); cpu_con+=("$R_CPU")
done
# El registro se comprueba: si el servidor no anotó nada, la pareja «con registro» no vale.
[ -s "$TMP_BENCH/logs/curso.jsonl" ] || { echo "el servidor no escribió su registro" >&2; exit 1; }
echo "  Medianas (curso/nginx; objetivo ≥ 80 %):"
echo "    peticiones/s:                       sin registro $(mediana "${rps_sin[@]}") %, con registro $(mediana "${rps_con[@]}") %"
echo "    eficiencia (CPU nginx / CPU curso): sin registro $(mediana "${cpu_sin[@]}") %, con registro $(mediana "${cpu_con[@]}") %"
