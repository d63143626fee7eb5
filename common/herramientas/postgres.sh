#!/usr/bin/env bash
# postgres.sh — un PostgreSQL de usar y tirar para el curso (make bd, pruebas, calificador, bench).
#
#   postgres.sh iniciar DIR    crea el clúster en DIR si no existe (initdb) y lo arranca: escucha
#                              SOLO en 127.0.0.1, en un puerto libre, y en un socket unix en
#                              DIR/socket. Imprime la cadena de conexión (TCP, papel curso) en
#                              stdout. Si ya está en marcha, solo la imprime (idempotente).
#   postgres.sh parar DIR      lo para (pg_ctl -m fast); si no está en marcha, no hace nada.
#   postgres.sh estado DIR     dice si está en marcha y cómo conectarse; código 0 si lo está, 3 si no.
#   postgres.sh conexion DIR [tcp|socket|admin]   solo la cadena de conexión (por omisión, tcp;
#                              admin: la del superusuario, por el socket, solo para quien lo arrancó).
#   postgres.sh sentencias DIR   la ruta del registro de sentencias (con POSTGRES_SENTENCIAS=1).
#   postgres.sh borrar DIR     lo para y borra DIR entera (datos incluidos), solo si la creó él.
#   postgres.sh borrar-todos CARPETA   borrar cada clúster de postgres.sh que haya dentro de
#                              CARPETA (make limpiar, antes de borrar build/): también su
#                              carpeta de /tmp/curso-bd.*, que rm -rf build no alcanza.
#   postgres.sh vigilar DIR PID   deja en segundo plano (en su propia sesión: un Ctrl+C no le
#                              llega) un vigilante que, cuando el proceso PID desaparece, para
#                              el servidor y borra DIR; imprime el PID del vigilante, que quien
#                              termina bien mata antes de borrar él mismo (lo usa el calificador).
#   postgres.sh ejecutar DIR ORDEN...       arranca un servidor en DIR (que debe no existir o
#                              estar vacía), ejecuta ORDEN con BD_CONEXION (TCP), BD_SOCKET
#                              (socket unix) y BD_DIR en el entorno, y SIEMPRE lo para y borra DIR
#                              al terminar: también con Ctrl+C o SIGTERM, y un vigilante lo para
#                              si a este guion lo matan con SIGKILL. Sale con el código de ORDEN.
#
# Como root, initdb se niega a correr: el servidor corre entonces como el usuario «postgres» (o
# «nobody» si no existe). Dentro de LOC (DIR, o una carpeta /tmp/curso-bd.XXXXXX si ese usuario
# no llega a DIR o la ruta del socket no cabe en los 107 bytes de sun_path) solo son suyas
# tres subcarpetas: datos/ (el clúster), socket/ (el socket unix, lo único que ve la caja del
# calificador) y registro/ (sus registros). DIR, LOC y los archivos de DIR (puerto, claves,
# ubicacion, .postgres-curso) son de quien llama y el servidor no puede escribir en ellos: nada
# de lo que escriba el usuario del servidor decide qué borra root (ver borrar).
#
# Dos papeles, cada uno con su contraseña al azar por clúster (DIR/claves, modo 600):
#   admin  superusuario: solo para quien arranca el clúster (el calificador, postgres.sh);
#   curso  el de los programas: sin superusuario, sin CREATEROLE/CREATEDB, sin
#          pg_execute_server_program ni pg_read/write_server_files; dueño de la base «curso».
# Autenticación por contraseña siempre (md5, también por el socket): otro usuario de la
# máquina, u otra calificación que corra a la vez, no entra sin ella. fsync=off: es de usar y
# tirar, nunca para datos que importen; arranca en ~1 s y escribe deprisa.
#
# Variables: POSTGRES_BIN (carpeta de initdb/pg_ctl; por omisión la de la versión más alta en
# /usr/lib/postgresql), POSTGRES_OPCIONES (más -c para el servidor, p. ej. "-c max_connections=300"),
# POSTGRES_SIN_TCP=1 (solo el socket unix: listen_addresses=''; lo usa el calificador),
# POSTGRES_SENTENCIAS=1 (cada sentencia, en JSON, en el archivo que da «postgres.sh sentencias DIR»),
# POSTGRES_PLANTILLA=CARPETA (initdb una sola vez: ver plantilla_copiar).
set -u
# runuser vive en /usr/sbin, que no está en el PATH de un usuario normal ni en el del calificador.
PATH="$PATH:/usr/sbin:/sbin"
umask 022

