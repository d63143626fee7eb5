#!/usr/bin/env bash
# cerrada.sh — fila «el curso en una carpeta 0700, como root» (como /root/curso): una copia
# del curso dentro de una carpeta 0700, calificada como root. Las soluciones deben sacar el
# 100 % y las partidas poco: el compilador y el programa corren como el usuario sin
# privilegios de la caja, que no puede entrar en la carpeta (runner/alcance.c lo resuelve).
set -u
source "$(dirname "$0")/comun.sh"
[ "$(id -u)" -eq 0 ] || { echo "✘ cerrada: hay que ser root"; exit 1; }
base="$PLAT_DIR/cerrada"
if [ -d "$base/curso" ]; then (cd "$base/curso" && make --no-print-directory limpiar >/dev/null 2>&1); fi
rm -rf "$base"
mkdir -p "$base/curso"
chmod 700 "$base"
tar -C "$base/curso" -xf "$(copia_curso)"
cd "$base/curso" || exit 1
mal=0
make --no-print-directory grade SOLUCIONES=1 >"$base.soluciones.log" 2>&1 || mal=1
cp build/calificacion/results.json "$base.soluciones.json" 2>/dev/null
make --no-print-directory grade >"$base.partidas.log" 2>&1 || mal=1
cp build/calificacion/results.json "$base.partidas.json" 2>/dev/null
python3 "$(dirname "$0")/notas.py" soluciones "$base.soluciones.json" partidas "$base.partidas.json" || mal=1
grep -q "Permission denied\|Permiso denegado" "$base.soluciones.log" && { echo "✘ cerrada: «Permission denied» en el informe"; mal=1; }
make --no-print-directory limpiar >/dev/null 2>&1
cd / && rm -rf "$base"
[ $mal -eq 0 ] && echo "✔ cerrada: califica como root con el curso en una carpeta 0700"
exit $mal
