#!/usr/bin/env bash
# perfil-servidor.sh — lo que cuesta cada petición, contado y no cronometrado: instrucciones
# (valgrind --tool=callgrind) y llamadas al sistema (strace -c -f) del servidor de práctica y
# de nginx sirviendo GET /json bajo wrk, sin registro y con él. Estas cifras no dependen de la
# carga de la máquina (las peticiones/s de comparar-servidor.sh sí): son las que dicen dónde
# se va el tiempo. Tarda unos minutos; no forma parte de make test ni de make bench.
# Uso: perfil-servidor.sh DIR_BUILD [PETICIONES=3000]
#
# Instrucciones por petición = (total con N peticiones − total con 1) / (N − 1): así se
# descuentan el arranque y la parada. nginx corre con master_process off (un solo proceso,
# el que se mide).
set -u
dir=$1; n=${2:-3000}
source "$(dirname "$0")/comun.sh"
for h in valgrind callgrind_annotate strace wrk nginx; do
  command -v "$h" >/dev/null || { echo "falta $h" >&2; exit 1; }
done
chmod 755 "$TMP_BENCH"
mkdir -p "$TMP_BENCH/www"

# wrk deja de pedir tras `n` respuestas (entre todas sus conexiones) y deja una marca: su
# hilo principal duerme lo que diga -d pase lo que pase, así que se le despierta con SIGINT.
cat >"$TMP_BENCH/parar.lua" <<'LUA'
local cuenta, tope = 0, tonumber(os.getenv("PERFIL_PETICIONES"))
response = function()
  cuenta = cuenta + 1
  if cuenta == tope then
    io.open(os.getenv("PERFIL_MARCA"), "w"):close()
    wrk.thread:stop()
  end
end
LUA

# lanzar QUIÉN REGISTRO HERRAMIENTA… : arranca el servidor bajo la herramienta y deja su PID
# en PID_PERFIL y la URL de /json en URL_PERFIL.
lanzar() {
  local quien=$1 registro=$2 puerto d
  shift 2
  puerto=$(puerto_libre) || return 1
  d=$(mktemp -d "$TMP_BENCH/$quien.XXXX"); chmod 755 "$d"
  if [ "$quien" = curso ]; then
    local opciones=(--puerto "$puerto")
    [ "$registro" = con ] && opciones+=(--registro "$d/registro.jsonl")
    "$@" "$dir/bin/servidor-practica" "${opciones[@]}" >"$d/salida" 2>"$d/errores" &
  else
    local acceso="access_log off;"
    [ "$registro" = con ] && acceso="access_log $d/acceso.log;"
    cat >"$d/nginx.conf" <<CONF
worker_processes 1; daemon off; master_process off;
pid $d/nginx.pid; error_log $d/error.log;
events { worker_connections 4096; }
http { $acceso keepalive_requests 1000000;
  client_body_temp_path $d/t1; proxy_temp_path $d/t2; fastcgi_temp_path $d/t3;
  uwsgi_temp_path $d/t4; scgi_temp_path $d/t5;
  server { listen 127.0.0.1:$puerto; root $TMP_BENCH/www; default_type application/json; } }
CONF
    "$@" nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log" >"$d/salida" 2>"$d/errores" &
  fi
  PID_PERFIL=$!
  URL_PERFIL="http://127.0.0.1:$puerto/json"
  for _ in $(seq 600); do curl -s -o /dev/null "$URL_PERFIL" && return 0; sleep 0.05; done
  echo "$quien no arrancó bajo $1" >&2
  return 1
}

# cargar PETICIONES: wrk hasta ese número de respuestas; deja en HECHAS las que hubo (más la
# de la comprobación de arranque).
cargar() {
  local wrk_pid
  rm -f "$TMP_BENCH/marca"
  PERFIL_PETICIONES=$1 PERFIL_MARCA="$TMP_BENCH/marca" \
    wrk -t1 -c10 -d300s -s "$TMP_BENCH/parar.lua" "$URL_PERFIL" >"$TMP_BENCH/wrk.out" 2>&1 &
  wrk_pid=$!
  for _ in $(seq 3000); do [ -e "$TMP_BENCH/marca" ] && break; sleep 0.1; done
  kill -INT "$wrk_pid" 2>/dev/null
  wait "$wrk_pid"
  HECHAS=$(($(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$TMP_BENCH/wrk.out") + 1))
}

# parar: SIGINT al servidor (bajo strace, al hijo) y espera.
parar() {
  local hijo
  hijo=$(pgrep -P "$PID_PERFIL" | head -n1)
  kill -INT "${hijo:-$PID_PERFIL}" 2>/dev/null
  wait "$PID_PERFIL" 2>/dev/null
}

instrucciones() {
  callgrind_annotate "$1" 2>/dev/null | sed -n 's/^\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,
}

# Los bytes de /json para nginx, del propio servidor.
lanzar curso sin env || exit 1
curl --silent --fail "$URL_PERFIL" -o "$TMP_BENCH/www/json" || { echo "no hay /json" >&2; exit 1; }
chmod a+r "$TMP_BENCH/www/json"
parar

printf '%-8s %-13s %16s %18s\n' servidor registro "instr./petición" "llamadas/petición"
for quien in curso nginx; do
  for registro in sin con; do
    declare -A ir=() hechas=()
    for m in 1 "$n"; do
      lanzar "$quien" "$registro" valgrind --tool=callgrind --callgrind-out-file="$TMP_BENCH/cg.$quien.$registro.$m" || exit 1
      cargar "$m"; hechas[$m]=$HECHAS
      parar
      ir[$m]=$(instrucciones "$TMP_BENCH/cg.$quien.$registro.$m")
    done
    lanzar "$quien" "$registro" strace -f -c -o "$TMP_BENCH/strace.$quien.$registro" || exit 1
    cargar "$n"; hechas_s=$HECHAS
    parar
    llamadas=$(awk '$NF=="total"{print $(NF-2)}' "$TMP_BENCH/strace.$quien.$registro")
    printf '%-8s %-13s %16s %18s\n' "$quien" "$registro registro" \
      "$(awk -v a="${ir[1]}" -v b="${ir[$n]}" -v p="${hechas[1]}" -v q="${hechas[$n]}" \
        'BEGIN{ printf "%.0f", (b-a)/(q-p) }')" \
      "$(awk -v a="$llamadas" -v q="$hechas_s" 'BEGIN{ printf "%.2f", a/q }')"
  done
done
echo "(instrucciones: callgrind, sin arranque ni parada; llamadas: strace -c, incluidas las del arranque)"