uso() {
  echo "uso: $0 iniciar|parar|estado|conexion|borrar|borrar-todos|vigilar|ejecutar DIR [...]" >&2
  exit 2
}
[ $# -ge 2 ] || uso
orden=$1
# La ruta tal cual no puede ser un enlace simbólico: DIR es siempre la carpeta que se nombró.
if [ -L "$2" ]; then
  echo "postgres.sh: $2 es un enlace simbólico: no lo uso" >&2
  exit 2
fi
DIR=$(realpath -m "$2")
shift 2
YO=$(id -u)
MARCA=.postgres-curso

# borrar-todos: cada carpeta con nuestra marca (archivo nuestro, sin seguir enlaces ni salir
# del sistema de archivos), borrada como la borraría «borrar».
if [ "$orden" = borrar-todos ]; then
  [ -d "$DIR" ] || exit 0
  rc=0
  while IFS= read -r -d '' m; do
    bash "$0" borrar "$(dirname "$m")" || rc=1
  done < <(find "$DIR" -xdev -name "$MARCA" -type f -user "$YO" -print0 2>/dev/null)
  exit $rc
fi

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
if [ "$YO" -eq 0 ]; then
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

# mio RUTA: existe, no es un enlace y es de quien ejecuta este guion.
mio() { [ -e "$1" ] && [ ! -L "$1" ] && [ "$(stat -c %u "$1")" = "$YO" ]; }

# LOC: DIR o la carpeta de /tmp anotada en DIR/ubicacion, solo si todo es nuestro: el archivo,
# su contenido exacto (/tmp/curso-bd.XXXXXX, sin «..» ni nada más) y la carpeta a la que apunta,
# con nuestra marca. Si algo no cuadra, LOC es DIR (y borrar no sale de DIR).
ubicacion() {
  local otra
  if mio "$DIR/ubicacion" && [ -f "$DIR/ubicacion" ]; then
    otra=$(head -c 200 "$DIR/ubicacion")
    if [[ "$otra" =~ ^/tmp/curso-bd\.[A-Za-z0-9]{6}$ ]] && mio "$otra" && [ -d "$otra" ] &&
      [ "$(realpath -e "$otra" 2>/dev/null)" = "$otra" ] && mio "$otra/$MARCA"; then
      echo "$otra"
      return 0
    fi
  fi
  echo "$DIR"
}

# datos_en_marcha DATOS: 0 si hay un servidor en marcha con esos datos.
datos_en_marcha() {
  [ -f "$1/PG_VERSION" ] && como "$BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

en_marcha() {
  datos_en_marcha "$(ubicacion)/datos"
}

clave() { # clave admin|curso
  mio "$DIR/claves" && sed -n "s/^$1 //p" "$DIR/claves"
}

cadena() { # cadena tcp|socket|admin
  local loc puerto
  loc=$(ubicacion)
  puerto=$(cat "$DIR/puerto" 2>/dev/null) || return 1
  case "${1:-tcp}" in
    socket) echo "host=$loc/socket port=$puerto user=curso password=$(clave curso) dbname=curso" ;;
    admin) echo "host=$loc/socket port=$puerto user=admin password=$(clave admin) dbname=curso" ;;
    *) echo "host=127.0.0.1 port=$puerto user=curso password=$(clave curso) dbname=curso" ;;
  esac
}

# Una carpeta del servidor dentro de LOC: suya, con el modo dado.
carpeta_servidor() { # carpeta_servidor RUTA MODO
  mkdir -p "$1" || return 1
  [ -n "$SERVIDOR" ] && { chown "$SERVIDOR" "$1" || return 1; }
  chmod "$2" "$1"
}

# La plantilla (POSTGRES_PLANTILLA=CARPETA): initdb cuesta 1-2 s de CPU (5-11 s de reloj en una
# máquina cargada) y el clúster recién creado es siempre igual salvo la contraseña de admin. El
# primer «iniciar» con la variable guarda en CARPETA una copia de su clúster antes de arrancarlo
# (datos/, de quien llama y modo 700: el usuario del servidor no la toca) y esa contraseña
# (CARPETA/clave, modo 600); los siguientes copian datos/ en vez de ejecutar initdb y, al crear
# los papeles, entran con la contraseña de la plantilla y le ponen a admin la suya (nueva, al
# azar). Hasta entonces el servidor solo acepta a quien lea CARPETA/clave. El calificador del
# 12 la pone en el TMPDIR de cada calificación: la comparten su pasada entera, las verificaciones
# repetidas solas y el servidor propio de «servidor_cae», nunca otra calificación.
PLANTILLA=
if [ -n "${POSTGRES_PLANTILLA:-}" ] && [ ! -L "$POSTGRES_PLANTILLA" ]; then
  PLANTILLA=$(realpath -m "$POSTGRES_PLANTILLA")
