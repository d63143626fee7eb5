#!/usr/bin/env bash
# Comprueba o instala lo que el curso necesita. Cada orden de make comprueba solo lo suyo:
#
#   dependencias.sh comprobar [PERFIL]        sale con 0 si está todo lo del perfil; si no,
#                                             lista en stderr lo que falta. No instala nada.
#   dependencias.sh asegurar PERFIL [ORDEN]   lo que ejecutan `make`, `make grade`, `make test`
#                                             y `make bench` antes de empezar:
#                                             · si no falta nada, no dice ni hace nada;
#                                             · si falta algo y se puede instalar sin pedir
#                                               contraseña (root, o CI=true con sudo sin
#                                               contraseña), lo instala con apt-get;
#                                             · si no, dice qué falta y qué orden lo instala
#                                               (`make deps`) y sale con 1.
#   dependencias.sh instalar [PERFIL]         `make deps`: instala todo (o solo lo del perfil)
#                                             con apt-get (con sudo si no eres root); en macOS
#                                             remite al contenedor de desarrollo.
#
# `asegurar PERFIL` instala y exige solo los paquetes de ese perfil: `make grade` (y el
# setup.sh de Gradescope, con `asegurar grade`) no trae Chromium, Java ni nada del libro.
#
# Perfiles (qué necesita cada orden):
#   grade   `make` y `make grade`: compilador, make, pkg-config, libuv, libcurl, jansson,
#           Criterion, llhttp, bubblewrap, valgrind, strace (la observación de los medios),
#           libseccomp (el filtro de la caja) y
#           python3 (recoge las entregas: make grade ENTREGA=, Gradescope, grade-clase), y
#           PostgreSQL si existe el laboratorio 12
#   bench   `make bench`: compilador y bibliotecas, curl, wrk, nginx, python3-aiohttp,
#           python3-aiofiles y time
#   libro   `make libro`: python3, pandoc, chromium, epubcheck y qpdf
#   test    `make test`: grade + bench + libro + clang con libFuzzer, netcat, procps y PostgreSQL
#   estudiante  el contenedor de desarrollo y las raíces de la suite de plataformas: grade,
#           PostgreSQL, gdb, strace, procps, netcat, curl, python3, git, inotify-tools y bear
#           (lecciones, make vigilar, depurar y compile_commands.json; sin bench ni libro)
#   plataformas  `make prueba-plataformas`: podman, runc, mmdebstrap, zip, gdb, git, python3
#   todo    todo lo anterior (salvo plataformas) más bear (lo que instala `make deps`)
#
# Todo viene de paquetes de Debian 12 y 13 / Ubuntu; nada se descarga de otro sitio.
set -u
raiz=$(cd "$(dirname "$0")/../.." && pwd)
cd "$raiz" || exit 1

# Las órdenes se buscan también donde Debian las pone aunque no estén en el PATH de un
# usuario normal (nginx vive en /usr/sbin).
for d in /usr/local/sbin /usr/sbin /sbin; do
  case ":$PATH:" in *":$d:"*) ;; *) PATH="$PATH:$d" ;; esac
done
export PATH

# Paquetes de Debian de cada perfil. llhttp (node-llhttp o libllhttp-dev) y el runtime de
# libFuzzer (libclang-rt-NN-dev) se eligen al instalar, según lo que ofrezca la distribución.
PAQ_GRADE=(
  build-essential pkg-config make
  libuv1-dev libcurl4-openssl-dev libjansson-dev libcriterion-dev
  bubblewrap valgrind strace libseccomp-dev python3
)
PAQ_PG=(libpq-dev postgresql)
PAQ_BENCH=(curl wrk nginx-light python3 python3-aiohttp python3-asyncpg python3-aiofiles time)
PAQ_LIBRO=(python3 pandoc chromium epubcheck qpdf)
PAQ_TEST=(clang clang-format procps gdb strace netcat-openbsd inotify-tools git zip unzip tmux keyutils)
# La suite de plataformas (make prueba-plataformas): raíces de Debian con mmdebstrap y
# contenedores con podman (runc: crun no arranca con los cgroups híbridos de algunos núcleos).
PAQ_PLATAFORMAS=(podman runc mmdebstrap zip unzip python3 gdb git libcap2-bin)
# Lo que usa un estudiante además de calificar (lecciones, make vigilar, gdb, bear) y piden
# prueba-lecciones y prueba-common, sin comparaciones ni libro: lo que llevan el contenedor
# de desarrollo y las raíces de Debian de la suite de plataformas.
PAQ_LECCIONES=(procps gdb strace netcat-openbsd curl python3 git inotify-tools bear)
PAQUETES=("${PAQ_GRADE[@]}" "${PAQ_PG[@]}" "${PAQ_BENCH[@]}" "${PAQ_LIBRO[@]}" "${PAQ_TEST[@]}" bear)

