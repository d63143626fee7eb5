#!/usr/bin/env bash
# postgres.sh — un PostgreSQL de usar y tirar para el curso (make bd, pruebas, calificador, bench).
#
#   postgres.sh iniciar DIR    crea el clúster en DIR si no existe (initdb) y lo arranca: escucha
#                              SOLO en 127.0.0.1, en un puerto libre, y en un socket unix dentro
#                              de DIR. Imprime la cadena de conexión (TCP) en stdout. Si ya está
#                              en marcha, solo la imprime (idempotente).
#   postgres.sh parar DIR      lo para (pg_ctl -m fast); si no está en marcha, no hace nada.
#   postgres.sh estado DIR     dice si está en marcha y cómo conectarse; código 0 si lo está, 3 si no.
#   postgres.sh conexion DIR [tcp|socket]   solo la cadena de conexión (por omisión, tcp).
#   postgres.sh ejecutar DIR ORDEN...       arranca un servidor en DIR (que debe no existir o
#                              estar vacía), ejecuta ORDEN con BD_CONEXION (TCP), BD_SOCKET
#                              (socket unix) y BD_DIR en el entorno, y SIEMPRE lo para y borra DIR
#                              al terminar: también con Ctrl+C o SIGTERM, y un vigilante lo para
#                              si a este guion lo matan con SIGKILL. Sale con el código de ORDEN.
#
# Como root, initdb se niega a correr: el servidor corre entonces como el usuario «postgres» (o
# «nobody» si no existe), dueño de DIR. Si ese usuario no puede llegar a DIR (p. ej. el curso
# está en /root, que es 700) o la ruta del socket no cabe en los 107 bytes de sun_path, el
# clúster va a una carpeta de /tmp y DIR/ubicacion dice cuál; parar y ejecutar la borran igual.
#
# El usuario de la base es «curso» y la base «curso»; autenticación trust: el servidor solo es
# alcanzable desde esta máquina y es de usar y tirar, nunca para datos que importen. fsync=off
# por lo mismo: arranca en ~1 s y escribe deprisa.
#
# Variables: POSTGRES_BIN (carpeta de initdb/pg_ctl; por omisión la de la versión más alta en
# /usr/lib/postgresql), POSTGRES_OPCIONES (más -c para el servidor, p. ej. "-c max_connections=300").
set -u

