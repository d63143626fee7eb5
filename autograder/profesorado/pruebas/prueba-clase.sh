#!/usr/bin/env bash
# prueba-clase.sh B — `make grade-clase`: una clase de 10 entregas del laboratorio 07 (si no
# está, el primero que haya), calificada dos veces con J=2:
#   dos soluciones (una metida en una subcarpeta y con archivos de más), un mutante, una
#   que no compila, una vacía, una con el archivo en dos subcarpetas, una con el archivo de
#   más de 1 MiB, una que usa system() (no se califica), una hostil que intenta escribir en
#   el informe de otro estudiante y en el curso, y una colgada que ignora las señales. (Pocas
#   calificaciones enteras: son las caras.) Se exige: notas.csv con una fila por entrega y sus
#   columnas; las soluciones al 100 % (aunque la hostil apuntara a su informe), el mutante
#   por debajo, la hostil y la colgada con nota baja; las notas de cada fila (archivos
#   ignorados, tomados de una subcarpeta, que faltan, ambiguos, enormes, medios
#   prohibidos); el resumen del profesorado (media, mediana,
#   las que más fallan); las dos pasadas dan el mismo notas.csv (salvo la columna de
#   segundos, que es tiempo de reloj); ENTREGAS queda intacta y no queda ningún proceso.
# Última línea: «resumen: …».
set -u
RAIZ=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$RAIZ" || exit 1
B=$(realpath -m "${1:-build}")
# shellcheck source=../../pruebas/comun.sh
source "$RAIZ/autograder/pruebas/comun.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prueba-clase.XXXXXX")
chmod 755 "$TMP"
trap '[ -n "${CONSERVAR:-}" ] || rm -rf "$TMP"' EXIT
MARCA="prueba-clase-$$-$RANDOM"
J=${J_CLASE:-2}
# make test corre dos suites a la vez en una máquina de 2 núcleos: con J=2, cada calificación
# corre la mitad de sus verificaciones a la vez, y entre las dos, las de un make grade. Los
# márgenes de tiempo de las verificaciones están pensados para esa carga.
TRABAJOS_CLASE=${TRABAJOS_CLASE:-4}

lab=$("$CALIFICAR" --raiz "$RAIZ" --lista --lab 07 2>/dev/null | awk -F'\t' '$2 == "programa" { print $1 }')
[ -n "$lab" ] || lab=$("$CALIFICAR" --raiz "$RAIZ" --lista | awk -F'\t' '$2 == "programa" { print $1 }' | sort | head -n1)
numero=${lab:0:2}
mapfile -t archivos < <("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab" | awk -F'\t' '$2 == "archivo" { print $3 }')
principal=""
for a in "${archivos[@]}"; do case "$a" in *.c) principal=${principal:-$a} ;; esac; done
echo "── $lab"
if [ ! -d "solutions/$lab" ]; then
  salta "sin solutions/$lab en esta copia: no hay clase que montar"
  resumen_final
  exit 0
fi
SAL="$B/clase/$lab"