# paquetes_de PERFIL: deja en PAQ_PERFIL los paquetes que instala ese perfil.
paquetes_de() {
  PAQ_PERFIL=("${PAQ_GRADE[@]}")
  case "$1" in
    grade) if compgen -G "labs/12-*/lab.json" >/dev/null; then PAQ_PERFIL+=("${PAQ_PG[@]}"); fi ;;
    bench) PAQ_PERFIL+=("${PAQ_PG[@]}" "${PAQ_BENCH[@]}") ;;
    libro) PAQ_PERFIL=("${PAQ_LIBRO[@]}") ;;
    test) PAQ_PERFIL+=("${PAQ_PG[@]}" "${PAQ_BENCH[@]}" "${PAQ_LIBRO[@]}" "${PAQ_TEST[@]}") ;;
    plataformas) PAQ_PERFIL=("${PAQ_PLATAFORMAS[@]}") ;;
    estudiante) PAQ_PERFIL+=("${PAQ_PG[@]}" "${PAQ_LECCIONES[@]}") ;;
    *) PAQ_PERFIL=("${PAQUETES[@]}") ;;
  esac
}
# Si la instalación automática falla, no se vuelve a intentar en cada `make grade`: queda
# anotado aquí y se pide `make deps`, que lo borra cuando termina bien.
INTENTO_FALLIDO="$raiz/build/.dependencias-intento-fallido"

# --- Qué falta ---------------------------------------------------------------------------
# Cada comprobación que falla añade una línea a FALTAN y su paquete de Debian a PAQ_FALTAN.
FALTAN=()
PAQ_FALTAN=()
anotar() {  # anotar DESCRIPCIÓN PAQUETE
  FALTAN+=("$1 — paquete $2")
  local p
  for p in "${PAQ_FALTAN[@]}"; do [ "$p" = "$2" ] && return 0; done
  PAQ_FALTAN+=("$2")
}

hay_orden() { command -v "$1" >/dev/null 2>&1; }

# ¿Existe el módulo de pkg-config? Sin pkg-config, se busca su archivo .pc donde suele estar
# (así, si falta pkg-config, no se dan por ausentes bibliotecas que sí están).
hay_modulo() {
  if hay_orden pkg-config; then
    pkg-config --exists "$1" 2>/dev/null
  else
    compgen -G "/usr/lib/pkgconfig/$1.pc" >/dev/null || compgen -G "/usr/lib/*/pkgconfig/$1.pc" >/dev/null ||
      compgen -G "/usr/share/pkgconfig/$1.pc" >/dev/null || compgen -G "/usr/local/lib/pkgconfig/$1.pc" >/dev/null
  fi
}

modulo() {  # modulo NOMBRE PAQUETE
  hay_modulo "$1" || anotar "la biblioteca $1 (pkg-config no encuentra $1.pc)" "$2"
}

orden() {  # orden NOMBRE PAQUETE
  hay_orden "$1" || anotar "la orden $1" "$2"
}

