#!/usr/bin/env bash
# Comprueba o instala lo que el curso necesita. Cada objetivo de make comprueba solo lo suyo:
#
#   dependencias.sh comprobar [PERFIL]        sale con 0 si está todo lo del perfil; si no,
#                                             lista en stderr lo que falta. No instala nada.
#   dependencias.sh asegurar PERFIL [ORDEN]   lo que ejecutan `make`, `make grade`, `make test`
#                                             y `make bench` antes de empezar:
#                                             · si no falta nada, no dice ni hace nada;
#                                             · si falta algo y se puede instalar sin pedir
#                                               contraseña (root, o CI=true con sudo sin
#                                               contraseña), lo instala con apt-get;
#                                             · si no, dice qué falta y con qué se instala
#                                               (`make deps`) y sale con 1.
#   dependencias.sh instalar [PERFIL]         `make deps`: instala lo que falte de todo (o solo
#                                             del perfil) con apt-get (con sudo si no eres
#                                             root); en macOS remite al contenedor de desarrollo.
#   dependencias.sh paquetes [PERFIL]         los paquetes de Debian que instala el perfil, uno
#                                             por línea (los que se eligen según la distribución,
#                                             ya elegidos si hay apt-cache).
#   dependencias.sh comprobaciones [PERFIL]   lo que comprueba el perfil (la columna QUÉ de la
#                                             tabla), una por línea.
#
# Una sola fuente de verdad: la tabla DEPENDENCIAS (más abajo) da, para cada cosa que se
# comprueba (una orden, un módulo de pkg-config, un archivo, un módulo de Python), el paquete
# de Debian que la instala y los perfiles que la necesitan. Comprobar un perfil es recorrer sus
# líneas; la lista que instala es la columna de paquetes de esas mismas líneas: no puede haber
# una comprobación sin su instalación (lo prueba common/herramientas/prueba-dependencias.sh).
#
# `asegurar PERFIL` instala y exige solo los paquetes de ese perfil: `make grade` (y el
# setup.sh de Gradescope, con `asegurar grade`) no trae Chromium, Java ni nada del libro.
#
# Perfiles (qué necesita cada objetivo; los que incluyen otros, en incluye()):
#   grade   `make` y `make grade`: compilador, make, pkg-config, libuv, libcurl, jansson,
#           Criterion, llhttp, bubblewrap, valgrind, strace (la observación de los medios),
#           libseccomp (el filtro de la caja) y python3 (recoge las entregas: make grade
#           ENTREGA=, Gradescope, grade-clase), y PostgreSQL si existe el laboratorio 12
#   bench   `make bench`: compilador y bibliotecas, PostgreSQL, curl, wrk, nginx,
#           python3-aiohttp, python3-asyncpg, python3-aiofiles y time
#   libro   `make libro`: python3, pandoc, chromium, epubcheck y qpdf
#   test    `make test`: grade + bench + libro + clang con libFuzzer, clang-format, npm (axe-core
#           del libro), LibreOffice Calc y sim_c (la hoja de notas y las entregas parecidas del
#           profesorado; Debian 13 no trae sim_c y prueba-clase salta esa parte), gdb, strace,
#           netcat, procps, inotify-tools, git, zip, unzip, tmux (prueba-terminal) y keyutils
#           (prueba-autograder)
#   estudiante  el contenedor de desarrollo y las raíces de la suite de plataformas: grade,
#           PostgreSQL, gdb, strace, procps, netcat, curl, python3, git, inotify-tools y bear
#           (lecciones, make vigilar, depurar y compile_commands.json; sin bench ni libro)
#   plataformas  `make prueba-plataformas`: podman, runc, mmdebstrap, capsh, zip, unzip, gdb,
#           git, python3 y python3-yaml
#   todo    test + estudiante (lo que instala `make deps`; no incluye plataformas)
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