# La clase. Cada entrega parte de la solución (todos los archivos) y cambia lo suyo.
E="$TMP/entregas"
nueva() { mkdir -p "$E/$1" && cp solutions/"$lab"/* "$E/$1"/; }
nueva ana-solucion
mkdir -p "$E/carlos-subcarpeta/mi proyecto/src"
cp solutions/"$lab"/* "$E/carlos-subcarpeta/mi proyecto/src/"
echo "notas" >"$E/carlos-subcarpeta/LEEME.txt"
printf '\x7fELF basura' >"$E/carlos-subcarpeta/a.out"
ln -s /etc/passwd "$E/carlos-subcarpeta/enlace"
# Un mutante cuyo fallo no depende del reloj: en el 07, uno de validar la entrada; en otro
# laboratorio, el primero sin «# Puede fallar».
mutantes=()
for parche in autograder/mutantes/"$lab"/{limite_atoi,url_empieza_http}.patch autograder/mutantes/"$lab"/*.patch; do
  [ -e "$parche" ] && ! grep -q '^# Puede fallar' "$parche" && [[ " ${mutantes[*]} " != *" $parche "* ]] &&
    mutantes+=("$parche")
  [ "${#mutantes[@]}" -ge 1 ] && break
done
for parche in "${mutantes[@]}"; do
  nombre="mutante-$(basename "$parche" .patch | tr '_' '-')"
  nueva "$nombre"
  patch -s --no-backup-if-mismatch -p1 -d "$E/$nombre" <"$parche"
done
nueva dani-no-compila
printf 'int main(void) { return 0 }\n' >"$E/dani-no-compila/$principal"
mkdir -p "$E/eva-vacia" && echo "se me olvidó" >"$E/eva-vacia/LEEME.md"
nueva fran-system
printf '#include <stdlib.h>\nint main(void) { return system("true"); }\n' >"$E/fran-system/$principal"
# Dos con el archivo del laboratorio en dos subcarpetas (¿cuál?) y uno de más de 1 MiB.
mkdir -p "$E/irene-dos-copias/v1" "$E/irene-dos-copias/v2"
cp "solutions/$lab/$principal" "$E/irene-dos-copias/v1/"
cp "solutions/$lab/$principal" "$E/irene-dos-copias/v2/"
nueva jorge-enorme
head -c 1100000 /dev/zero | tr '\0' ' ' >>"$E/jorge-enorme/$principal"
if [ "$lab" = 07-monitor-web ]; then
  nueva gema-hostil
  sed -e "s|@RAIZ@|$RAIZ|g" -e "s|@SALIDA@|$SAL/alumnos/ana-solucion|g" autograder/hostiles/escribe.c >"$E/gema-hostil/$principal"
  nueva hugo-colgada
  cp autograder/hostiles/ignora_senales.c "$E/hugo-colgada/$principal"
fi
n_entregas=$(find "$E" -mindepth 1 -maxdepth 1 -type d | wc -l)
huella_entregas() { (cd "$E" && find . -print0 | sort -z | xargs -0 stat -c '%n %s %Y %a' | sha256sum | cut -c1-16); }
huella_curso() { find labs solutions autograder common/include -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16; }
h_entregas=$(huella_entregas)
h_curso=$(huella_curso)

# pasada N: make grade-clase; deja notas.csv en $TMP/notas-N.csv.
pasada() {
  local t0=$SECONDS
  CURSO_PRUEBAS_MARCA="$MARCA" make --no-print-directory -s grade-clase LAB="$numero" ENTREGAS="$E" J="$J" \
    TRABAJOS="$TRABAJOS_CLASE" \
    >"$TMP/pasada-$1.txt" 2>&1
  rc=$? segundos=$((SECONDS - t0))
  cp "$SAL/notas.csv" "$TMP/notas-$1.csv" 2>/dev/null
  # Qué falló a cada uno, para explicar una diferencia entre pasadas.
  for r in "$SAL"/alumnos/*/results.json; do
    printf '%s: %s\n' "$(basename "$(dirname "$r")")" "$(python3 -c 'import json,sys; print(" ".join(t["extra_data"]["id"] for t in json.load(open(sys.argv[1]))["tests"] if t["status"] != "passed"))' "$r" 2>/dev/null)"
  done >"$TMP/fallos-$1.txt"
}
pasada 1
if [ "$rc" = 0 ] && [ -f "$TMP/notas-1.csv" ] && [ "$(wc -l <"$TMP/notas-1.csv")" = $((n_entregas + 1)) ] &&
  head -n1 "$TMP/notas-1.csv" | grep -qx 'alumno,puntos,maximo,porcentaje,compila,segundos,nota'; then
  bien "grade-clase: $n_entregas entregas en $segundos s (J=$J, TRABAJOS=$TRABAJOS_CLASE), notas.csv con una fila por entrega"
else
  mal clase "grade-clase (rc=$rc): $(tail -n 20 "$TMP/pasada-1.txt")"
  resumen_final
  exit 1
fi

