#!/usr/bin/env bash
# Ejecuta las suites de `make test` una tras otra, guarda el registro de cada una en
# build/pruebas/<suite>.log y termina con el resumen «pruebas: N passed, N failed».
# Al final comprueba que no quede ningún proceso del curso vivo ni ningún temporal.
set -u
raiz=$(cd "$(dirname "$0")/../.." && pwd)
cd "$raiz" || exit 1
mkdir -p build/pruebas build/tmp
# Todos los temporales de las pruebas van aquí: así se puede comprobar que no queda ninguno.
export TMPDIR="$raiz/build/tmp"

pasan=0; fallan=0; fallidas=()
for suite in "$@"; do
  log="build/pruebas/$suite.log"
  inicio=$(date +%s.%N)
  printf '── %-32s ' "$suite"
  if make --no-print-directory "$suite" >"$log" 2>&1; then
    estado="ok"; pasan=$((pasan + 1))
  else
    estado="FALLA"; fallan=$((fallan + 1)); fallidas+=("$suite")
  fi
  fin=$(date +%s.%N)
  printf '%-6s %6.1f s   %s\n' "$estado" "$(awk -v a="$inicio" -v b="$fin" 'BEGIN{print b-a}')" \
    "$(grep -E '^(resumen|Synthesis)' "$log" | tail -n1)"
  if [ "$estado" = FALLA ]; then
    echo "   ┌─ últimas líneas de $log"
    tail -n 60 "$log" | sed 's/^/   │ /'
    echo "   └─"
  fi
done

# Nada debe sobrevivir a las pruebas: ni procesos lanzados desde build/ ni temporales.
vivos=$(pgrep -af "$raiz/build/" | grep -v -e pgrep -e pruebas.sh || true)
if [ -n "$vivos" ]; then
  echo "✘ quedan procesos vivos tras las pruebas:"; echo "$vivos" | sed 's/^/   /'
  fallan=$((fallan + 1)); fallidas+=("procesos-vivos")
  pkill -KILL -f "$raiz/build/" 2>/dev/null
else
  pasan=$((pasan + 1))
fi
restos=$(find build/tmp -mindepth 1 -maxdepth 1 2>/dev/null | head -n 20)
if [ -n "$restos" ]; then
  echo "✘ quedan temporales en build/tmp:"; echo "$restos" | sed 's/^/   /'
  fallan=$((fallan + 1)); fallidas+=("temporales")
else
  pasan=$((pasan + 1))
fi

[ $fallan -gt 0 ] && echo "Suites que fallan: ${fallidas[*]}"
echo "pruebas: $pasan passed, $fallan failed"
[ $fallan -eq 0 ]