revisar_compilar() {
  local cc=${CC:-cc}
  cc=${cc%% *}
  if ! hay_orden "$cc"; then
    case "$cc" in
      cc | gcc | c99) anotar "el compilador de C ($cc)" build-essential ;;
      clang*) anotar "el compilador de C ($cc)" clang ;;
      *) anotar "el compilador de C que pide CC=$cc" build-essential ;;
    esac
  fi
  orden make make
  orden ar build-essential
  orden pkg-config pkg-config
  modulo libuv libuv1-dev
  modulo libcurl libcurl4-openssl-dev
  modulo jansson libjansson-dev
  # llhttp: libllhttp-dev donde existe (9.x); en Debian 12, las fuentes de node-llhttp.
  if ! hay_modulo libllhttp && [ ! -f /usr/share/llhttp/llhttp.c ]; then
    local llhttp=node-llhttp
    if hay_orden apt-cache && apt-cache show libllhttp-dev >/dev/null 2>&1; then llhttp=libllhttp-dev; fi
    anotar "llhttp (ni libllhttp.pc ni /usr/share/llhttp/llhttp.c)" "$llhttp"
  fi
}

revisar_postgresql() {
  modulo libpq libpq-dev
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null ||
    anotar "PostgreSQL (no hay /usr/lib/postgresql/*/bin/initdb)" postgresql
}

revisar_grade() {
  revisar_compilar
  modulo criterion libcriterion-dev
  # La caja de arena y las fugas: bubblewrap y valgrind solo existen en Linux.
  if [ "$(uname -s)" = Linux ]; then
    orden bwrap bubblewrap
    orden valgrind valgrind
    orden strace strace # la observación de los medios (autograder/lib/observar.c)
    modulo libseccomp libseccomp-dev # el filtro seccomp de la caja (autograder/base/filtro.c)
  fi
  # El ejecutor recoge las entregas con autograder/herramientas/recoger.py.
  [ -x /usr/bin/python3 ] || anotar "/usr/bin/python3 (recoge las entregas)" python3
  # PostgreSQL solo hace falta para calificar cuando existe el laboratorio 12.
  if compgen -G "labs/12-*/lab.json" >/dev/null; then revisar_postgresql; fi
}

revisar_bench() {
  orden curl curl
  orden wrk wrk
  orden nginx nginx-light
  if [ ! -x /usr/bin/python3 ]; then
    anotar "/usr/bin/python3" python3
  elif ! /usr/bin/python3 -c 'import aiohttp' 2>/dev/null; then
    anotar "el módulo aiohttp de /usr/bin/python3" python3-aiohttp
  fi
  if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import asyncpg' 2>/dev/null; then
    anotar "el módulo asyncpg de /usr/bin/python3 (bench/basedatos)" python3-asyncpg
  fi
  revisar_postgresql
  if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import aiofiles' 2>/dev/null; then
    anotar "el módulo aiofiles de /usr/bin/python3" python3-aiofiles
  fi
  [ -x /usr/bin/time ] || anotar "/usr/bin/time" time
}

# El libro (make libro): pandoc escribe el sitio y el EPUB, Chromium imprime el PDF y lo
# prueba, epubcheck (Java) valida el EPUB y qpdf lee el índice del PDF.
revisar_libro() {
  [ -x /usr/bin/python3 ] || anotar "/usr/bin/python3" python3
  orden pandoc pandoc
  hay_orden chromium || hay_orden chromium-browser || anotar "la orden chromium" chromium
  [ -f /usr/share/java/epubcheck.jar ] || anotar "epubcheck (/usr/share/java/epubcheck.jar)" epubcheck
  orden java epubcheck
  orden qpdf qpdf
}

revisar_test() {
  revisar_grade
  revisar_bench
  revisar_libro
  revisar_postgresql
  orden nc netcat-openbsd
  orden pgrep procps
  orden ps procps
  orden clang-format clang-format
  orden tmux tmux # prueba-terminal: cerrar la terminal de cada orden larga
  orden npm npm  # prueba-libro: npm ci instala axe-core (common/libro/package-lock.json) en build/
  # La lección 11 ejecuta sus ejemplos bajo gdb y strace.
  orden gdb gdb
  orden strace strace
  # make vigilar (inotifywait) y las herramientas del profesorado (edición, Gradescope).
  orden inotifywait inotify-tools
  orden git git
  orden zip zip
  orden unzip unzip
  orden keyctl keyutils # prueba-autograder: una clave en el anillo de sesión de quien califica
  orden soffice libreoffice-calc-nogui; orden sim_c similarity-tester  # prueba-clase: la hoja de notas en LibreOffice y las entregas parecidas
  # libFuzzer: clang necesita su runtime (libclang-rt-NN-dev en Debian 12).
  if ! hay_orden clang; then
    anotar "la orden clang (para libFuzzer)" clang
  elif ! echo 'int LLVMFuzzerTestOneInput(const char*d,long n){(void)d;(void)n;return 0;}' |
      clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then
    local v
    v=$(clang -dumpversion 2>/dev/null)
    anotar "el runtime de libFuzzer de clang" "libclang-rt-${v%%.*}-dev"
  fi
}