# col ALUMNO N: la columna N (1…7) de su fila.
col() { python3 -c 'import csv,sys
for f in csv.reader(open(sys.argv[1], encoding="utf-8")):
    if f[0] == sys.argv[2]: print(f[int(sys.argv[3]) - 1])' "$TMP/notas-1.csv" "$1" "$2"; }
comprobar() { # comprobar ETIQUETA CONDICIÓN…
  local etiqueta=$1
  shift
  if "$@"; then bien "$etiqueta"; else mal "${etiqueta%%:*}" "$etiqueta — fila: $(grep "^${etiqueta%%:*}," "$TMP/notas-1.csv")"; fi
}
es() { [ "$1" = "$2" ]; }
bajo() { [ -n "$1" ] && [ "$1" -le 20 ]; }
contiene() { [[ "$1" == *"$2"* ]]; }
for a in ana-solucion carlos-subcarpeta; do
  comprobar "$a: 100 %" es "$(col "$a" 4)" 100
done
comprobar "carlos-subcarpeta: anota el archivo tomado de la subcarpeta y los ignorados" \
  contiene "$(col carlos-subcarpeta 7)" "tomado de mi?proyecto/src/$principal"
comprobar "carlos-subcarpeta: los ignorados, enlace incluido" contiene "$(col carlos-subcarpeta 7)" "LEEME.txt, a.out, enlace"
for parche in "${mutantes[@]}"; do
  nombre="mutante-$(basename "$parche" .patch | tr '_' '-')"
  p=$(col "$nombre" 4)
  comprobar "$nombre: por debajo del 100 % ($p %)" test "$p" -lt 100
done
comprobar "dani-no-compila: 0 % y compila=no" es "$(col dani-no-compila 4)/$(col dani-no-compila 5)" "0/no"
comprobar "eva-vacia: 0 % y la nota dice qué falta y qué se ignoró" \
  contiene "$(col eva-vacia 4) $(col eva-vacia 7)" "0 Entrega: falta $principal; se ignoran 1 archivo(s) que no son del laboratorio: LEEME.md"
comprobar "irene-dos-copias: 0 % y la nota dice que no se sabe cuál calificar" \
  contiene "$(col irene-dos-copias 4) $(col irene-dos-copias 7)" "0 Entrega: hay 2 archivos $principal en subcarpetas: no se sabe cuál calificar"
comprobar "jorge-enorme: 0 % y la nota dice que pasa de 1 MiB" \
  contiene "$(col jorge-enorme 4) $(col jorge-enorme 7)" "0 Entrega: $principal pasa de 1 MiB: no se toma"
comprobar "fran-system: la nota dice que no se califica y por qué (system)" \
  contiene "$(col fran-system 7)" "no se califica: $principal usa system"
if [ "$lab" = 07-monitor-web ]; then
  comprobar "gema-hostil: nota baja ($(col gema-hostil 4) %)" bajo "$(col gema-hostil 4)"
  comprobar "hugo-colgada: nota baja ($(col hugo-colgada 4) %)" bajo "$(col hugo-colgada 4)"
  comprobar "ana-solucion: el informe que atacó la hostil es el suyo (100 %, nada forjado)" \
    test "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["score"])' "$SAL/alumnos/ana-solucion/results.json")" = \
    "$(col ana-solucion 2)" -a ! -e "$SAL/alumnos/ana-solucion/HACKEADO"
fi
# Informes de cada estudiante y el resumen del profesorado.
faltan=""
for d in "$E"/*/; do
  a=$(basename "$d")
  for f in informe.txt results.json junit.xml terminal.txt; do [ -s "$SAL/alumnos/$a/$f" ] || faltan+=" $a/$f"; done
done
comprobar "informes: informe.txt, results.json, junit.xml y terminal.txt de cada estudiante${faltan:+ (faltan$faltan)}" test -z "$faltan"
resumen=$(cat "$TMP/pasada-1.txt")
comprobar "resumen en pantalla: media, mediana, las que más fallan y entregas/min" \
  test -n "$(grep -E '^Media [0-9.]+ % · mediana' <<<"$resumen")" -a -n "$(grep -F 'Las verificaciones que más fallan:' <<<"$resumen")" \
  -a -n "$(grep -F 'entregas/min' <<<"$resumen")" -a -s "$SAL/resumen.txt"

# Segunda pasada: las mismas notas.
pasada 2
if [ "$rc" = 0 ] && diff <(cut -d, -f1-5,7- "$TMP/notas-1.csv") <(cut -d, -f1-5,7- "$TMP/notas-2.csv") >"$TMP/diff.txt"; then
  bien "segunda pasada ($segundos s): el mismo notas.csv (salvo los segundos)"
else
  mal repetible "la segunda pasada (rc=$rc) da otras notas: $(cat "$TMP/diff.txt"); lo que falló en cada una: $(diff "$TMP/fallos-1.txt" "$TMP/fallos-2.txt" | grep '^[<>]')"
fi
comprobar "ENTREGAS queda intacta y el curso también" test "$(huella_entregas)/$(huella_curso)" = "$h_entregas/$h_curso"
vivos=""
for d in /proc/[0-9]*; do
  tr '\0' '\n' 2>/dev/null <"$d/environ" | grep -qxF "CURSO_PRUEBAS_MARCA=$MARCA" && vivos+="${d#/proc/} "
done
comprobar "ningún proceso de la clase queda vivo" test -z "$vivos"
rm -rf "$SAL"

resumen_final
