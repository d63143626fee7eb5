#!/usr/bin/env bash
# vivos.sh — traduce el informe de la precarga vivos (common/herramientas/vivos/vivos.c) de
# direcciones a archivo:línea, FUERA del programa: addr2line sobre el binario (compilado con
# -g). El informe en crudo nombra cada lugar como «@módulo+0xDESPLAZAMIENTO» («@programa»
# es el ejecutable; un módulo es la ruta de una biblioteca compartida).
#
# Uso: vivos.sh traducir PROGRAMA [INFORME] [RAÍZ]
#   PROGRAMA  el ejecutable que corrió (el que addr2line lee para «@programa»)
#   INFORME   el informe en crudo (por omisión, la entrada estándar)
#   RAÍZ      las rutas de archivo que cuelguen de ella salen relativas (por omisión, la
#             carpeta actual); si no, con su ruta entera
# Escribe el informe traducido en la salida estándar. Un lugar que addr2line no sabe
# traducir (sin información de depuración) se queda como «módulo+0x…».
set -u
[ "${1:-}" = traducir ] && [ $# -ge 2 ] || { echo "uso: $0 traducir PROGRAMA [INFORME] [RAÍZ]" >&2; exit 2; }
programa=$2
informe=${3:--}
raiz=${4:-$PWD}
raiz=${raiz%/}
crudo=$(cat -- "$informe") || exit 1
[ -n "$crudo" ] || exit 0

# Un lugar: «@módulo+0xN» → «archivo:línea» (o el lugar tal cual, sin «@»).
declare -A hecho
traducir_lugar() {
  local lugar=$1 modulo desp linea
  modulo=${lugar#@}; modulo=${modulo%+0x*}; desp=${lugar##*+}
  [ "$modulo" = programa ] && modulo=$programa
  linea=""
  if command -v addr2line >/dev/null 2>&1 && [ -r "$modulo" ]; then
    linea=$(addr2line -e "$modulo" "$desp" 2>/dev/null | head -n1)
    linea=${linea%% (discriminator*}
  fi
  case "$linea" in
    '' | '??'* | *':?' | *':0') echo "${lugar#@}" ;;
    "$raiz"/*) echo "${linea#"$raiz"/}" ;;
    *) echo "$linea" ;;
  esac
}
salida=$crudo
for lugar in $(grep -o '@[^ ,:]*+0x[0-9a-f]*' <<<"$crudo" | sort -u); do
  [ -n "${hecho[$lugar]:-}" ] && continue
  hecho[$lugar]=1
  salida=${salida//"$lugar"/$(traducir_lugar "$lugar")}
done
printf '%s\n' "$salida"