# --- La tabla ----------------------------------------------------------------------------
# Una línea por comprobación:   QUÉ   PAQUETE   PERFILES   [# para qué]
#   QUÉ       orden:NOMBRE[|OTRO]   una orden (en el PATH o en /usr/sbin); basta una de ellas
#             modulo:NOMBRE         un módulo de pkg-config (NOMBRE.pc)
#             archivo:RUTA          un archivo (con * en la ruta, basta uno que encaje)
#             python:MÓDULO         un módulo que importa /usr/bin/python3
#             cc, llhttp, libfuzzer las tres especiales (ver comprobar_una)
#   PAQUETE   el paquete de Debian que lo instala. Tres se eligen al instalar: @cc (el
#             compilador de CC: build-essential, o clang si CC=clang), @llhttp (libllhttp-dev
#             donde existe, node-llhttp en Debian 12) y @libfuzzer (libclang-rt-NN-dev, NN la
#             versión de clang).
#   PERFILES  separados por comas, sin espacios; PERFIL?CONDICIÓN solo si se cumple (linux:
#             en Linux; lab12: si existe el laboratorio 12; disponible: si la distribución
#             trae el paquete, para lo que alguna no tiene). Un perfil incluye además las
#             líneas de los que nombra incluye().
# Para añadir una dependencia: UNA línea al final del grupo del perfil que la necesita (el
# grupo «grade», por ejemplo, termina en su línea de PostgreSQL). Con eso se comprueba y se
# instala. Cada QUÉ aparece una sola vez: si otro perfil lo necesita, se añade a su columna.
DEPENDENCIAS='
# qué                               paquete                  perfiles
# ── compilar: make y make bench compilan el curso ──
cc                                  @cc                      compilar
orden:make                          make                     compilar
orden:ar                            build-essential          compilar
orden:pkg-config                    pkg-config               compilar
modulo:libuv                        libuv1-dev               compilar
modulo:libcurl                      libcurl4-openssl-dev     compilar
modulo:jansson                      libjansson-dev           compilar
llhttp                              @llhttp                  compilar
orden:addr2line                     build-essential          compilar  # archivo:línea de lo que sigue vivo (common/herramientas/vivos)
# ── grade: make y make grade ──
modulo:criterion                    libcriterion-dev         grade
orden:bwrap                         bubblewrap               grade?linux    # la caja de arena
orden:valgrind                      valgrind                 grade?linux    # las fugas
orden:strace                        strace                   grade?linux,test,estudiante  # los medios (autograder/lib/observar.c); la lección 11
archivo:/usr/bin/python3            python3                  grade,bench,libro,plataformas  # recoge las entregas (autograder/herramientas/recoger.py)
modulo:libpq                        libpq-dev                grade?lab12,bench,estudiante
archivo:/usr/lib/postgresql/*/bin/initdb  postgresql         grade?lab12,bench,estudiante
modulo:libseccomp                   libseccomp-dev           grade?linux    # el filtro seccomp de la caja (autograder/base/filtro.c)
# ── bench: make bench ──
orden:curl                          curl                     bench,estudiante
orden:wrk                           wrk                      bench
orden:nginx                         nginx-light              bench
python:aiohttp                      python3-aiohttp          bench
python:asyncpg                      python3-asyncpg          bench          # bench/12-base-de-datos
python:aiofiles                     python3-aiofiles         bench
archivo:/usr/bin/time               time                     bench
# ── libro: pandoc escribe el sitio y el EPUB, Chromium imprime el PDF, epubcheck valida ──
orden:pandoc                        pandoc                   libro
orden:chromium|chromium-browser     chromium                 libro
archivo:/usr/share/java/epubcheck.jar  epubcheck             libro
orden:java                          epubcheck                libro          # epubcheck trae Java
orden:qpdf                          qpdf                     libro          # lee el índice del PDF
# ── test: make test (además de grade, bench y libro) ──
orden:clang                         clang                    test           # libFuzzer y prueba-compiladores
libfuzzer                           @libfuzzer               test
orden:clang-format                  clang-format             test           # prueba-formato
orden:npm                           npm                      test           # prueba-libro: npm ci instala axe-core en build/
orden:soffice                       libreoffice-calc-nogui   test           # prueba-clase: la hoja de notas
orden:sim_c                         similarity-tester        test?disponible  # prueba-clase: entregas parecidas (Debian 13 no lo trae)
orden:nc                            netcat-openbsd           test,estudiante
orden:pgrep                         procps                   test,estudiante
orden:ps                            procps                   test
orden:gdb                           gdb                      test,estudiante,plataformas  # la lección 11; el editor
orden:inotifywait                   inotify-tools            test,estudiante  # make vigilar
orden:git                           git                      test,estudiante,plataformas
orden:zip                           zip                      test,plataformas  # make gradescope
orden:unzip                         unzip                    test,plataformas
orden:tmux                          tmux                     test           # prueba-terminal: cerrar la terminal de cada orden larga
orden:keyctl                        keyutils                 test           # prueba-autograder: una clave en el anillo de sesión de quien califica
# ── estudiante: el contenedor de desarrollo ──
orden:bear                          bear                     estudiante     # compile_commands.json
# ── plataformas: make prueba-plataformas (runc: crun no arranca con cgroups híbridos) ──
orden:podman                        podman                   plataformas
orden:runc                          runc                     plataformas
orden:mmdebstrap                    mmdebstrap               plataformas
orden:capsh                         libcap2-bin              plataformas
python:yaml                         python3-yaml             plataformas    # la fila classroom lee el flujo de trabajo
'
# incluye(): qué perfiles incluye cada perfil (además de sus propias líneas). «compilar» no se
# pide nunca solo: es lo común de grade y bench. (Sin `declare -A`: el bash 3.2 de macOS no
# lo tiene, y `make` también llega aquí en macOS.)
incluye() {
  case "$1" in
    grade | bench) echo compilar ;;
    test) echo grade bench libro ;;
    estudiante) echo grade ;;
    todo) echo test estudiante ;;
  esac
}
PERFILES="grade bench libro test estudiante plataformas todo"

# Si la instalación automática falla, no se vuelve a intentar en cada `make grade`: queda
# anotado aquí y se pide `make deps`, que lo borra cuando termina bien.
INTENTO_FALLIDO="$raiz/build/.dependencias-intento-fallido"

# --- Recorrer la tabla -------------------------------------------------------------------
perfil_valido() {
  case " $PERFILES " in *" $1 "*) return 0 ;; esac
  echo "dependencias.sh: perfil desconocido «$1» (${PERFILES// /, })" >&2
  exit 2
}

# expandir PERFIL: el perfil y los que incluye, uno por línea.
expandir() {
  local p
  echo "$1"
  for p in $(incluye "$1"); do expandir "$p"; done
}

condicion() {  # condicion NOMBRE PAQUETE
  case "$1" in
    linux) [ "$(uname -s)" = Linux ] ;;
    lab12) compgen -G "labs/12-*/lab.json" >/dev/null ;;
    # Se exige salvo que apt sepa que la distribución no trae el paquete (con las listas de
    # apt cargadas: sin ellas, como en una imagen recién hecha, se exige).
    disponible) ! hay_orden apt-cache || apt_tiene "$2" || ! apt_tiene apt ;;
    *) echo "dependencias.sh: condición desconocida «$1» en la tabla" >&2; exit 2 ;;
  esac
}