fi

# plantilla_copiar DATOS: copia la plantilla en DATOS (que no existe) y la da al servidor;
# imprime la contraseña de admin de la plantilla. Falla si no hay plantilla nuestra completa.
plantilla_copiar() {
  [ -n "$PLANTILLA" ] && [ -d "$PLANTILLA" ] && mio "$PLANTILLA" && mio "$PLANTILLA/clave" &&
    mio "$PLANTILLA/datos" && [ -f "$PLANTILLA/datos/PG_VERSION" ] || return 1
  cp -R --preserve=mode "$PLANTILLA/datos" "$1" || { rm -rf "$1"; return 1; }
  if [ -n "$SERVIDOR" ] && ! chown -R "$SERVIDOR" "$1"; then
    rm -rf "$1"
    return 1
  fi
  head -n1 "$PLANTILLA/clave"
}

# plantilla_guardar DATOS CLAVE: si se pidió plantilla y aún no la hay, guarda DATOS (recién
# salido de initdb, sin arrancar) y CLAVE. Se prepara aparte y se renombra: con dos a la vez,
# gana una y la otra se borra.
plantilla_guardar() {
  [ -n "$PLANTILLA" ] && [ ! -e "$PLANTILLA" ] || return 0
  local aparte="$PLANTILLA.$$"
  rm -rf "$aparte"
  mkdir -m 700 "$aparte" && cp -R --preserve=mode "$1" "$aparte/datos" &&
    chown -R "$YO" "$aparte" && (umask 077 && printf '%s\n' "$2" >"$aparte/clave") &&
    mv -T "$aparte" "$PLANTILLA" 2>/dev/null
  rm -rf "$aparte"
  return 0
}

