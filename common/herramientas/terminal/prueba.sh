#!/usr/bin/env bash
# prueba.sh B — `make prueba-terminal`: nada nuestro sobrevive a su terminal.
#
# Cada orden que un estudiante deja corriendo (make vigilar, make vigilar-practica, make
# practica, make grade, make servidor) se abre en una sesión de tmux como orden de la ventana
# («cd … && make …»: el líder de la sesión es el sh que la ejecuta, que muere con el SIGHUP sin
# pasárselo a nadie; así sobrevivía todo), se espera a que esté trabajando de verdad y se
# cierra con `tmux kill-session`. Después
# no puede quedar ningún proceso con la marca de este caso en su entorno ni ninguno que nombre
# su carpeta temporal, y cada una tiene que haber corrido detrás de mientras-terminal. El
# mecanismo se prueba aparte con una orden terca (ignora SIGHUP y deja un proceso en otra
# sesión), con y sin mientras-terminal: sin él tiene que quedar algo, o la prueba no probaría
# nada. (Con make, lo que sobrevive depende de en qué punto lo pille el cierre: en una de
# cada pocas veces quedaba un calificar a medias, adoptado por init.)
# Última línea: «resumen: N comprobaciones, P pasan, F fallan».
set -u
RAIZ=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$RAIZ" || exit 1
B=${1:-build}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prueba-terminal.XXXXXX")
chmod 755 "$TMP"
pasan=0
fallan=0
SESIONES=()
SOCKET=prueba-terminal-$$ # un servidor de tmux propio: nunca el de quien ejecuta la prueba

# pids MARCA: los procesos con la marca en su entorno o que nombran la carpeta del caso. Un
# solo grep por lista (con la máquina cargada, un tr y un grep por proceso tardaban más que
# el plazo entero).
pids() {
  {
    grep -lsxzF "CURSO_PRUEBAS_MARCA=$1" /proc/[0-9]*/environ
    grep -lsaF "$TMP/$1" /proc/[0-9]*/cmdline
  } | sed -n 's|^/proc/\([0-9]*\)/.*|\1|p' | grep -vx "$$" | sort -u
}
vivos() { pids "$1" | wc -l; }
# matar MARCA: lo que quede de un caso (solo los que esta prueba arrancó).
matar() {
  local p
  for p in $(pids "$1"); do kill -KILL "$p" 2>/dev/null; done
}
limpiar() {
  local s
  for s in "${SESIONES[@]}"; do tmux -L "$SOCKET" kill-session -t "$s" 2>/dev/null; done
  for s in "${SESIONES[@]}"; do matar "$s"; done
  # Y el servidor de tmux con su socket: el socket queda en la carpeta de tmux (no en $TMPDIR) y
  # no se borraba (en /tmp/tmux-0 quedaban prueba-terminal-PID de cada ejecución).
  tmux -L "$SOCKET" kill-server 2>/dev/null
  local carpeta="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)"
  rm -f "$carpeta/$SOCKET"
  rmdir "$carpeta" 2>/dev/null
  rm -rf "$TMP"
}
trap limpiar EXIT

# en_marcha MARCA PATRÓN SEGUNDOS: espera a que un proceso del caso tenga PATRÓN en su línea
# de órdenes (la orden está trabajando de verdad, no solo arrancando).
en_marcha() {
  local limite=$((SECONDS + $3)) p
  while [ $SECONDS -lt $limite ]; do
    for p in $(pids "$1"); do
      tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | grep -qE "$2" && return 0
    done
    sleep 0.3
  done
  return 1
}

