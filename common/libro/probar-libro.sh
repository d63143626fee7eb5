#!/usr/bin/env bash
# probar-libro.sh B — prueba-libro: construye el libro (make libro) y lo comprueba con
# herramientas de verdad (comprobar.py: enlaces, Chromium, epubcheck, el índice del PDF,
# bytes reproducibles) y accesible.py (axe-core en Chromium, teclado, contraste). Después, que
# los comprobadores tienen dientes: un libro de juguete con un enlace roto, un ancla que no
# existe, una imagen de Internet, una imagen sin texto alternativo y un texto con poco
# contraste tiene que suspender, y una lección nueva tiene que aparecer sin tocar el código.
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
B=$(realpath -m "${1:-$RAIZ/build}")
PY=/usr/bin/python3
LIBRO="$RAIZ/common/libro"
fallos=0

inicio=$(date +%s.%N)
"$PY" "$LIBRO/construir.py" "$RAIZ" "$B/libro" || exit 1
echo "  (construido en $(awk -v a="$inicio" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s)"
"$PY" "$LIBRO/comprobar.py" "$RAIZ" "$B/libro" 2>&1 | tee "$B/libro/comprobacion.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || fallos=$((fallos + 1))

# Accesibilidad: axe-core, en la versión fijada en common/libro/package-lock.json, se instala
# con npm en build/ (nunca en el repositorio) y se reutiliza mientras el lockfile no cambie.
AXE_DIR="$B/libro/axe"
AXE_JS="$AXE_DIR/node_modules/axe-core/axe.min.js"
if ! cmp -s "$LIBRO/package-lock.json" "$AXE_DIR/package-lock.json" || [ ! -f "$AXE_JS" ]; then
  mkdir -p "$AXE_DIR"
  cp "$LIBRO/package.json" "$LIBRO/package-lock.json" "$AXE_DIR/"
  if ! npm ci --prefix "$AXE_DIR" --no-audit --no-fund --loglevel=error >"$AXE_DIR/npm.log" 2>&1; then
    echo "  ✘ npm ci no pudo instalar axe-core (detalle en $AXE_DIR/npm.log)"
    rm -f "$AXE_DIR/package-lock.json"
  fi
fi
"$PY" "$LIBRO/accesible.py" "$B/libro/sitio" "$AXE_JS" --informe "$B/libro/accesibilidad.json" 2>&1 |
  tee "$B/libro/accesibilidad.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || fallos=$((fallos + 1))

# El comprobador tiene que suspender un libro roto.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/libro-roto.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/raiz/lessons/01-uno" "$TMP/raiz/lessons/02-dos" "$TMP/raiz/labs"
printf '# Curso de juguete\n\n[Lecciones](lessons/README.md)\n' >"$TMP/raiz/README.md"
printf '# Lecciones\n\n[Uno](01-uno/README.md)\n' >"$TMP/raiz/lessons/README.md"
printf '# Laboratorios\n\nNinguno.\n' >"$TMP/raiz/labs/README.md"
printf '# Lección 1 — Uno\n\n[roto](no-existe.md) y [ancla](../02-dos/README.md#no-hay)\n\n<img src="https://example.com/x.png" alt="x">\n\n<img src="sin-alt.png">\n\n<p style="color:#c8c8c8">Texto casi invisible.</p>\n' \
  >"$TMP/raiz/lessons/01-uno/README.md"
printf '# Lección 2 — Dos\n\n## Una sección\n\nTexto.\n\n<!-- salida: dos | predice -->\n```text\nhola\n```\n' >"$TMP/raiz/lessons/02-dos/README.md"
"$PY" "$LIBRO/construir.py" "$TMP/raiz" "$TMP/libro" --sin-pdf --sin-epub >/dev/null || exit 1
"$PY" "$LIBRO/comprobar.py" "$TMP/raiz" "$TMP/libro" --solo-sitio >"$TMP/roto.txt" 2>&1
rc_roto=$?
# Suspender es salir con un código distinto de 0: los mensajes solos no bastan (make y CI
# solo miran el código).
if [ "$rc_roto" -ne 0 ] && grep -q 'no-existe.md' "$TMP/roto.txt" && grep -q 'no hay ancla «no-hay»' "$TMP/roto.txt" &&
  grep -q 'example.com' "$TMP/roto.txt" && grep -q 'leccion-02-dos.html' "$TMP/libro/sitio/index.html" &&
  grep -q '✔ «predice y luego mira»: 1 salidas escondidas en el sitio y 1 abiertas' "$TMP/roto.txt"; then
  echo "  ✔ un libro de juguete roto suspende (enlace roto, ancla inexistente, imagen de Internet), su lección 02, nueva, aparece sola y su salida «predice» va escondida"
else
  echo "  ✘ el comprobador no detecta un libro roto (salió con $rc_roto), o una lección nueva no aparece:"
  sed 's/^/      /' "$TMP/roto.txt"
  fallos=$((fallos + 1))
fi
# accesible.py tiene que suspender esa lección: imagen sin alt y contraste insuficiente.
if [ -f "$AXE_JS" ]; then
  "$PY" "$LIBRO/accesible.py" "$TMP/libro/sitio" "$AXE_JS" >"$TMP/accesible.txt" 2>&1
  if [ $? -ne 0 ] && grep -q 'image-alt \[critical\]' "$TMP/accesible.txt" &&
    grep -q 'color-contrast \[serious\]' "$TMP/accesible.txt" &&
    grep -q '✘ todas las imágenes del sitio tienen texto alternativo' "$TMP/accesible.txt"; then
    echo "  ✔ una lección de juguete con una imagen sin alt y texto de poco contraste suspende la accesibilidad"
  else
    echo "  ✘ accesible.py no detecta una imagen sin alt o un contraste insuficiente:"
    sed 's/^/      /' "$TMP/accesible.txt"
    fallos=$((fallos + 1))
  fi
fi
if [ "$fallos" -eq 0 ]; then
  echo "resumen: el libro (sitio, EPUB y PDF) pasa todas sus comprobaciones"
else
  echo "resumen: $fallos fallos en el libro (detalle arriba y en $B/libro/comprobacion.txt)"
  exit 1
fi