# Prepara DIR (nuestra, 755, con la marca) y LOC.
preparar() {
  if [ -e "$DIR" ] && ! mio "$DIR"; then
    echo "postgres.sh: $DIR no es tuya (¿de una versión anterior del curso? bórrala con" \
      "«make limpiar»)" >&2
    return 1
  fi
  mkdir -p "$DIR" && chmod 755 "$DIR" && touch "$DIR/$MARCA" || return 1
  if [ -f "$DIR/datos/PG_VERSION" ] && [ ! -f "$DIR/claves" ]; then
    echo "postgres.sh: $DIR es un clúster de una versión anterior del curso (sin contraseñas):" \
      "bórralo con «make limpiar» o «postgres.sh borrar $DIR»" >&2
    return 1
  fi
  [ "$(ubicacion)" != "$DIR" ] && return 0
  rm -f "$DIR/ubicacion"
  local sirve=1
  # «/socket/.s.PGSQL.65535» son 23 bytes más; sun_path admite 107 más el cero final.
  [ $((${#DIR} + 23)) -le 107 ] || sirve=0
  if [ -n "$SERVIDOR" ] && [ $sirve -eq 1 ]; then
    como test -x "$DIR" || sirve=0
  fi
  if [ $sirve -eq 0 ]; then
    local otra
    otra=$(mktemp -d /tmp/curso-bd.XXXXXX) || return 1
    chmod 755 "$otra" && touch "$otra/$MARCA" || return 1
    echo "$otra" >"$DIR/ubicacion"
    # Y al revés, de quién es: después de DIR/ubicacion (ver barrer_huerfanas).
    echo "$DIR" >"$otra/origen"
  fi
}

# barrer_huerfanas: borra las carpetas /tmp/curso-bd.XXXXXX nuestras cuyo DIR (anotado en su
# «origen») ya no apunta a ellas, sin servidor en marcha. Quedan así cuando a quien arrancó el
# servidor lo matan y después se borra DIR sin «borrar»: el ejecutor borra el TMPDIR entero de
# una calificación que Criterion no terminó bien, y su vigilante, huérfano, ya lo barrió él.
# Cada una es un clúster entero (~180 MB); medido: 30 en /tmp tras un día de calificaciones del
# 12 con rutas largas. Se barren al arrancar otro servidor (iniciar). Las de
# antes de «origen» no se tocan: no se sabe de quién son.
barrer_huerfanas() {
  local otra origen
  for otra in /tmp/curso-bd.*; do
    [[ "$otra" =~ ^/tmp/curso-bd\.[A-Za-z0-9]{6}$ ]] || continue
    { mio "$otra" && [ -d "$otra" ] && mio "$otra/$MARCA" && mio "$otra/origen"; } || continue
    origen=$(head -c 4096 "$otra/origen")
    [ "$(head -c 200 "$origen/ubicacion" 2>/dev/null)" = "$otra" ] && continue
    datos_en_marcha "$otra/datos" && continue
    rm -rf --one-file-system "$otra"
  done
}

iniciar() {
  barrer_huerfanas
  preparar || { echo "postgres.sh: no puedo preparar $DIR" >&2; return 1; }
  if en_marcha; then
    cadena tcp
    return 0
  fi
  local loc
  loc=$(ubicacion)
  carpeta_servidor "$loc/socket" 755 && carpeta_servidor "$loc/registro" 700 || {
    echo "postgres.sh: no puedo crear las carpetas del servidor en $loc" >&2
    return 1
  }
  # La contraseña con la que se entra la primera vez: la de la plantilla si se copió.
  local inicial=
  if [ ! -f "$loc/datos/PG_VERSION" ]; then
    rm -rf "$loc/datos"
    local ca cc
    ca=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    cc=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    (umask 077 && printf 'admin %s\ncurso %s\n' "$ca" "$cc" >"$DIR/claves")
    if ! inicial=$(plantilla_copiar "$loc/datos") || [ -z "$inicial" ]; then
      inicial=
      carpeta_servidor "$loc/datos" 700 || return 1
      # La contraseña de admin llega a initdb en un archivo de registro/ (700, del servidor)
      # que se borra enseguida.
      printf '%s\n' "$ca" | como tee "$loc/registro/clave" >/dev/null
      como "$BIN/initdb" -D "$loc/datos" -U admin --pwfile="$loc/registro/clave" \
        -A md5 -E UTF8 --no-locale --no-sync >"$loc/initdb.log" 2>&1
      local hecho=$?
      rm -f "$loc/registro/clave"
      if [ $hecho -ne 0 ]; then
        echo "postgres.sh: initdb falló:" >&2
        tail -n 20 "$loc/initdb.log" >&2
        return 1
      fi
      plantilla_guardar "$loc/datos" "$ca"
    fi
    # Solo el socket y 127.0.0.1, y siempre con contraseña. md5 y no scram: con contraseñas al
    # azar de 192 bits da lo mismo, y scram (4096 vueltas de PBKDF2 por conexión) cuesta ~90 ms
    # por conexión en una máquina cargada: un pool que abre una por inserción no cabría en el
    # tiempo del calificador.
    printf '%s\n' 'local all all md5' 'host all all 127.0.0.1/32 md5' |
      como tee "$loc/datos/pg_hba.conf" >/dev/null
    nueva=1
  fi
  local escucha=127.0.0.1 sentencias=
  [ "${POSTGRES_SIN_TCP:-0}" = 1 ] && escucha=
  # El registro de sentencias: una línea JSON por sentencia, en registro/ (del servidor).
  [ "${POSTGRES_SENTENCIAS:-0}" = 1 ] && sentencias="-c logging_collector=on \
    -c log_destination=jsonlog -c log_directory=$loc/registro -c log_filename=sentencias.log \
    -c log_rotation_size=0 -c log_statement=all -c log_connections=on"
  # La memoria compartida dinámica, en archivos de datos/pg_dynshmem (mmap) y no en /dev/shm
  # (posix, lo de Debian): un servidor que muere sin pararse (la caja lo mata con la
  # calificación) dejaba sus segmentos «PostgreSQL.*» en /dev/shm, fuera de la carpeta que se
  # borra con él; la pasada de los hostiles de bd dejaba cuatro en cada vuelta. Con fsync=off el
  # mmap no escribe más en disco que lo que ya escribe el servidor.
  local dsm="-c dynamic_shared_memory_type=mmap"
  # Un puerto libre: se elige al azar en la zona alta y, si otro lo ocupa, se prueba otro.
  local intento puerto arrancado=0
  for intento in 1 2 3 4 5 6 7 8; do
    puerto=$((20000 + (RANDOM * 32768 + RANDOM) % 30000))
    # Al volver a arrancar, el mismo puerto que la otra vez (la cadena no cambia) si está libre.
    if [ $intento -eq 1 ] && [ -f "$DIR/puerto" ]; then puerto=$(cat "$DIR/puerto"); fi
    # shellcheck disable=SC2086
    if como "$BIN/pg_ctl" -D "$loc/datos" -l "$loc/registro/registro.log" -w -t 60 -s \
      -o "-c listen_addresses='$escucha' -p $puerto -c unix_socket_directories=$loc/socket \
          -c fsync=off -c synchronous_commit=off -c full_page_writes=off $dsm $sentencias \
          ${POSTGRES_OPCIONES:-}" \
      start >/dev/null 2>&1; then
      arrancado=1
      break
    fi
    como grep -q -e 'Address already in use' -e 'could not create any TCP/IP sockets' \
      -e 'could not create lock file' "$loc/registro/registro.log" 2>/dev/null || break
  done
  if [ $arrancado -eq 0 ]; then
    echo "postgres.sh: el servidor no arrancó; últimas líneas de $loc/registro/registro.log:" >&2
    como tail -n 20 "$loc/registro/registro.log" >&2
    return 1
  fi
  echo "$puerto" >"$DIR/puerto"
  if [ "${nueva:-0}" = 1 ]; then
    # El papel de los programas: sin ningún privilegio fuera de su base.
    # La contraseña va en el entorno (no en la línea de comandos, que ve cualquiera con ps).
    if ! PGPASSWORD=${inicial:-$(clave admin)} como "$BIN/psql" -X -q \
      -v ON_ERROR_STOP=1 -h "$loc/socket" -p "$puerto" -U admin -d postgres >/dev/null 2>&1 <<SQL
SET password_encryption = 'md5';
ALTER ROLE admin PASSWORD '$(clave admin)';
CREATE ROLE curso LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD '$(clave curso)';
CREATE DATABASE curso OWNER curso;
REVOKE ALL ON DATABASE postgres, template1 FROM PUBLIC;
SQL
    then
      echo "postgres.sh: no pude crear el papel curso" >&2
      return 1
    fi
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

# Borra LOC y DIR, solo si son nuestras y llevan nuestra marca (nunca una ruta que haya podido
# escribir otro: ubicacion() ya lo comprueba). rm -rf no sigue enlaces de dentro.
borrar() {
  [ -e "$DIR" ] || return 0
  if [ -L "$DIR" ] || [ ! -d "$DIR" ]; then
    echo "postgres.sh: $DIR no es una carpeta: no la borro" >&2
    return 1
  fi
  # Un clúster de una versión anterior del curso (DIR era del usuario del servidor): se borra
  # DIR y nada más, sin leer ninguno de sus archivos.
  if [ -n "$SERVIDOR" ] && [ "$(stat -c %U "$DIR")" = "$SERVIDOR" ] &&
    [ -f "$DIR/datos/PG_VERSION" ] && [ ! -e "$DIR/$MARCA" ]; then
    rm -rf --one-file-system "$DIR"
    return
  fi
  if ! mio "$DIR"; then
    echo "postgres.sh: $DIR no es tuya: no la borro" >&2
    return 1
  fi
  local loc
  loc=$(ubicacion)
  [ "$loc" != "$DIR" ] && rm -rf --one-file-system "$loc"
  if mio "$DIR/$MARCA" || [ -z "$(ls -A "$DIR" 2>/dev/null)" ]; then
    rm -rf --one-file-system "$DIR"
  else
    echo "postgres.sh: $DIR no la creó postgres.sh (falta $MARCA): no la borro" >&2
    return 1
  fi
}

vigilar() { # vigilar PID → imprime el PID del vigilante
  local pid=$1 propio
  propio=$(realpath "$0")
  setsid bash -c 'trap "" INT HUP
    while kill -0 "$1" 2>/dev/null; do sleep 0.5; done
    bash "$2" borrar "$3"' vigilante "$pid" "$propio" "$DIR" </dev/null >/dev/null 2>&1 &
  echo $!
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
  VIGILANTE=$(vigilar $$)
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
  sentencias) echo "$(ubicacion)/registro/sentencias.json" ;;
  borrar) parar && borrar ;;
  vigilar) [ $# -eq 1 ] || uso; vigilar "$1" ;;
  ejecutar) ejecutar "$@" ;;
  *) uso ;;
esac
