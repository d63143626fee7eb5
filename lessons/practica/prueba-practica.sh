#!/usr/bin/env bash
# prueba-practica.sh — demuestra que cada ejercicio de práctica de las lecciones tiene
# dientes (suite prueba-practica de make test): para cada lessons/NN-tema/practica/N-nombre/,
#   1. su respuesta (solutions/practica/NN-tema/N-nombre/ejercicio.c) pasa todos los casos;
#   2. el ejercicio.c de partida, sin tocar, compila y falla al menos un caso;
#   3. cada mutante (autograder/mutantes/practica/NN-tema/N-nombre/*.patch, un error
#      realista aplicado a la respuesta) pierde justo los casos de su cabecera
#      «# Debe fallar: caso1 caso2», ni uno más ni uno menos.
# Los ejercicios van de dos en dos (PRACTICA_J). Uso: prueba-practica.sh [-B build] [LECCIÓN...]
set -u
aqui=$(cd "$(dirname "$0")" && pwd)
raiz=$(cd "$aqui/../.." && pwd)
cd "$raiz" || exit 1
B=build
if [ "${1:-}" = -B ]; then B=$2; shift 2; fi
J=${PRACTICA_J:-2}
mkdir -p "$B/pruebas-practica" "${TMPDIR:-/tmp}"
DIR=$(mktemp -d "$raiz/$B/pruebas-practica/ronda.XXXXXX")
trap 'rm -rf "$DIR"' EXIT

ejercicios=()
if [ $# -eq 0 ]; then set -- lessons/[0-9][0-9]*-*/; fi
for l in "$@"; do
  for e in "${l%/}"/practica/*/; do [ -f "$e/casos" ] && ejercicios+=("${e%/}"); done
done
if [ ${#ejercicios[@]} -eq 0 ]; then echo "resumen: 0 ejercicios (ninguno que probar)"; exit 1; fi

# probar_uno EJERCICIO: escribe en $DIR/<n>.txt líneas «ok texto» o «MAL texto».
probar_uno() {
  local ej=$1 leccion nombre clave sal res resp m falla esperados obtenidos tmp
  leccion=$(basename "$(dirname "$(dirname "$ej")")"); nombre=$(basename "$ej")
  clave="$leccion/$nombre"
  sal="$DIR/${leccion}_$nombre.txt"; : >"$sal"
  tmp=$(mktemp -d "$DIR/trabajo.XXXXXX")
  local BB="$B/pruebas-practica/$leccion-$nombre"
  resp="solutions/practica/$leccion/$nombre/ejercicio.c"
  if [ ! -f "$resp" ]; then
    echo "MAL $clave: falta la respuesta $resp" >>"$sal"
  else
    res="$tmp/respuesta.res"
    bash "$aqui/practica.sh" -B "$BB/respuesta" --breve --codigo "$resp" --resultados "$res" "$ej" >"$tmp/respuesta.log" 2>&1
    falla=$(awk '$3 != "ok" { print $2 }' "$res" | tr '\n' ' ')
    if [ -s "$res" ] && [ -z "$falla" ]; then echo "ok $clave: la respuesta pasa los $(wc -l <"$res") casos" >>"$sal"
    else echo "MAL $clave: la respuesta falla: ${falla:-no se calificó}$(sed 's/^/\n      /' "$tmp/respuesta.log" | tail -n 40)" >>"$sal"; fi
  fi
  res="$tmp/partida.res"
  bash "$aqui/practica.sh" -B "$BB/partida" --breve --resultados "$res" "$ej" >"$tmp/partida.log" 2>&1
  if grep -q 'no compila' "$tmp/partida.log"; then
    echo "MAL $clave: la partida no compila$(sed 's/^/\n      /' "$tmp/partida.log" | tail -n 20)" >>"$sal"
  elif awk '$3 != "ok" { f = 1 } END { exit !f }' "$res"; then
    echo "ok $clave: la partida compila y falla $(awk '$3 != "ok"' "$res" | wc -l) de $(wc -l <"$res") casos" >>"$sal"
  else
    echo "MAL $clave: la partida sin tocar pasa todos los casos" >>"$sal"
  fi
  local n=0
  for m in autograder/mutantes/practica/"$leccion"/"$nombre"/*.patch; do
    [ -f "$m" ] || continue
    n=$((n + 1))
    esperados=$(sed -n 's/^# Debe fallar: *//p' "$m" | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ')
    local mdir="$tmp/mutante-$n"
    mkdir -p "$mdir"
    cp "$resp" "$mdir/ejercicio.c"
    if ! patch -s -d "$mdir" -p1 <"$m" >"$mdir/patch.log" 2>&1; then
      echo "MAL $clave: el mutante $(basename "$m") no se aplica a la respuesta: $(cat "$mdir/patch.log")" >>"$sal"
      continue
    fi
    res="$mdir/res"
    bash "$aqui/practica.sh" -B "$BB/mutante-$n" --breve --codigo "$mdir/ejercicio.c" --resultados "$res" "$ej" >"$mdir/log" 2>&1
    obtenidos=$(awk '$3 != "ok" { print $2 }' "$res" | sort | tr '\n' ' ')
    if [ -n "$esperados" ] && [ "$esperados" = "$obtenidos" ]; then
      echo "ok $clave: el mutante $(basename "$m" .patch) pierde justo: $esperados" >>"$sal"
    else
      echo "MAL $clave: el mutante $(basename "$m" .patch) debía perder «$esperados» y perdió «$obtenidos»$(sed 's/^/\n      /' "$mdir/log" | tail -n 20)" >>"$sal"
    fi
  done
  [ "$n" -gt 0 ] || echo "MAL $clave: no tiene ningún mutante (autograder/mutantes/practica/$clave/*.patch)" >>"$sal"
  rm -rf "$tmp"
}
export -f probar_uno
export DIR B aqui

printf '%s\n' "${ejercicios[@]}" | xargs -P "$J" -I{} bash -c 'probar_uno "$1"' _ {}
cat "$DIR"/*.txt | sed 's/^ok /  ✔ /; s/^MAL /  ✘ /'
pasan=$(cat "$DIR"/*.txt | grep -c "^ok ")
fallan=$(cat "$DIR"/*.txt | grep -c "^MAL ")
echo "resumen: ${#ejercicios[@]} ejercicios, $pasan comprobaciones bien, $fallan mal"
[ "$fallan" -eq 0 ]
