#!/usr/bin/env bash
# Comprueba o instala lo que el curso necesita.
#   dependencias.sh comprobar   sale 0 si está todo; si no, dice qué falta (en stderr)
#   dependencias.sh instalar    instala lo que falte con apt-get (sudo si no eres root);
#                               en macOS imprime la orden de brew
# Todo viene de paquetes de Debian 12 / Ubuntu; nada se descarga de otro sitio.
set -u

PAQUETES=(
  build-essential pkg-config make
  libuv1-dev libcurl4-openssl-dev libjansson-dev libcriterion-dev libpq-dev postgresql
  valgrind clang bubblewrap procps
  curl wrk nginx-light python3 python3-aiohttp bear netcat-openbsd
)
# llhttp: Debian 12 no tiene libllhttp-dev, pero node-llhttp trae sus fuentes.
LLHTTP_PAQUETE=node-llhttp
MODULOS_PKGCONFIG=(libuv libcurl jansson criterion libpq)
ORDENES=(cc make pkg-config valgrind clang bwrap curl wrk nginx nc /usr/bin/python3)

falta_algo() {
  local falta=0
  for m in "${MODULOS_PKGCONFIG[@]}"; do
    pkg-config --exists "$m" 2>/dev/null || { echo "falta el módulo pkg-config: $m" >&2; falta=1; }
  done
  if ! pkg-config --exists libllhttp 2>/dev/null && [ ! -f /usr/share/llhttp/llhttp.c ]; then
    echo "falta llhttp (libllhttp-dev o node-llhttp)" >&2; falta=1
  fi
  for o in "${ORDENES[@]}"; do
    command -v "$o" >/dev/null 2>&1 || { echo "falta la orden: $o" >&2; falta=1; }
  done
  /usr/bin/python3 -c 'import aiohttp' 2>/dev/null || { echo "falta python3-aiohttp" >&2; falta=1; }
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "falta PostgreSQL (initdb)" >&2; falta=1; }
  # libFuzzer: clang necesita su runtime (libclang-rt-NN-dev en Debian 12).
  if command -v clang >/dev/null 2>&1; then
    echo 'int LLVMFuzzerTestOneInput(const char*d,long n){(void)d;(void)n;return 0;}' |
      clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1 ||
      { echo "falta el runtime de libFuzzer de clang" >&2; falta=1; }
  fi
  return $falta
}

instalar() {
  if [ "$(uname -s)" = Darwin ]; then
    echo "En macOS instala con:"
    echo "  brew install libuv curl jansson criterion libpq llhttp pkg-config wrk nginx python"
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "No encuentro apt-get: instala a mano ${PAQUETES[*]} $LLHTTP_PAQUETE" >&2
    return 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Hace falta ser root o tener sudo." >&2; return 1; }
    sudo="sudo"
  fi
  echo "Instalando dependencias del curso con apt-get…"
  $sudo apt-get update -q || return 1
  local llhttp=$LLHTTP_PAQUETE
  if apt-cache show libllhttp-dev >/dev/null 2>&1; then llhttp=libllhttp-dev; fi
  local extra=()
  # El runtime de libFuzzer se llama distinto según la versión de clang.
  local vclang
  vclang=$(apt-cache depends clang 2>/dev/null | sed -n 's/.*Depends: clang-\([0-9]*\)$/\1/p' | head -n1)
  if [ -n "$vclang" ] && apt-cache show "libclang-rt-$vclang-dev" >/dev/null 2>&1; then
    extra+=("libclang-rt-$vclang-dev")
  fi
  # Que la instalación no arranque servicios (nginx, postgresql): el curso los arranca
  # él mismo, en puertos efímeros y solo mientras los necesita.
  local politica=/usr/sbin/policy-rc.d creada=0
  if [ ! -e "$politica" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$politica" >/dev/null && $sudo chmod +x "$politica" && creada=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
    "${PAQUETES[@]}" "$llhttp" "${extra[@]}"
  local rc=$?
  [ $creada -eq 1 ] && $sudo rm -f "$politica"
  [ $rc -eq 0 ] || return $rc
  falta_algo
}

case "${1:-comprobar}" in
  comprobar) falta_algo ;;
  instalar) falta_algo 2>/dev/null && { echo "Dependencias: todo instalado."; exit 0; }; instalar ;;
  *) echo "uso: $0 comprobar|instalar" >&2; exit 2 ;;
esac