# make prueba-plataformas: raíces de Debian y contenedores (además de lo de make grade, que
# se comprueba aparte, y de gdb y python3 para probar la configuración del editor).
revisar_plataformas() {
  orden podman podman
  orden runc runc
  orden mmdebstrap mmdebstrap
  orden capsh libcap2-bin
  orden zip zip
  orden unzip unzip
  orden gdb gdb
  orden git git
  [ -x /usr/bin/python3 ] || anotar "/usr/bin/python3" python3
}

# revisar PERFIL: deja en FALTAN lo que falta para ese perfil.
revisar() {
  FALTAN=()
  PAQ_FALTAN=()
  case "$1" in
    grade) revisar_grade ;;
    bench) revisar_compilar; revisar_bench ;;
    test) revisar_test ;;
    libro) revisar_libro ;;
    todo) revisar_test; orden bear bear ;;
    plataformas) revisar_plataformas ;;
    estudiante) revisar_grade; revisar_postgresql; orden gdb gdb; orden strace strace; orden pgrep procps; orden inotifywait inotify-tools
      orden bear bear; orden nc netcat-openbsd; orden curl curl; orden git git; [ -x /usr/bin/python3 ] || anotar "/usr/bin/python3" python3 ;;
    *) echo "dependencias.sh: perfil desconocido «$1» (grade, bench, test, libro, plataformas o todo)" >&2; exit 2 ;;
  esac
  # Sin duplicados (una misma orden puede venir de dos perfiles).
  if [ ${#FALTAN[@]} -gt 0 ]; then
    mapfile -t FALTAN < <(printf '%s\n' "${FALTAN[@]}" | awk '!visto[$0]++')
  fi
  [ ${#FALTAN[@]} -eq 0 ]
}

listar_faltan() {
  local f
  for f in "${FALTAN[@]}"; do echo "  ✘ $f"; done
}

# --- Instalar ----------------------------------------------------------------------------
# ¿Se puede instalar sin que nadie teclee una contraseña? Como root, sí. Con sudo solo en CI
# (CI=true) y si sudo no pide contraseña (-n no pregunta nunca): en el portátil de un
# estudiante, instalar paquetes del sistema es decisión suya (`make deps`).
sin_contrasena() {
  [ "$(uname -s)" = Linux ] && hay_orden apt-get || return 1
  [ "$(id -u)" -eq 0 ] && return 0
  [ "${CI:-}" = true ] && hay_orden sudo && sudo -n true 2>/dev/null
}

# instalar [PERFIL]: instala con apt-get los paquetes de ese perfil (todo, si no se dice).
instalar() {
  local perfil=${1:-todo}
  paquetes_de "$perfil"
  if [ "$(uname -s)" = Darwin ]; then
    echo "En macOS el curso se usa dentro del contenedor de desarrollo (.devcontainer/): ver"
    echo "«En macOS o Windows» en el README. Para compilar los ejemplos fuera de él:"
    echo "  brew install libuv curl jansson criterion libpq llhttp pkg-config wrk nginx python"
    return 0
  fi
  if ! hay_orden apt-get; then
    echo "No encuentro apt-get: instala con el gestor de paquetes de tu sistema el equivalente de:" >&2
    echo "  ${PAQ_PERFIL[*]} node-llhttp (o libllhttp-dev)" >&2
    return 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if ! hay_orden sudo; then
      echo "Para instalar paquetes hace falta ser root o tener sudo. Pide a quien administre" >&2
      echo "la máquina que ejecute, como root, «make deps» en una copia del curso o:" >&2
      echo "  apt-get install --no-install-recommends ${PAQ_PERFIL[*]} node-llhttp" >&2
      return 1
    fi
    sudo="sudo"
  fi
  echo "Instalando dependencias del curso ($perfil) con apt-get…"
  $sudo apt-get update -q || return 1
  local extra=()
  # llhttp: libllhttp-dev donde existe (Debian 13: 9.x); en Debian 12, las fuentes de
  # node-llhttp. Solo lo piden los perfiles que compilan.
  if [ "$perfil" != libro ] && [ "$perfil" != plataformas ]; then
    if apt-cache show libllhttp-dev >/dev/null 2>&1; then extra+=(libllhttp-dev); else extra+=(node-llhttp); fi
  fi
  # El runtime de libFuzzer se llama distinto según la versión de clang.
  if [ "$perfil" = test ] || [ "$perfil" = todo ]; then
    local vclang
    vclang=$(apt-cache depends clang 2>/dev/null | sed -n 's/.*Depends: clang-\([0-9]*\)$/\1/p' | head -n1)
    if [ -n "$vclang" ] && apt-cache show "libclang-rt-$vclang-dev" >/dev/null 2>&1; then
      extra+=("libclang-rt-$vclang-dev")
    fi
  fi
  # Que la instalación no arranque servicios (nginx, postgresql): el curso los arranca
  # él mismo, en puertos efímeros y solo mientras los necesita.
  local politica=/usr/sbin/policy-rc.d creada=0
  if [ ! -e "$politica" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$politica" >/dev/null && $sudo chmod +x "$politica" && creada=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
    "${PAQ_PERFIL[@]}" "${extra[@]}"
  local rc=$?
  [ $creada -eq 1 ] && $sudo rm -f "$politica"
  [ $rc -eq 0 ] || return $rc
  if revisar "$perfil"; then
    rm -f "$INTENTO_FALLIDO"
    return 0
  fi
  echo "Instalado, pero aún falta:" >&2
  listar_faltan >&2
  return 1
}

# --- asegurar: lo que hacen make, make grade, make test y make bench ----------------------
asegurar() {
  local perfil=$1 que=${2:-make $1}
  revisar "$perfil" && return 0

  if sin_contrasena && [ ! -e "$INTENTO_FALLIDO" ]; then
    echo "$que: falta lo siguiente y se instala ahora con apt-get (sin pedir contraseña):"
    listar_faltan
    if instalar "$perfil" && revisar "$perfil"; then
      return 0
    fi
    mkdir -p "$(dirname "$INTENTO_FALLIDO")" && date '+%F %T' >"$INTENTO_FALLIDO"
    echo "$que: la instalación automática no terminó bien (ver arriba); no se volverá a" >&2
    echo "intentar sola. Cuando lo arregles, instala con: make deps" >&2
    return 1
  fi

  {
    echo "$que: faltan dependencias del curso:"
    listar_faltan
    if [ "$(uname -s)" = Darwin ]; then
      echo "Mira cómo instalarlas con: make deps"
    else
      echo "Instálalas una sola vez con:"
      echo "    make deps"
      if [ "$(id -u)" -ne 0 ]; then
        echo "(usa apt-get con sudo y te pedirá tu contraseña; sin sudo, pide a quien administre"
        echo " la máquina estos paquetes: ${PAQ_FALTAN[*]})"
      fi
    fi
    if [ -e "$INTENTO_FALLIDO" ]; then
      echo "La instalación automática ya falló una vez ($(cat "$INTENTO_FALLIDO")) y no se repite sola."
    fi
  } >&2
  return 1
}

case "${1:-comprobar}" in
  comprobar)
    revisar "${2:-todo}" && exit 0
    listar_faltan >&2
    exit 1
    ;;
  asegurar)
    [ $# -ge 2 ] || { echo "uso: $0 asegurar grade|bench|test|libro|plataformas|todo [ORDEN]" >&2; exit 2; }
    asegurar "$2" "${3:-}"
    ;;
  instalar)
    perfil=${2:-todo}
    if revisar "$perfil"; then
      rm -f "$INTENTO_FALLIDO"
      echo "Dependencias ($perfil): todo instalado."
      exit 0
    fi
    instalar "$perfil"
    ;;
  *) echo "uso: $0 comprobar [PERFIL] | asegurar PERFIL [ORDEN] | instalar [PERFIL]" >&2; exit 2 ;;
esac
