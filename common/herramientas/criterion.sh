#!/usr/bin/env bash
# Ejecuta binarios de Criterion y decide a partir de su línea «Synthesis», no solo del código
# de salida: Criterion 2.4.1 sale con 0 cuando un filtro no encuentra pruebas, así que
# exigimos además que se haya probado al menos una.
set -u
total=0; malas=0
for t in "$@"; do
  salida=$("$t" --jobs="${CRITERION_JOBS:-2}" 2>&1); rc=$?
  echo "$salida"
  linea=$(echo "$salida" | grep -a 'Synthesis: Tested:' | tail -n1 | sed 's/\x1b\[[0-9;]*m//g')
  probadas=$(echo "$linea" | sed -n 's/.*Tested: \([0-9]*\).*/\1/p')
  pasan=$(echo "$linea" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
  if [ $rc -ne 0 ] || [ -z "$probadas" ] || [ "$probadas" -eq 0 ] || [ "$pasan" != "$probadas" ]; then
    echo "✘ $t: rc=$rc, ${linea:-sin línea Synthesis}"
    malas=$((malas + 1))
  fi
  total=$((total + ${probadas:-0}))
done
echo "resumen: $total pruebas en $# binarios, $malas binarios con fallos"
[ $malas -eq 0 ]