# lineas PERFIL: las líneas de la tabla que tocan a PERFIL, como «QUÉ PAQUETE [disponible]».
# linux y lab12 se miran aquí; disponible (preguntar a apt, lento) queda en la tercera
# columna y se mira solo si hace falta: al instalar, o cuando la comprobación falla.
lineas() {
  local incluidos que paq perfiles t c salida
  incluidos=" $(expandir "$1" | tr '\n' ' ') "
  while read -r que paq perfiles _; do
    case "$que" in '' | '#'*) continue ;; esac
    salida=""
    for t in ${perfiles//,/ }; do
      case "$incluidos" in *" ${t%%\?*} "*) ;; *) continue ;; esac
      c=""
      [ "$t" != "${t#*\?}" ] && c=${t#*\?}
      if [ "$c" = disponible ]; then
        salida="$que $paq disponible"
        continue
      fi
      if [ -n "$c" ] && ! condicion "$c" "$paq"; then continue; fi
      salida="$que $paq"
      break
    done
    [ -n "$salida" ] && echo "$salida"
  done <<<"$DEPENDENCIAS"
}

# apt_tiene PAQUETE: ¿lo ofrece la distribución? Memorizado: cada apt-cache carga su caché
# (segundos con la máquina cargada). instalar lo olvida tras apt-get update.
APT_TIENE=" "  # « paquete=1 paquete=0 … »
apt_tiene() {
  case "$APT_TIENE" in
    *" $1=1 "*) return 0 ;;
    *" $1=0 "*) return 1 ;;
  esac
  if hay_orden apt-cache && apt-cache show "$1" >/dev/null 2>&1; then
    APT_TIENE+="$1=1 "
    return 0
  fi
  APT_TIENE+="$1=0 "
  return 1
}

