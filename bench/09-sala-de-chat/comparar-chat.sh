#!/usr/bin/env bash
# comparar-chat.sh — la sala de chat del laboratorio 09 (solución en C sobre libuv) contra el
# mismo protocolo servido con asyncio (chat_asyncio.py), en la misma ejecución y medidos con el
# mismo generador de carga (carga_chat, C sobre libuv).
#
# Uso: comparar-chat.sh DIR_BUILD [CLIENTES=200] [MENSAJES=50] [CALLADOS=10000] [REPETICIONES=2]
#
#  1. Difusión: CLIENTES clientes mandan MENSAJES mensajes cada uno; cuenta las entregas
#     (CLIENTES × (CLIENTES−1) × MENSAJES) y da entregas/s (mejor de REPETICIONES).
#  2. Memoria: CALLADOS clientes conectados que no dicen nada; VmRSS de cada servidor.
# Cada medida arranca servidores nuevos. Sale con 1 si algo falla (entregas perdidas,
# repetidas o desordenadas, un servidor que no arranca, o la solución que no sale con 0).
set -u
dir=$1; clientes=${2:-200}; mensajes=${3:-50}; callados=${4:-10000}; rep=${5:-2}
aqui=$(cd "$(dirname "$0")" && pwd)
source "$aqui/../comun.sh"
carga="$dir/bench/carga_chat"
solucion="$dir/soluciones/09-sala-de-chat/chat"
python=/usr/bin/python3

# 10 000 conexiones necesitan 10 000 descriptores en cada proceso: subimos el límite blando
# hasta el duro (los hijos lo heredan).
duro=$(ulimit -Hn)
ulimit -n "$duro" 2>/dev/null
necesarios=$((callados + 64))
if [ "$duro" != unlimited ] && [ "$duro" -lt "$necesarios" ]; then
  echo "aviso: el límite de descriptores es $duro; se miden $((duro - 64)) clientes callados" >&2
  callados=$((duro - 64))
fi

# arrancar_chat NOMBRE ORDEN…: lanza un servidor con --puerto 0 y deja su PID y su PUERTO en
# PID_<NOMBRE> y PUERTO_<NOMBRE>.
arrancar_chat() {
  local nombre=$1; shift
  # Vaciado aquí, antes de lanzar: la redirección de abajo la hace el hijo, y con la máquina
  # cargada el bucle de espera podía leer aún la línea «Escuchando» del servidor anterior
  # (ya parado) y conectar a su puerto: «connection refused» (visto en un ensayo de CI).
  : >"$TMP_BENCH/$nombre.out"
  "$@" --puerto 0 >"$TMP_BENCH/$nombre.out" 2>"$TMP_BENCH/$nombre.err" &
  local pid=$!
  PIDS_BENCH+=("$pid")
  local linea=""
  for _ in $(seq 100); do
    linea=$(head -n1 "$TMP_BENCH/$nombre.out" 2>/dev/null)
    case "$linea" in "Escuchando en 127.0.0.1:"*) break ;; esac
    sleep 0.05
  done
  case "$linea" in
    "Escuchando en 127.0.0.1:"*) ;;
    *) echo "el servidor $nombre no arrancó:" >&2; cat "$TMP_BENCH/$nombre.err" >&2; return 1 ;;
  esac
  printf -v "PID_$nombre" '%s' "$pid"
  printf -v "PUERTO_$nombre" '%s' "${linea##*:}"
}

# parar_chat NOMBRE: SIGINT y espera; deja el código de salida en CODIGO.
parar_chat() {
  local pid_var="PID_$1"
  kill -INT "${!pid_var}" 2>/dev/null
  wait "${!pid_var}"
  CODIGO=$?
}

# campo CLAVE TEXTO: el valor de «clave=valor» en una línea de carga_chat.
campo() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | tail -n1; }

fallo=0