# caso NOMBRE PATRÓN ESPERADO ORDEN…: ESPERADO es «nada» (no queda nada, y la orden corría
# detrás de mientras-terminal) o «algo» (el testigo sin mientras-terminal: tiene que quedar
# algo, o esta prueba no probaría nada). Con CIERRE=ctrl-c, en vez de cerrar la terminal se
# pulsa Ctrl+C en ella. Con APARTE=si (como root, con la salida en una carpeta que la caja
# no alcanza), el ejecutor trabaja en una copia aparte en el TMPDIR del caso: tiene que estar
# antes de cerrar y haberse borrado después (antes quedaban en /tmp: el ejecutor moría en
# seco).
caso() {
  local nombre=$1 patron=$2 esperado=$3
  shift 3
  local marca="t$$-$nombre" orden
  SESIONES+=("$marca")
  # Sus temporales, en su carpeta: lo que quede de una orden matada a medias se va con $TMP.
  mkdir -p "$TMP/$marca/tmp"
  printf -v orden '%q ' "$@"
  tmux -L "$SOCKET" new-session -d -s "$marca" -x 200 -y 50 \
    "cd $(printf %q "$RAIZ") && CURSO_PRUEBAS_MARCA=$marca TMPDIR=$(printf %q "$TMP/$marca/tmp") $orden"
  # Primero mientras-terminal y después el trabajo: antes de él corre a veces un make interno
  # cuya línea de órdenes ya nombra lo mismo que PATRÓN (el `make -k …/calificador` de make
  # vigilar), y con la máquina cargada releer los makefiles pasaba de los 5 s que se le daban.
  local fallo=""
  if [ "$esperado" = nada ] && ! en_marcha "$marca" '^[^ ]*mientras-terminal ' 120; then
    fallo="no corría detrás de mientras-terminal (no apareció en 120 s)"
  elif ! en_marcha "$marca" "$patron" 120; then
    fallo="no llegó a estar en marcha («$patron» no apareció en 120 s)"
  fi
  if [ -n "$fallo" ]; then
    echo "  ✘ $nombre: $fallo"
    tmux -L "$SOCKET" capture-pane -p -t "$marca" 2>/dev/null | tail -5 | sed 's/^/      /'
    fallan=$((fallan + 1))
    tmux -L "$SOCKET" kill-session -t "$marca" 2>/dev/null
    matar "$marca"
    return
  fi
  sleep 1
  local antes copia=""
  antes=$(vivos "$marca")
  if [ "${APARTE:-no}" = si ]; then
    copia=$(find "$TMP/$marca/tmp" -maxdepth 1 -name 'calificar-curso-*' | head -n1)
    if [ -z "$copia" ]; then
      echo "  ✘ $nombre: con la salida cerrada a la caja, no trabajaba en una copia aparte en su TMPDIR ($TMP/$marca/tmp)"
      fallan=$((fallan + 1))
      tmux -L "$SOCKET" kill-session -t "$marca" 2>/dev/null
      matar "$marca"
      return
    fi
  fi
  local cierre="cerrar la terminal"
  if [ "${CIERRE:-}" = ctrl-c ]; then
    cierre="pulsar Ctrl+C"
    tmux -L "$SOCKET" send-keys -t "$marca" C-c
  else
    tmux -L "$SOCKET" kill-session -t "$marca" 2>/dev/null
  fi
  local despues=$antes limite=$((SECONDS + 10))
  while :; do
    despues=$(vivos "$marca")
    [ "$despues" -eq 0 ] || [ $SECONDS -ge $limite ] && break
    sleep 0.5
  done
  tmux -L "$SOCKET" kill-session -t "$marca" 2>/dev/null
  if [ -n "$copia" ] && [ -e "$copia" ]; then
    echo "  ✘ $nombre: la copia aparte ($copia) sigue ahí después de $cierre"
    fallan=$((fallan + 1))
  elif [ "$esperado" = nada ] && [ "$despues" -eq 0 ] && [ "$antes" -gt 0 ]; then
    echo "  ✔ $nombre: $antes procesos antes de $cierre, ninguno después${copia:+; la copia aparte, borrada}"
    pasan=$((pasan + 1))
  elif [ "$esperado" = algo ] && [ "$despues" -gt 0 ]; then
    echo "  ✔ $nombre: sin mientras-terminal quedan $despues procesos vivos (la prueba tiene dientes)"
    pasan=$((pasan + 1))
  else
    echo "  ✘ $nombre: $antes procesos antes de $cierre, $despues a los 10 s (se esperaba: $esperado)"
    fallan=$((fallan + 1))
  fi
  matar "$marca"
}

command -v tmux >/dev/null || { echo "prueba-terminal: falta tmux (make deps)"; echo "resumen: 1 comprobaciones, 0 pasan, 1 fallan"; exit 1; }
echo "prueba-terminal: cerrar la terminal para todo lo que arrancó"
puerto=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$TMP/entrega07"
cp labs/07-monitor-web/*.c "$TMP/entrega07/"
M="make --no-print-directory B=$B"
# El mecanismo, con una orden que ignora SIGHUP y deja un proceso en otra sesión (como los
# servidores del calificador): con mientras-terminal no queda nada; sin él, queda (testigo).
terca='setsid sleep 300 & trap "" HUP; sleep 300'
caso mecanismo 'sleep 300' nada "$B/bin/mientras-terminal" sh -c "$terca"
caso testigo 'sleep 300' algo sh -c "$terca"
# Como root, la salida de make vigilar y make grade en una carpeta que el usuario de la caja
# no alcanza (0700, como /root): el ejecutor trabaja entonces en una copia aparte
# (runner/alcance.c), que tiene que borrar también cuando lo interrumpen.
SALIDAS=$TMP
aparte=no
if [ "$(id -u)" = 0 ]; then
  SALIDAS=$TMP/cerrada
  mkdir -p "$SALIDAS"
  chmod 700 "$SALIDAS"
  aparte=si
fi
# shellcheck disable=SC2086
{
  APARTE=$aparte caso vigilar 'calificador' nada $M vigilar LAB=07 ENTREGA="$TMP/entrega07" SALIDA="$SALIDAS/t$$-vigilar/salida"
  APARTE=$aparte caso grade 'calificador' nada $M grade LAB=07 ENTREGA="$TMP/entrega07" SALIDA="$SALIDAS/t$$-grade/salida"
  # Ctrl+C a mitad de make grade: para todo, borra lo suyo y lo dice.
  mkdir -p "$TMP/t$$-ctrl-c"
  dicho="$TMP/t$$-ctrl-c/salida.txt"
  APARTE=$aparte CIERRE=ctrl-c caso ctrl-c 'calificador' nada sh -c '"$@" >"$0" 2>&1' "$dicho" \
    $M grade LAB=07 ENTREGA="$TMP/entrega07" SALIDA="$SALIDAS/t$$-ctrl-c/salida"
  if grep -q 'calificación interrumpida (Ctrl+C)' "$dicho" 2>/dev/null; then
    echo "  ✔ ctrl-c: dice «calificación interrumpida (Ctrl+C)»"
    pasan=$((pasan + 1))
  else
    echo "  ✘ ctrl-c: no dice «calificación interrumpida (Ctrl+C)»: $(tail -c 400 "$dicho" 2>/dev/null)"
    fallan=$((fallan + 1))
  fi
  caso vigilar-practica 'lessons/02-' nada $M vigilar-practica L=02
  caso practica 'lessons/06-' nada $M practica L=06
  caso servidor 'servidor-practica --puerto' nada $M servidor PUERTO="$puerto"
}
echo "resumen: $((pasan + fallan)) comprobaciones, $pasan pasan, $fallan fallan"
[ "$fallan" -eq 0 ]
