#!/usr/bin/env bash
# comparar-clima.sh — el agregador del laboratorio 10 (solución en C sobre libuv y el cliente
# HTTP del curso) contra el mismo programa escrito como lo escribe el curso de Python
# (clima_aiohttp.py: aiohttp + asyncio.gather), en la misma ejecución y contra el mismo
# servidor de práctica, que tarda 50 ms en responder cada petición.
#
# Uso: comparar-clima.sh DIR_BUILD [CIUDADES=100] [REPETICIONES=3] [SIMULTANEAS=100]
#
# CIUDADES × 3 proveedores peticiones por ejecución (300 por omisión), como mucho SIMULTANEAS
# a la vez en los dos programas. De cada programa: tiempo transcurrido (el mejor de REPETICIONES)
# y tiempo de CPU, usuario + sistema (la mediana), y los cocientes Python / C. Las ejecuciones
# se alternan (C, Python, C, Python…) para que la carga de la máquina les toque a los dos.
# Sale con 1 si algo falla: un programa que no sale con 0 o salidas distintas (las dos tienen
# que dar las mismas temperaturas y medias).
set -u
dir=$1; ciudades=${2:-100}; rep=${3:-3}; simultaneas=${4:-100}
aqui=$(cd "$(dirname "$0")" && pwd)
source "$aqui/../comun.sh"
solucion="$dir/soluciones/10-clima/clima"
python=/usr/bin/python3

arrancar_servidor "$dir/bin/servidor-practica" || exit 1
export CURSO_SERVIDOR=$SERVIDOR_URL

proveedores="$TMP_BENCH/proveedores.json"
cat >"$proveedores" <<'FIN'
{"proveedores": [
  {"nombre": "openweather", "url": "/clima/openweather?ciudad={ciudad}&unidades=kelvin&retraso=0.05",
   "ruta": "main.temp", "unidad": "K"},
  {"nombre": "weatherapi", "url": "/clima/weatherapi?ciudad={ciudad}&retraso=0.05",
   "ruta": "current.temp_c", "unidad": "C"},
  {"nombre": "weathergov", "url": "/clima/weathergov?ciudad={ciudad}&retraso=0.05",
   "ruta": "properties.periods.0.temperature", "unidad": "F"}
]}
FIN
lista=()
for i in $(seq "$ciudades"); do lista+=("Ciudad $i"); done

# medir NOMBRE ORDEN…: ejecuta y añade «transcurrido cpu» a $TMP_BENCH/NOMBRE.tiempos.
medir() {
  local nombre=$1; shift
  local TIMEFORMAT='%R %U %S'
  { time "$@" >"$TMP_BENCH/$nombre.out" 2>"$TMP_BENCH/$nombre.err"; } 2>"$TMP_BENCH/$nombre.t"
  local codigo=$?
  if [ "$codigo" != 0 ]; then
    echo "✘ $nombre salió con $codigo:" >&2; tail -n 5 "$TMP_BENCH/$nombre.err" >&2
    return 1
  fi
  awk '{ printf "%s %.3f\n", $1, $2 + $3 }' "$TMP_BENCH/$nombre.t" >>"$TMP_BENCH/$nombre.tiempos"
}

fallos=0
for _ in $(seq "$rep"); do
  medir c "$solucion" -c "$simultaneas" -f "$proveedores" "${lista[@]}" || fallos=1
  medir python "$python" "$aqui/clima_aiohttp.py" -c "$simultaneas" -f "$proveedores" \
    "${lista[@]}" || fallos=1
done
[ "$fallos" = 0 ] || exit 1
if ! diff -q "$TMP_BENCH/c.out" "$TMP_BENCH/python.out" >/dev/null; then
  echo "✘ las dos salidas no coinciden:" >&2
  diff "$TMP_BENCH/c.out" "$TMP_BENCH/python.out" | head -n 10 >&2
  exit 1
fi
lineas=$(wc -l <"$TMP_BENCH/c.out")

transcurrido() { awk '{print $1}' "$TMP_BENCH/$1.tiempos" | sort -g | head -n1; }
cpu() { awk '{print $2}' "$TMP_BENCH/$1.tiempos" | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
pc=$(transcurrido c); pp=$(transcurrido python); cc=$(cpu c); cp=$(cpu python)
peticiones=$((ciudades * 3))
minimo_teorico=$(awk -v n="$peticiones" -v s="$simultaneas" 'BEGIN{printf "%.2f", int((n + s - 1) / s) * 0.05}')
echo "── Agregador del clima: $peticiones peticiones ($ciudades ciudades × 3 proveedores), 50 ms cada una, -c $simultaneas"
echo "   (mínimo teórico del tiempo transcurrido: $minimo_teorico s; $lineas líneas idénticas en los dos)"
printf '   %-28s %16s %12s\n' "" "transcurrido (s)" "CPU (s)"
printf '   %-28s %16s %12s\n' "C (libuv + cliente del curso)" "$pc" "$cc"
printf '   %-28s %16s %12s\n' "Python (aiohttp + gather)" "$pp" "$cp"
echo "   Python / C: transcurrido ×$(cociente "$pp" "$pc"), CPU ×$(cociente "$cp" "$cc")"
echo "   (objetivo: tiempo transcurrido ≤ el de aiohttp, CPU al menos 5 veces menor)"