# resolver PAQUETE: deja en RESUELTO el nombre de Debian (los @ se eligen según la
# distribución y CC). Si la distribución no lo tiene, vacío (y la comprobación lo dirá).
resolver() {
  RESUELTO=$1
  case "$1" in
    @cc) case "${CC:-cc}" in clang*) RESUELTO=clang ;; *) RESUELTO=build-essential ;; esac ;;
    @llhttp) if apt_tiene libllhttp-dev; then RESUELTO=libllhttp-dev; else RESUELTO=node-llhttp; fi ;;
    @libfuzzer)
      local v=""
      RESUELTO=""
      if hay_orden clang; then
        v=$(clang -dumpversion 2>/dev/null)
        v=${v%%.*}
      elif hay_orden apt-cache; then
        v=$(apt-cache depends clang 2>/dev/null | sed -n 's/.*Depends: clang-\([0-9]*\)$/\1/p' | head -n1)
      fi
      if [ -n "$v" ] && { ! hay_orden apt-cache || apt_tiene "libclang-rt-$v-dev"; }; then
        RESUELTO="libclang-rt-$v-dev"
      fi ;;
    @*) echo "dependencias.sh: paquete «$1» sin resolver" >&2; exit 2 ;;
  esac
}

# paquetes_de PERFIL: deja en PAQ_PERFIL los paquetes que instala ese perfil: los de sus
# líneas de la tabla, sin repetir.
paquetes_de() {
  local que paq c
  PAQ_PERFIL=()
  while read -r que paq c; do
    [ -n "$c" ] && ! condicion "$c" "$paq" && continue
    resolver "$paq"
    [ -n "$RESUELTO" ] && PAQ_PERFIL+=("$RESUELTO")
  done < <(lineas "$1")
  local unicos=() p
  for p in ${PAQ_PERFIL[@]+"${PAQ_PERFIL[@]}"}; do
    case " ${unicos[*]+${unicos[*]}} " in *" $p "*) ;; *) unicos+=("$p") ;; esac
  done
  PAQ_PERFIL=(${unicos[@]+"${unicos[@]}"})
}

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

# comprobar_una QUÉ: ¿está? Con DEPENDENCIAS_FINGIR (un patrón de QUÉ: «orden:npm», «*»),
# lo que encaja se da por ausente: así se prueban los mensajes y la tabla sin desinstalar. Con
# DEPENDENCIAS_FINGIR_PRESENTE (otro patrón), lo que encaja y no se finge ausente se da por
# presente: la prueba de cada comprobación sola no depende de lo que tenga instalado la
# máquina (en una recién hecha, make test corre sin podman ni mmdebstrap).
comprobar_una() {
  local que=$1 o
  # shellcheck disable=SC2053
  if [ -n "${DEPENDENCIAS_FINGIR:-}" ] && [[ $que == $DEPENDENCIAS_FINGIR ]]; then return 1; fi
  # shellcheck disable=SC2053
  if [ -n "${DEPENDENCIAS_FINGIR_PRESENTE:-}" ] && [[ $que == $DEPENDENCIAS_FINGIR_PRESENTE ]]; then
    return 0
  fi
  case "$que" in
    orden:*)
      local IFS='|'
      for o in ${que#orden:}; do hay_orden "$o" && return 0; done
      return 1 ;;
    modulo:*) hay_modulo "${que#modulo:}" ;;
    archivo:*) compgen -G "${que#archivo:}" >/dev/null ;;
    python:*) [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import ${que#python:}" 2>/dev/null ;;
    cc) local cc=${CC:-cc}; hay_orden "${cc%% *}" ;;
    # llhttp: libllhttp.pc donde existe (9.x); en Debian 12, las fuentes de node-llhttp.
    llhttp) hay_modulo libllhttp || [ -f /usr/share/llhttp/llhttp.c ] ;;
    # libFuzzer: clang necesita su runtime. Sin clang también falta (y se instala con él).
    libfuzzer)
      hay_orden clang &&
        echo 'int LLVMFuzzerTestOneInput(const char*d,long n){(void)d;(void)n;return 0;}' |
        clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1 ;;
    *) echo "dependencias.sh: comprobación desconocida «$que» en la tabla" >&2; exit 2 ;;
  esac
}

