#!/usr/bin/env bash
# lineas-hitos.sh — cuánto código escribe un estudiante en cada hito de un laboratorio.
#
# Uso: bash autograder/herramientas/lineas-hitos.sh [NN]     (make lineas-hitos LAB=NN)
#
# Para cada hito de lab.json, en orden: sus verificaciones, sus horas («horas» de lab.json)
# y las líneas de código nuevas desde el paso anterior (el programa de partida para el
# primero; el programa del hito anterior, labs/NN-tema/.calificador/hitos/<id>.patch
# aplicado a la solución, para los demás; la solución es el último). «Línea de código» quiere decir una
# línea que no está en blanco después de quitar los comentarios (gcc -fpreprocessed -E -P):
# un comentario no es trabajo del estudiante. Se cuentan las líneas del paso nuevo que no
# están, iguales, en el anterior (diff: añadidas más cambiadas).
#
# Salida: una línea por hito, separada por tabuladores, que prueba-labs.sh lee:
#   LAB  ID  VERIFICACIONES  HORAS  LINEAS_NUEVAS  TITULO
# HORAS es «-» si lab.json no las da; LINEAS_NUEVAS es «?» si no se puede contar: sin la
# solución o sin el programa del hito (la edición del estudiante no los trae) o si su parche
# no se aplica (prueba-labs lo dice aparte).
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ" || exit 1
FILTRO=${1:-}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lineas-hitos.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# codigo ARCHIVO: sus líneas de código, sin comentarios ni líneas en blanco. Sin las
# directivas expandidas (-fpreprocessed): un #include cuenta como una línea, igual que en
# el archivo.
codigo() {
  if [ -f "$1" ]; then
    gcc -fpreprocessed -dD -E -P -x c "$1" 2>/dev/null | grep -v '^[[:space:]]*$'
  fi
}

# nuevas ANTES DESPUES ARCHIVOS…: líneas de código de DESPUES que no están en ANTES.
nuevas() {
  local antes=$1 despues=$2 f n=0 a
  shift 2
  for f in "$@"; do
    a=$(diff <(codigo "$antes/$f") <(codigo "$despues/$f") | grep -c '^>')
    n=$((n + a))
  done
  echo "$n"
}

for lab_json in labs/[0-9][0-9]-*/lab.json; do
  lab=$(basename "$(dirname "$lab_json")")
  case "$lab" in "$FILTRO"*) ;; *) continue ;; esac
  # Los archivos que escribe el estudiante (solo los de C: lo demás no es código).
  mapfile -t archivos < <(python3 -c '
import json, sys
for a in json.load(open(sys.argv[1]))["archivos"]:
    if a.endswith((".c", ".h")):
        print(a)' "$lab_json")
  rm -rf "$TMP/anterior" && mkdir -p "$TMP/anterior"
  ultimo=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["hitos"][-1]["id"])' "$lab_json")
  falta=0
  cp -p "labs/$lab"/*.[ch] "$TMP/anterior"/ 2>/dev/null
  while IFS=$'\t' read -r id vs horas titulo; do
    rm -rf "$TMP/hito" && mkdir -p "$TMP/hito"
    [ -d "solutions/$lab" ] && bash autograder/herramientas/partidas.sh copiar-solucion "$lab" "$TMP/hito"
    n="?"
    if [ -d "solutions/$lab" ] && [ "$falta" = 0 ]; then
      # Sin el parche (la edición del estudiante con la solución publicada): «?», sin el
      # error de bash de una redirección a un archivo que no está.
      parche="labs/$lab/.calificador/hitos/$id.patch"
      if [ "$id" = "$ultimo" ] ||
        { [ -f "$parche" ] && patch -s -p1 -d "$TMP/hito" <"$parche" >/dev/null 2>&1; }; then
        n=$(nuevas "$TMP/anterior" "$TMP/hito" "${archivos[@]}")
      else
        falta=1 # sin este paso, el siguiente no tiene con qué compararse
      fi
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$lab" "$id" "$(wc -w <<<"$vs" | tr -d ' ')" "$horas" "$n" "$titulo"
    rm -rf "$TMP/anterior" && mv "$TMP/hito" "$TMP/anterior"
  done < <(python3 -c '
import json, sys
for h in json.load(open(sys.argv[1]))["hitos"]:
    print("\t".join([h["id"], " ".join(h["verificaciones"]), str(h.get("horas", "-")), h["titulo"]]))' "$lab_json")
done
