#!/usr/bin/env bash
# probar-libro.sh B — prueba-libro: construye el libro (make libro) y lo comprueba con
# herramientas de verdad (comprobar.py: enlaces, Chromium, epubcheck, el índice del PDF,
# bytes reproducibles). Después, que el comprobador tiene dientes: un libro de juguete con un
# enlace roto, un ancla que no existe y una imagen de Internet tiene que suspender, y una
# lección nueva tiene que aparecer sin tocar el código del libro.
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

# El comprobador tiene que suspender un libro roto.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/libro-roto.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/raiz/lessons/01-uno" "$TMP/raiz/lessons/02-dos" "$TMP/raiz/labs"
printf '# Curso de juguete\n\n[Lecciones](lessons/README.md)\n' >"$TMP/raiz/README.md"
printf '# Lecciones\n\n[Uno](01-uno/README.md)\n' >"$TMP/raiz/lessons/README.md"
printf '# Laboratorios\n\nNinguno.\n' >"$TMP/raiz/labs/README.md"
printf '# Lección 1 — Uno\n\n[roto](no-existe.md) y [ancla](../02-dos/README.md#no-hay)\n\n<img src="https://example.com/x.png" alt="x">\n' \
  >"$TMP/raiz/lessons/01-uno/README.md"
printf '# Lección 2 — Dos\n\n## Una sección\n\nTexto.\n' >"$TMP/raiz/lessons/02-dos/README.md"
"$PY" "$LIBRO/construir.py" "$TMP/raiz" "$TMP/libro" --sin-pdf --sin-epub >/dev/null || exit 1
"$PY" "$LIBRO/comprobar.py" "$TMP/raiz" "$TMP/libro" --solo-sitio >"$TMP/roto.txt" 2>&1
rc_roto=$?
# Suspender es salir con un código distinto de 0: los mensajes solos no bastan (make y CI
# solo miran el código).
if [ "$rc_roto" -ne 0 ] && grep -q 'no-existe.md' "$TMP/roto.txt" && grep -q 'no hay ancla «no-hay»' "$TMP/roto.txt" &&
  grep -q 'example.com' "$TMP/roto.txt" && grep -q 'leccion-02-dos.html' "$TMP/libro/sitio/index.html"; then
  echo "  ✔ un libro de juguete roto suspende (enlace roto, ancla inexistente, imagen de Internet) y su lección 02, nueva, aparece sola"
else
  echo "  ✘ el comprobador no detecta un libro roto (salió con $rc_roto), o una lección nueva no aparece:"
  sed 's/^/      /' "$TMP/roto.txt"
  fallos=$((fallos + 1))
fi
if [ "$fallos" -eq 0 ]; then
  echo "resumen: el libro (sitio, EPUB y PDF) pasa todas sus comprobaciones"
else
  echo "resumen: $fallos fallos en el libro (detalle arriba y en $B/libro/comprobacion.txt)"
  exit 1
fi
