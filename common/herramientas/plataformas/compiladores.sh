#!/usr/bin/env bash
# compiladores.sh — make prueba-compiladores: el curso entero (biblioteca, servidor, lecciones,
# partidas, soluciones, calificadores y pruebas) con -Werror, con gcc y con clang, a -O0 y a
# -O2. Cada uno avisa de cosas distintas y algunos avisos solo salen al optimizar (gcc da
# maybe-uninitialized a -O2, no a -O0). La combinación de siempre (cc -O2 -g, en build/) ya
# la hace `make`; aquí van las otras tres, cada una en su carpeta (build/compiladores/…).
#
#   compiladores.sh [CC-OPT…]     por omisión: gcc-O0 clang-O0 clang-O2
set -u
raiz=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$raiz" || exit 1
combinaciones=("$@")
[ ${#combinaciones[@]} -gt 0 ] || combinaciones=(gcc-O0 clang-O0 clang-O2)
mal=0
for c in "${combinaciones[@]}"; do
  cc=${c%-*} opt=-${c##*-}
  if ! command -v "$cc" >/dev/null; then
    echo "✘ $c: no está $cc (make deps)"
    mal=$((mal + 1))
    continue
  fi
  log="build/compiladores/$c.log"
  mkdir -p build/compiladores
  inicio=$(date +%s)
  if make --no-print-directory -k -j"${J:-2}" programas B="build/compiladores/$c" CC="$cc" \
    CFLAGS="$opt -g" >"$log" 2>&1; then
    echo "✔ $c: todo compila con -Werror ($(($(date +%s) - inicio)) s)"
  else
    echo "✘ $c: no compila con -Werror ($(($(date +%s) - inicio)) s); los errores:"
    grep -E 'error:|warning:' "$log" | head -n 30 | sed 's/^/    /'
    mal=$((mal + 1))
  fi
done
echo "resumen: ${#combinaciones[@]} combinaciones, $mal con errores"
[ $mal -eq 0 ]
