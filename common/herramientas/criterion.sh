#!/usr/bin/env bash
# Ejecuta binarios de Criterion y decide a partir de su línea «Synthesis», no solo del código
# de salida: Criterion 2.4.1 sale con 0 cuando un filtro no encuentra pruebas, así que
# exigimos además que se haya probado al menos una, y que ninguna se haya saltado.
set -u
total=0; malas=0
for t in "$@"; do
  salida=$("$t" --jobs="${CRITERION_JOBS:-2}" 2>&1); rc=$?
  echo "$salida"
  linea=$(echo "$salida" | grep -a 'Synthesis: Tested:' | tail -n1 | sed 's/\x1b\[[0-9;]*m//g')
  probadas=$(echo "$linea" | sed -n 's/.*Tested: \([0-9]*\).*/\1/p')
  pasan=$(echo "$linea" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
  # Una prueba saltada (cr_skip_test) no cuenta como pasada: si algo no se puede juzgar aquí,
  # la prueba tiene que comprobar lo que sí vale en este sitio, no desaparecer.
  # Sin --verbose Criterion no imprime los [SKIP]: se comparan las declaradas (--list) con las
  # probadas.
  declaradas=$("$t" --list 2>/dev/null | grep -a -c -E '^[│ ]*[├└]── ')
  saltadas=$((declaradas - ${probadas:-0}))
  [ "$saltadas" -lt 0 ] && saltadas=0
  if [ $rc -ne 0 ] || [ -z "$probadas" ] || [ "$probadas" -eq 0 ] || [ "$pasan" != "$probadas" ] ||
    [ "$saltadas" -gt 0 ]; then
    echo "✘ $t: rc=$rc, ${linea:-sin línea Synthesis}; $saltadas de $declaradas declaradas sin probar (saltadas)"
    malas=$((malas + 1))
  fi
  total=$((total + ${probadas:-0}))
done
echo "resumen: $total pruebas en $# binarios, $malas binarios con fallos"
[ $malas -eq 0 ]