uso() {
  echo "uso: $0 iniciar|parar|estado|conexion|ejecutar DIR [...]" >&2
  exit 2
}
[ $# -ge 2 ] || uso
orden=$1
DIR=$(realpath -m "$2")
shift 2

if [ -n "${POSTGRES_BIN:-}" ]; then
  BIN=$POSTGRES_BIN
else
  BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
fi
if [ -z "$BIN" ] || [ ! -x "$BIN/pg_ctl" ]; then
  echo "postgres.sh: no encuentro PostgreSQL (initdb, pg_ctl): instálalo con «make deps»" \
    "(paquete postgresql)" >&2
  exit 1
fi

# Quién ejecuta el servidor: nosotros mismos, o un usuario sin privilegios si somos root.
if [ "$(id -u)" -eq 0 ]; then
  if id -u postgres >/dev/null 2>&1; then SERVIDOR=postgres; else SERVIDOR=nobody; fi
else
  SERVIDOR=
fi
como() {
  if [ -n "$SERVIDOR" ]; then
    (cd / && runuser -u "$SERVIDOR" -- "$@")
  else
    "$@"
  fi
}

# LOC: dónde están los datos y el socket (DIR, o la carpeta de /tmp anotada en DIR/ubicacion).
ubicacion() {
  if [ -f "$DIR/ubicacion" ]; then cat "$DIR/ubicacion"; else echo "$DIR"; fi
}

en_marcha() {
  local loc
  loc=$(ubicacion)
  [ -f "$loc/datos/PG_VERSION" ] && como "$BIN/pg_ctl" -D "$loc/datos" status >/dev/null 2>&1
}

cadena() { # cadena tcp|socket
  local loc puerto
  loc=$(ubicacion)
  puerto=$(cat "$DIR/puerto" 2>/dev/null) || return 1
  if [ "${1:-tcp}" = socket ]; then
    echo "host=$loc port=$puerto user=curso dbname=curso"
  else
    echo "host=127.0.0.1 port=$puerto user=curso dbname=curso"
  fi
}

# Prepara LOC: DIR si el usuario del servidor puede escribir en ella y el socket cabe.
preparar() {
  mkdir -p "$DIR" || return 1
  [ -f "$DIR/ubicacion" ] && [ -d "$(cat "$DIR/ubicacion")" ] && return 0
  rm -f "$DIR/ubicacion"
  local sirve=1
  # «/.s.PGSQL.65535» son 16 bytes más; sun_path admite 107 más el cero final.
  [ $((${#DIR} + 16)) -le 107 ] || sirve=0
  if [ -n "$SERVIDOR" ] && [ $sirve -eq 1 ]; then
    chown "$SERVIDOR" "$DIR" 2>/dev/null || sirve=0
    como test -w "$DIR" -a -x "$DIR" || sirve=0
  fi
  if [ $sirve -eq 0 ]; then
    local otra
    otra=$(mktemp -d /tmp/curso-bd.XXXXXX) || return 1
    [ -n "$SERVIDOR" ] && chown "$SERVIDOR" "$otra"
    chmod 755 "$otra"
    echo "$otra" >"$DIR/ubicacion"
  fi
}

iniciar() {
  preparar || { echo "postgres.sh: no puedo crear $DIR" >&2; return 1; }
  if en_marcha; then
    cadena tcp
    return 0
  fi
  local loc
  loc=$(ubicacion)
  if [ ! -f "$loc/datos/PG_VERSION" ]; then
    rm -rf "$loc/datos"
    if ! como "$BIN/initdb" -D "$loc/datos" -A trust -U curso -E UTF8 --no-locale --no-sync \
      >"$loc/initdb.log" 2>&1; then
      echo "postgres.sh: initdb falló:" >&2
      tail -n 20 "$loc/initdb.log" >&2
      return 1
    fi
    nueva=1
  fi
  # Un puerto libre: se elige al azar en la zona alta y, si otro lo ocupa, se prueba otro.
  local intento puerto arrancado=0
  for intento in 1 2 3 4 5 6 7 8; do
    puerto=$((20000 + (RANDOM * 32768 + RANDOM) % 30000))
    # Al volver a arrancar, el mismo puerto que la otra vez (la cadena no cambia) si está libre.
    if [ $intento -eq 1 ] && [ -f "$DIR/puerto" ]; then puerto=$(cat "$DIR/puerto"); fi
    # shellcheck disable=SC2086
    if como "$BIN/pg_ctl" -D "$loc/datos" -l "$loc/registro.log" -w -t 60 -s \
      -o "-c listen_addresses=127.0.0.1 -p $puerto -k $loc -c fsync=off \
          -c synchronous_commit=off -c full_page_writes=off ${POSTGRES_OPCIONES:-}" \
      start >/dev/null 2>&1; then
      arrancado=1
      break
    fi
    grep -q -e 'Address already in use' -e 'could not create any TCP/IP sockets' \
      "$loc/registro.log" 2>/dev/null || break
  done
  if [ $arrancado -eq 0 ]; then
    echo "postgres.sh: el servidor no arrancó; últimas líneas de $loc/registro.log:" >&2
    tail -n 20 "$loc/registro.log" >&2
    return 1
  fi
  echo "$puerto" >"$DIR/puerto"
  if [ "${nueva:-0}" = 1 ] || ! como "$BIN/psql" -h "$loc" -p "$puerto" -U curso -d curso \
    -Atqc 'select 1' >/dev/null 2>&1; then
    como "$BIN/createdb" -h "$loc" -p "$puerto" -U curso curso 2>/dev/null || true
  fi
  cadena tcp
}

parar() {
  [ -d "$DIR" ] || return 0
  local loc
  loc=$(ubicacion)
  if en_marcha; then
    como "$BIN/pg_ctl" -D "$loc/datos" -m fast -w -t 60 -s stop >/dev/null 2>&1 ||
      como "$BIN/pg_ctl" -D "$loc/datos" -m immediate -w -s stop >/dev/null 2>&1
  fi
  return 0
}

estado() {
  [ -d "$DIR" ] || { echo "no hay servidor en $DIR"; return 3; }
  if en_marcha; then
    echo "en marcha: $(cadena tcp)"
    echo "por socket: $(cadena socket)"
    return 0
  fi
  echo "parado (datos en $(ubicacion)/datos)"
  return 3
}

borrar() {
  [ -d "$DIR" ] || return 0
  if [ -f "$DIR/ubicacion" ]; then
    local otra
    otra=$(cat "$DIR/ubicacion")
    case "$otra" in /tmp/curso-bd.*) rm -rf "$otra" ;; esac
  fi
  rm -rf "$DIR"
}

ejecutar() {
  [ $# -ge 1 ] || uso
  if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
    echo "postgres.sh ejecutar: $DIR ya existe y no está vacía" >&2
    return 2
  fi
  # Globales a propósito: la trampa de EXIT corre cuando esta función ya terminó.
  HIJO= VIGILANTE=
  terminar() {
    trap - EXIT INT TERM HUP
    [ -n "${HIJO:-}" ] && kill -TERM "$HIJO" 2>/dev/null && wait "$HIJO" 2>/dev/null
    [ -n "${VIGILANTE:-}" ] && kill "$VIGILANTE" 2>/dev/null
    parar
    borrar
  }
  trap 'terminar; exit 130' INT
  trap 'terminar; exit 143' TERM HUP
  trap terminar EXIT
  local conexion
  conexion=$(iniciar) || return 1
  # El vigilante: si este guion muere sin poder limpiar (SIGKILL), para el servidor y borra DIR.
  local yo=$$ dir_abs=$DIR propio=$0
  (
    trap '' INT
    while kill -0 "$yo" 2>/dev/null; do sleep 1; done
    "$propio" parar "$dir_abs" >/dev/null 2>&1
    [ -f "$dir_abs/ubicacion" ] && case "$(cat "$dir_abs/ubicacion")" in
      /tmp/curso-bd.*) rm -rf "$(cat "$dir_abs/ubicacion")" ;;
    esac
    rm -rf "$dir_abs"
  ) </dev/null >/dev/null 2>&1 &
  VIGILANTE=$!
  export BD_CONEXION="$conexion" BD_SOCKET="$(cadena socket)" BD_DIR="$DIR"
  "$@" &
  HIJO=$!
  wait "$HIJO"
  local rc=$?
  HIJO=
  return $rc
}

case "$orden" in
  iniciar) iniciar ;;
  parar) parar ;;
  estado) estado ;;
  conexion) cadena "${1:-tcp}" ;;
  ejecutar) ejecutar "$@" ;;
  *) uso ;;
esac
