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
# Cada lugar distinto se traduce una vez; la sustitución se hace en una sola pasada (awk): con
# miles de peticiones en curso, reemplazar en una variable de bash tardaba minutos. Las líneas
# iguales seguidas (miles de uv_write_t en curso creados en el mismo sitio) salen una vez, con
# cuántas son: el informe dice lo mismo y se lee de un vistazo.
mapa=$(mktemp "${TMPDIR:-/tmp}/vivos-mapa.XXXXXX") || exit 1
trap 'rm -f "$mapa"' EXIT
for lugar in $(grep -o '@[^ ,:]*+0x[0-9a-f]*' <<<"$crudo" | sort -u); do
  [ -n "${hecho[$lugar]:-}" ] && continue
  hecho[$lugar]=1
  printf '%s\t%s\n' "$lugar" "$(traducir_lugar "$lugar")" >>"$mapa"
done
printf '%s\n' "$crudo" | awk -F'\t' '
  FILENAME == ARGV[1] { de[++n] = $1; a[n] = $2; next }
  {
    linea = $0
    for (i = 1; i <= n; i++) {
      hecha = ""
      while ((p = index(linea, de[i])) > 0) {
        hecha = hecha substr(linea, 1, p - 1) a[i]
        linea = substr(linea, p + length(de[i]))
      }
      linea = hecha linea
    }
    if (FNR > 1 && linea == previa) { veces++; next }
    soltar()
    previa = linea; veces = 1
  }
  function soltar() {
    if (veces > 1) {
      match(previa, /^ */)
      print substr(previa, 1, RLENGTH) "(" veces " iguales) " substr(previa, RLENGTH + 1)
    } else if (veces == 1) print previa
  }
  END { soltar() }' "$mapa" -
