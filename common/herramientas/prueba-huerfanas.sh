#!/usr/bin/env bash
# prueba-huerfanas.sh — postgres.sh no deja clústeres huérfanos en /tmp (parte de make prueba-bd).
#
# Con una ruta DIR larga (el socket no cabe en sun_path), los datos van a /tmp/curso-bd.XXXXXX
# (LOC). Si a quien arrancó el servidor lo matan y alguien borra DIR sin «postgres.sh borrar»
# (el ejecutor borra el TMPDIR de una calificación), LOC quedaba para siempre: ~180 MB cada vez.
# Aquí: un LOC huérfano (servidor parado, DIR borrada) desaparece al arrancar otro servidor; uno
# cuya DIR sigue (parado, como tras make bd-parar) y otro con su servidor en marcha, no.
set -u
raiz=$(cd "$(dirname "$0")/../.." && pwd)
pg="$raiz/common/herramientas/postgres.sh"
base=$(mktemp -d "${TMPDIR:-/tmp}/huerfanas.XXXXXX") || exit 1
largo=$(printf 'l%.0s' $(seq 100))
huerfana="$base/$largo/h" sigue="$base/$largo/s" viva="$base/$largo/v" otra="$base/o"
fallos=0
mal() { echo "✘ $*"; fallos=$((fallos + 1)); }
limpiar() {
  for d in "$huerfana" "$sigue" "$viva" "$otra"; do bash "$pg" borrar "$d" >/dev/null 2>&1; done
  [ -n "${loc_v:-}" ] && [ -d "$loc_v" ] && {
    p=$(head -n1 "$loc_v/datos/postmaster.pid" 2>/dev/null) && kill -INT "$p" 2>/dev/null
    sleep 1
    rm -rf --one-file-system "$loc_v"
  }
  rm -rf "$base"
}
trap limpiar EXIT
for d in "$huerfana" "$sigue" "$viva"; do
  bash "$pg" iniciar "$d" >/dev/null || { echo "✘ no arrancó un servidor en $d"; exit 1; }
done
loc_h=$(cat "$huerfana/ubicacion") loc_s=$(cat "$sigue/ubicacion") loc_v=$(cat "$viva/ubicacion")
bash "$pg" parar "$huerfana" >/dev/null && bash "$pg" parar "$sigue" >/dev/null
rm -rf "$huerfana" "$viva"   # como el ejecutor: DIR borrada sin «borrar»
[ -d "$loc_h" ] && [ -d "$loc_v" ] || mal "los LOC de /tmp no estaban donde se esperaba"
bash "$pg" iniciar "$otra" >/dev/null || mal "no arrancó el servidor que barre"
[ -d "$loc_h" ] && mal "el LOC huérfano ($loc_h) sigue en /tmp tras arrancar otro servidor"
[ -d "$loc_s" ] || mal "se borró el LOC de un servidor parado cuya DIR sigue ($loc_s)"
[ -d "$loc_v" ] || mal "se borró el LOC de un servidor en marcha ($loc_v)"
if [ "$fallos" = 0 ]; then
  echo "✔ postgres.sh: un clúster huérfano en /tmp se borra al arrancar otro; uno parado con su DIR y uno en marcha, no"
fi
exit "$fallos"