describir() {  # describir QUÉ: lo que falta, dicho para una persona
  local cc=${CC:-cc}
  case "$1" in
    orden:*) local o=${1#orden:}; echo "la orden ${o//|/ (o }$([ "$o" != "${o#*|}" ] && echo ")")" ;;
    modulo:*) echo "la biblioteca ${1#modulo:} (pkg-config no encuentra ${1#modulo:}.pc)" ;;
    archivo:*) echo "el archivo ${1#archivo:}" ;;
    python:*) echo "el módulo ${1#python:} de /usr/bin/python3" ;;
    cc) echo "el compilador de C (${cc%% *})" ;;
    llhttp) echo "llhttp (ni libllhttp.pc ni /usr/share/llhttp/llhttp.c)" ;;
    libfuzzer) echo "el runtime de libFuzzer de clang" ;;
  esac
}

# revisar PERFIL: deja en FALTAN lo que falta para ese perfil.
revisar() {
  local que paq p c
  perfil_valido "$1"
  FALTAN=()
  PAQ_FALTAN=()
  while read -r que paq c; do
    comprobar_una "$que" && continue
    [ -n "$c" ] && ! condicion "$c" "$paq" && continue
    resolver "$paq"
    p=$RESUELTO
    if [ -n "$p" ]; then
      anotar "$(describir "$que")" "$p"
    else
      FALTAN+=("$(describir "$que") — esta distribución no tiene el paquete que lo trae")
    fi
  done < <(lineas "$1")
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
  if [ "$(uname -s)" = Darwin ]; then
    echo "En macOS el curso se usa dentro del contenedor de desarrollo (.devcontainer/): ver"
    echo "«En macOS o Windows» en el README. Para compilar los ejemplos fuera de él:"
    echo "  brew install libuv curl jansson criterion libpq llhttp pkg-config wrk nginx python"
    return 0
  fi
  if ! hay_orden apt-get; then
    paquetes_de "$perfil"
    echo "No encuentro apt-get: instala con el gestor de paquetes de tu sistema el equivalente de:" >&2
    echo "  ${PAQ_PERFIL[*]}" >&2
    return 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if ! hay_orden sudo; then
      paquetes_de "$perfil"
      echo "Para instalar paquetes hace falta ser root o tener sudo. Pide a quien administre" >&2
      echo "la máquina que ejecute, como root, «make deps» en una copia del curso o:" >&2
      echo "  apt-get install --no-install-recommends ${PAQ_PERFIL[*]}" >&2
      return 1
    fi
    sudo="sudo"
  fi
  echo "Instalando dependencias del curso ($perfil) con apt-get…"
  $sudo apt-get update -q || return 1
  APT_TIENE=" "
  # Se instalan los paquetes de las comprobaciones que fallan, no la lista entera del perfil:
  # lo que ya está, aunque venga de otro sitio (un nodejs con su npm, un clang propio), no se
  # toca (apt-get install npm lo quitaría o no podría). Se revisa otra vez después de
  # apt-get update: los paquetes que se eligen según la distribución miran qué ofrece (una
  # imagen recién hecha no trae las listas de apt).
  revisar "$perfil"
  if [ ${#PAQ_FALTAN[@]} -eq 0 ]; then
    rm -f "$INTENTO_FALLIDO"
    return 0
  fi
  # Que la instalación no arranque servicios (nginx, postgresql): el curso los arranca
  # él mismo, en puertos efímeros y solo mientras los necesita.
  local politica=/usr/sbin/policy-rc.d creada=0
  if [ ! -e "$politica" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$politica" >/dev/null && $sudo chmod +x "$politica" && creada=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${PAQ_FALTAN[@]}"
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
    [ $# -ge 2 ] || { echo "uso: $0 asegurar PERFIL [ORDEN]  (PERFIL: ${PERFILES// /, })" >&2; exit 2; }
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
  comprobaciones)
    perfil_valido "${2:-todo}"
    lineas "${2:-todo}" | cut -d' ' -f1
    ;;
  paquetes)
    perfil_valido "${2:-todo}"
    paquetes_de "${2:-todo}"
    printf '%s\n' "${PAQ_PERFIL[@]}"
    ;;
  *) echo "uso: $0 comprobar [PERFIL] | asegurar PERFIL [ORDEN] | instalar [PERFIL] | paquetes [PERFIL] | comprobaciones [PERFIL]" >&2; exit 2 ;;
esac
