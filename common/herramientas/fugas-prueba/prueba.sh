#!/usr/bin/env bash
# prueba-fugas: el comprobador de fugas (fugas.sh) tiene dientes. Tres pruebas de Criterion
# hechas a propósito —una limpia, una que pierde memoria y una que muere por una señal—, cada
# una bajo valgrind y bajo ASan: la limpia pasa y las otras dos suspenden en los dos modos.
# Uso: prueba.sh CARPETA_NORMAL CARPETA_ASAN (donde están construidas las tres).
set -u
normal=$1 asan=$2
aqui=$(cd "$(dirname "$0")" && pwd)
fugas="$aqui/../fugas.sh"
pasan=0 fallan=0
juzgar() { # juzgar MODO BINARIO ESPERADO(0 limpio, 1 sucio) QUÉ
  local modo=$1 bin=$2 esperado=$3 que=$4 salida rc
  salida=$(FUGAS_PARALELO=1 bash "$fugas" "$modo" "$bin" 2>&1)
  rc=$?
  [ "$rc" -ne 0 ] && rc=1
  if [ "$rc" = "$esperado" ]; then
    pasan=$((pasan + 1))
    echo "  ✔ $modo, $que: $(echo "$salida" | grep -m1 -E '^[✔✘]')"
  else
    fallan=$((fallan + 1))
    echo "  ✘ $modo, $que: fugas.sh salió con $rc (se esperaba $esperado)"
    echo "$salida" | sed 's/^/      /'
  fi
}
for modo in valgrind asan; do
  dir=$normal
  [ "$modo" = asan ] && dir=$asan
  juzgar "$modo" "$dir/limpio" 0 "una prueba limpia pasa"
  juzgar "$modo" "$dir/fuga" 1 "una fuga suspende"
  juzgar "$modo" "$dir/estrella" 1 "una prueba que muere por una señal no cuenta como limpia"
done
echo "resumen: $((pasan + fallan)) comprobaciones, $pasan pasan, $fallan fallan"
[ "$fallan" -eq 0 ]