# --- 1. Difusión --------------------------------------------------------------------------
mejor_c=0; mejor_py=0; seg_c=0; seg_py=0
for _ in $(seq "$rep"); do
  for cual in c py; do
    if [ $cual = c ]; then arrancar_chat c "$solucion" || exit 1
    else arrancar_chat py "$python" "$aqui/chat_asyncio.py" || exit 1; fi
    puerto_var="PUERTO_$cual"
    salida=$("$carga" --puerto "${!puerto_var}" --clientes "$clientes" --mensajes "$mensajes" \
      --limite 600) || { echo "la carga contra el servidor $cual falló: $salida" >&2; fallo=1; }
    parar_chat $cual
    if [ $cual = c ] && [ "$CODIGO" != 0 ]; then
      echo "la solución en C salió con $CODIGO tras SIGINT (debe ser 0)" >&2; fallo=1
    fi
    ps=$(campo por_segundo "$salida"); s=$(campo segundos "$salida")
    [ -n "$ps" ] || { fallo=1; continue; }
    if [ $cual = c ] && awk -v a="$ps" -v b="$mejor_c" 'BEGIN{exit !(a>b)}'; then mejor_c=$ps; seg_c=$s; fi
    if [ $cual = py ] && awk -v a="$ps" -v b="$mejor_py" 'BEGIN{exit !(a>b)}'; then mejor_py=$ps; seg_py=$s; fi
  done
done

# --- 2. Memoria con clientes callados ---------------------------------------------------
rss() {
  arrancar_chat "$1" "${@:2}" || return 1
  local pid_var="PID_$1" puerto_var="PUERTO_$1"
  local salida
  salida=$("$carga" --puerto "${!puerto_var}" --inactivos "$callados" --pid "${!pid_var}" --limite 300) ||
    { echo "la prueba de memoria contra $1 falló: $salida" >&2; fallo=1; }
  parar_chat "$1"
  RSS=$(campo rss_kb "$salida"); RSS0=$(campo rss_inicial_kb "$salida")
}
rss c "$solucion"; rss_c=${RSS:-0}; rss0_c=${RSS0:-0}
rss py "$python" "$aqui/chat_asyncio.py"; rss_py=${RSS:-0}; rss0_py=${RSS0:-0}

# --- Tabla -----------------------------------------------------------------------------
entregas=$((clientes * (clientes - 1) * mensajes))
mb() { awk -v k="$1" 'BEGIN{printf "%.1f MB", k/1024}'; }
por_cliente() { awk -v a="$1" -v b="$2" -v n="$callados" 'BEGIN{ if (n>0) printf "%.1f kB", (a-b)/n; else print "-" }'; }
echo "Sala de chat: $clientes clientes × $mensajes mensajes = $entregas entregas (mejor de $rep)"
printf '  %-26s %14s %11s\n' "servidor" "entregas/s" "tiempo"
printf '  %-26s %14.0f %9.3f s\n' "curso (C + libuv)" "$mejor_c" "$seg_c" \
                                 "Python asyncio" "$mejor_py" "$seg_py"
echo "  razón C/asyncio: $(cociente "$mejor_c" "$mejor_py")×  (objetivo ≥ 10×)"
echo "Memoria con $callados clientes conectados y callados (VmRSS del servidor)"
printf '  %-26s %10s   (al arrancar %s; %s por cliente)\n' \
  "curso (C + libuv)" "$(mb "$rss_c")" "$(mb "$rss0_c")" "$(por_cliente "$rss_c" "$rss0_c")" \
  "Python asyncio" "$(mb "$rss_py")" "$(mb "$rss0_py")" "$(por_cliente "$rss_py" "$rss0_py")"
echo "  razón asyncio/C: $(cociente "$rss_py" "$rss_c")×  (objetivo: C ≤ 100 MB)"
if [ "$fallo" != 0 ]; then
  echo "✘ la comparación tuvo errores (ver arriba)"; exit 1
fi
