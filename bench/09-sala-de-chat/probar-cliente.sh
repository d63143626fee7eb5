#!/usr/bin/env bash
# probar-cliente.sh — el cliente de ejemplo del laboratorio 09 funciona de verdad: dos clientes
# guionizados (stdin por tubería) contra la solución; el segundo ve el mensaje del primero,
# /list y la despedida, y los dos terminan solos con código 0.
# Uso: probar-cliente.sh DIR_BUILD
set -u
dir=$1
aqui=$(cd "$(dirname "$0")" && pwd)
source "$aqui/../comun.sh"
cliente="$dir/labs/09-sala-de-chat/cliente_chat"
solucion="$dir/soluciones/09-sala-de-chat/chat"

"$solucion" --puerto 0 >"$TMP_BENCH/chat.out" 2>"$TMP_BENCH/chat.err" &
pid=$!
PIDS_BENCH+=("$pid")
for _ in $(seq 100); do grep -q '^Escuchando' "$TMP_BENCH/chat.out" 2>/dev/null && break; sleep 0.05; done
puerto=$(sed -n '1s/^Escuchando en 127.0.0.1:\([0-9]*\)$/\1/p' "$TMP_BENCH/chat.out")
[ -n "$puerto" ] || { echo "la solución no arrancó" >&2; exit 1; }

# beto entra y espera; ana entra, saluda y se va; beto pide la lista y se va.
{ printf 'beto\n'; sleep 1.2; printf '/list\n/quit\n'; } |
  "$cliente" --puerto "$puerto" >"$TMP_BENCH/beto.out" 2>"$TMP_BENCH/beto.err" &
pid_beto=$!
PIDS_BENCH+=("$pid_beto")
sleep 0.4
{ printf 'ana\r\nhola, beto\n'; sleep 0.3; printf '/quit\n'; } |
  "$cliente" --puerto "$puerto" >"$TMP_BENCH/ana.out" 2>"$TMP_BENCH/ana.err"
rc_ana=$?
wait "$pid_beto"
rc_beto=$?
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc_chat=$?

fallos=0
espera() { # espera ARCHIVO LÍNEA
  if ! grep -qxF -- "$2" "$1"; then
    echo "✘ falta «$2» en la salida de $(basename "$1" .out):" >&2
    sed 's/^/    /' "$1" >&2
    fallos=$((fallos + 1))
  fi
}
espera "$TMP_BENCH/ana.out" "* Hola, ana. Órdenes: /list, /quit"
espera "$TMP_BENCH/ana.out" "* ¡Adiós, ana!"
espera "$TMP_BENCH/beto.out" "* ana ha entrado en la sala"
espera "$TMP_BENCH/beto.out" "ana: hola, beto"
espera "$TMP_BENCH/beto.out" "* ana ha salido de la sala"
espera "$TMP_BENCH/beto.out" "* Conectados (1): beto"
espera "$TMP_BENCH/beto.out" "* ¡Adiós, beto!"
for par in "ana:$rc_ana" "beto:$rc_beto" "servidor:$rc_chat"; do
  if [ "${par#*:}" != 0 ]; then
    echo "✘ ${par%%:*} terminó con código ${par#*:} (debe ser 0)" >&2
    fallos=$((fallos + 1))
  fi
done
if [ "$fallos" -gt 0 ]; then
  cat "$TMP_BENCH"/*.err >&2
  exit 1
fi
echo "Cliente de ejemplo: dos sesiones guionizadas contra la solución, salida correcta"
