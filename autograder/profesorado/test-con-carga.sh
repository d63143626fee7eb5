#!/usr/bin/env bash
# test-con-carga.sh — `make test` varias veces seguidas en un clon limpio, con dos bucles que
# ocupan la CPU a su lado: la prueba de que ninguna verificación depende de tener la máquina
# libre (issue 32: «make test pasa tres veces seguidas con dos bucles ocupados al lado»).
#
#   test-con-carga.sh [VECES [CARPETA]]   VECES (3) ejecuciones de `make test` en un clon de
#                                         HEAD hecho en CARPETA (/tmp/test-con-carga), una tras
#                                         otra; para en la primera que falla
#
# Cada ejecución deja su salida en CARPETA/test-N.log y una línea en CARPETA/resumen.txt
# (resultado, segundos, carga media). Los bucles ocupados son dos procesos de shell en un grupo
# propio que se mata al salir (también con Ctrl+C o si se cierra la terminal): nada queda vivo.
# Un bucle por núcleo de esta máquina de 2 núcleos dobla la cola de la CPU, como un portátil
# compilando otra cosa mientras el estudiante califica.
set -u
veces=${1:-3}
carpeta=${2:-/tmp/test-con-carga}
raiz=$(cd "$(dirname "$0")/../.." && pwd -P)
case "$veces" in '' | *[!0-9]*)
  echo "test-con-carga: VECES debe ser un número, no «$veces»" >&2
  exit 2
  ;;
esac
rm -rf "$carpeta"
mkdir -p "$carpeta" || exit 2
git clone -q "$raiz" "$carpeta/curso" || exit 2

# Los dos bucles, en su propio grupo de procesos (setsid), para matarlos juntos.
setsid bash -c 'while :; do :; done & while :; do :; done & wait' &
grupo=$!
parar() {
  kill -TERM -- "-$grupo" 2>/dev/null
  wait "$grupo" 2>/dev/null
}
trap parar EXIT
trap 'exit 130' INT TERM HUP

cd "$carpeta/curso" || exit 2
estado=0
for n in $(seq 1 "$veces"); do
  inicio=$SECONDS
  if make test </dev/null >"$carpeta/test-$n.log" 2>&1; then r=pasa; else r=FALLA; fi
  carga=$(cut -d' ' -f1-3 /proc/loadavg)
  linea=$(grep -E '^pruebas: [0-9]+ passed' "$carpeta/test-$n.log" | tail -n1)
  printf '%s  ejecución %d: %s en %d s (carga %s) %s\n' "$(date +%H:%M)" "$n" "$r" \
    $((SECONDS - inicio)) "$carga" "$linea" | tee -a "$carpeta/resumen.txt"
  if [ "$r" != pasa ]; then
    grep -E '✘|FALLA|failed' "$carpeta/test-$n.log" | tail -n 20 >>"$carpeta/resumen.txt"
    estado=1
    break
  fi
done
exit "$estado"
