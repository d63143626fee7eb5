# comun.sh — funciones compartidas por las comparaciones (se carga con `source`).
# Arranca el servidor de práctica, busca puertos libres, mide tiempos y limpia al salir.

# nginx vive en /usr/sbin, que no está en el PATH de un usuario normal.
for d in /usr/local/sbin /usr/sbin /sbin; do
  case ":$PATH:" in *":$d:"*) ;; *) PATH="$PATH:$d" ;; esac
done
export PATH

TMP_BENCH=$(mktemp -d "${TMPDIR:-/tmp}/curso-bench.XXXXXX")
PIDS_BENCH=()
limpiar_bench() {
  for p in "${PIDS_BENCH[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS_BENCH[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$TMP_BENCH"
}
trap limpiar_bench EXIT
trap 'exit 130' INT TERM

# arrancar_servidor BIN [OPCIONES…]: deja la URL en SERVIDOR_URL.
arrancar_servidor() {
  # Vaciado antes de lanzar (la redirección la hace el hijo): si no, la espera podría leer la
  # URL de un servidor anterior ya parado (la misma clase que bench/09-sala-de-chat/comparar-chat.sh).
  : >"$TMP_BENCH/servidor.out"
  "$1" --puerto 0 "${@:2}" >"$TMP_BENCH/servidor.out" 2>"$TMP_BENCH/servidor.err" &
  PIDS_BENCH+=($!)
  for _ in $(seq 100); do
    SERVIDOR_URL=$(head -n1 "$TMP_BENCH/servidor.out" 2>/dev/null)
    case "$SERVIDOR_URL" in http://*) return 0 ;; esac
    sleep 0.05
  done
  echo "el servidor de práctica no arrancó:" >&2; cat "$TMP_BENCH/servidor.err" >&2
  return 1
}

# puerto_libre: un puerto donde nadie escucha, por debajo de los efímeros del sistema
# (ip_local_port_range). Dentro de ese rango, uno sin nadie escuchando puede ser el puerto
# local de una conexión de otro proceso (las suites de make test van a la vez), y el bind de
# nginx fallaba con «Address already in use» (un ensayo de CI del 28-11-2026). Por debajo solo
# choca con otro que lo haya elegido igual: quien lo usa reintenta con otro (arrancar_nginx).
puerto_libre() {
  local p bajo=32768
  read -r bajo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || bajo=32768
  [ "$bajo" -gt 11000 ] || bajo=32768
  for _ in $(seq 50); do
    p=$((10000 + RANDOM % (bajo - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

ahora() { date +%s.%N; }
resta() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", b-a}'; }
# cociente A B → «A/B» con dos decimales (cuántas veces B cabe en A)
cociente() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "∞" }'; }
minimo() { printf '%s\n' "$@" | sort -g | head -n1; }
maximo() { printf '%s\n' "$@" | sort -g | tail -n1; }
