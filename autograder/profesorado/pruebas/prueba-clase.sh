#!/usr/bin/env bash
# prueba-clase.sh B — `make grade-clase`: una clase del laboratorio 07 (si no está, el primero
# que haya) con J=2, en dos partes:
#   · la clase entera (el laboratorio entero, dos veces): la solución, un mutante, una hostil
#     que intenta escribir en el informe de la solución y en el curso, una colgada que ignora
#     las señales, una que no compila, una vacía y una que usa system() (no se califica);
#   · la recogida (con HITO= el primer hito): copias de la solución entregadas de cada forma
#     (en una subcarpeta y con archivos de más, con el nombre de Moodle, «monitor (1).c», en un
#     zip, el repositorio entero, partida en util.c/util.h), una con system() en util.c, una
#     con el archivo en dos subcarpetas y una de más de 1 MiB. Lo que se prueba ahí es qué
#     programa se toma de cada una, y eso lo decide ya el primer hito (sin el archivo, o con
#     otro, no compila o no es el mismo); calificar entera cada copia de la solución era lo más
#     caro de esta prueba (unos 15 s cada una).
#   Se exige: notas.csv con una fila por entrega y sus columnas; la solución al 100 % (aunque
#   la hostil apuntara a su informe) y sus copias al 100 % del hito, el mutante por debajo, la
#   hostil y la colgada con nota baja; las notas de cada fila (archivos ignorados, tomados de
#   una subcarpeta, que faltan, ambiguos, enormes, medios prohibidos); el resumen del
#   profesorado (media, mediana, las que más fallan); las dos pasadas de la clase entera dan
#   las mismas filas de notas.csv (salvo la columna de segundos, que es tiempo de reloj);
#   ENTREGAS queda intacta y no queda ningún proceso. Y
#   el zip de «Descargar entregas» de VPL (dos estudiantes, uno con dos entregas): la última
#   de cada uno, el nombre y el id de Moodle de su carpeta. Y lo que exporta GitHub Classroom:
#   classroom_roster.csv y la carpeta de `gh classroom clone` (un repositorio por estudiante).
#   Estas dos, con HITO= el primer hito (sus notas, en su propia carpeta).
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
# Sin TRABAJOS, como lo llama un profesor: con J=2, grade-clase reparte entre las dos las
# verificaciones a la vez de lab.json (las de un make grade: 4 y 4 en el 07), y esta prueba
# comprueba que no las multiplica. TRABAJOS_CLASE=n fija n en cada una (TRABAJOS=n).
TRABAJOS_CLASE=${TRABAJOS_CLASE:-}

lab=$("$CALIFICAR" --raiz "$RAIZ" --lista --lab 07 2>/dev/null | awk -F'\t' '$2 == "programa" { print $1 }')
[ -n "$lab" ] || lab=$("$CALIFICAR" --raiz "$RAIZ" --lista | awk -F'\t' '$2 == "programa" { print $1 }' | sort | head -n1)
numero=${lab:0:2}
trabajos_lab=$("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab" | awk -F'\t' '$2 == "trabajos" { print $3 }')
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
# laboratorio, el primero sin puede_fallar (labs/NN-tema/.calificador/mutantes.tsv).
mutantes=()
for parche in labs/"$lab"/.calificador/mutantes/{limite_atoi,url_empieza_http}.patch labs/"$lab"/.calificador/mutantes/*.patch; do
  [ -e "$parche" ] && [ "$(bash autograder/herramientas/tabla-mutantes.sh fila "$lab" mutante "$(basename "$parche" .patch)" | cut -f5)" = - ] &&
    [[ " ${mutantes[*]} " != *" $parche "* ]] &&
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
# Las entregas corrientes que antes sacaban un 0: nombres de Moodle, mayúsculas, copias
# « (n)», un zip (con miembros hostiles que no deben salir), el repositorio entero y el código
# partido en util.c/util.h; y uno que esconde system() en su util.c.
MOODLE="Ana García López_301245_assignsubmission_file_"
mkdir -p "$E/$MOODLE" && cp "solutions/$lab/$principal" "$E/$MOODLE/${principal^}"
mkdir -p "$E/bea-copia" && cp "solutions/$lab/$principal" "$E/bea-copia/${principal%.c} (1).c"
mkdir -p "$E/ciro-zip" "$TMP/zip"
python3 - "$E/ciro-zip/entrega.zip" "solutions/$lab/$principal" "$principal" <<'PY'
import stat, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.write(sys.argv[2], "mi entrega/" + sys.argv[3])
    z.writestr("../../../escapado.txt", "fuera")          # ruta que escapa
    z.writestr("/tmp/absoluto.txt", "fuera")              # ruta absoluta
    i = zipfile.ZipInfo("enlace")                          # enlace simbólico
    i.external_attr = (stat.S_IFLNK | 0o777) << 16
    z.writestr(i, "/etc/passwd")
PY
mkdir -p "$E/dora-repo/curso"
git ls-files -z labs lessons/01-* | head -z -n 300 | xargs -0 cp --parents -t "$E/dora-repo/curso"
cp "solutions/$lab/$principal" "$E/dora-repo/curso/labs/$lab/"
nueva elena-partido
python3 - "$E/elena-partido" "$principal" <<'PY'
import re, sys
d, principal = sys.argv[1], sys.argv[2]
src = open(f"{d}/{principal}", encoding="utf-8").read()
m = re.search(r"^static char \*leer_url\(const char \*texto\)\n\{.*?^\}\n", src, re.S | re.M)
if not m:
    sys.exit("no encuentro leer_url en la solución")
incl = "".join(l + "\n" for l in src.splitlines() if l.startswith("#include") or l.startswith("#define _"))
open(f"{d}/util.h", "w").write("/* util.h */\nchar *leer_url(const char *texto);\n")
open(f"{d}/util.c", "w").write(incl + '#include "util.h"\n' + m.group(0).replace("static char", "char", 1))
open(f"{d}/{principal}", "w").write(src.replace(m.group(0), "").replace("#include", '#include "util.h"\n#include', 1))
PY
cp -r "$E/elena-partido" "$E/fede-util-system"
printf '\n#include <stdlib.h>\nint util_truco(void) { return system("true"); }\n' >>"$E/fede-util-system/util.c"
touch "$E/suelto.zip"
# La recogida, aparte (ver la cabecera): las copias de la solución entregadas de cada forma y
# las que no se toman; no compila y system(), también aquí (baratas: no se ejecutan), para que
# la similitud tenga entregas distintas al lado de las copias.
ER="$TMP/entregas-recogida"
mkdir -p "$ER"
recogida=(carlos-subcarpeta "$MOODLE" bea-copia ciro-zip dora-repo elena-partido fede-util-system irene-dos-copias jorge-enorme)
for a in "${recogida[@]}"; do mv "$E/$a" "$ER/"; done
cp -a "$E/dani-no-compila" "$E/fran-system" "$ER/"
n_entregas=$(find "$E" -mindepth 1 -maxdepth 1 -type d | wc -l)
n_recogida=$(find "$ER" -mindepth 1 -maxdepth 1 -type d | wc -l)
huella_entregas() { (cd "$TMP" && find entregas entregas-recogida -print0 | sort -z | xargs -0 stat -c '%n %s %Y %a' | sha256sum | cut -c1-16); }
huella_curso() { find labs solutions autograder common/include -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16; }
h_entregas=$(huella_entregas)
h_curso=$(huella_curso)
hito1=$("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab" | awk -F'\t' '$2 == "hito" { print $3; exit }')
ids_hito1=$("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab" | awk -F'\t' -v h="$hito1" '$2 == "hito" && $3 == h { print $4 }')
SALH="$B/clase/$lab-hito-$hito1"

# pasada N [ENTREGAS [HITO]]: make grade-clase (de $E si no se dice otra; con HITO, solo
# hasta ese hito, y las notas en $SALH); deja notas.csv en $TMP/notas-N.csv.
pasada() {
  local t0=$SECONDS sal=$SAL
  [ -z "${3:-}" ] || sal=$SALH
  CURSO_PRUEBAS_MARCA="$MARCA" make --no-print-directory -s grade-clase LAB="$numero" ENTREGAS="${2:-$E}" J="$J" \
    ${3:+HITO="$3"} ${TRABAJOS_CLASE:+TRABAJOS="$TRABAJOS_CLASE"} \
    >"$TMP/pasada-$1.txt" 2>&1
  rc=$? segundos=$((SECONDS - t0))
  cp "$sal/notas.csv" "$TMP/notas-$1.csv" 2>/dev/null
  cp "$sal/resumen.txt" "$TMP/resumen-$1.txt" 2>/dev/null
  # Qué falló a cada uno, para explicar una diferencia entre pasadas.
  for r in "$sal"/alumnos/*/results.json; do
    printf '%s: %s\n' "$(basename "$(dirname "$r")")" "$(python3 -c 'import json,sys; print(" ".join(t["extra_data"]["id"] for t in json.load(open(sys.argv[1]))["tests"] if t["status"] != "passed"))' "$r" 2>/dev/null)"
  done >"$TMP/fallos-$1.txt"
  mkdir -p "$TMP/informes-$1"
  for r in "$sal"/alumnos/*/informe.txt; do cp "$r" "$TMP/informes-$1/$(basename "$(dirname "$r")").txt"; done
}
# pasada_bien N FILAS QUÉ: la pasada N salió bien, con notas.csv de FILAS filas y sus columnas;
# si no, se acaba aquí (lo demás no tendría qué mirar).
pasada_bien() {
  if [ "$rc" = 0 ] && [ -f "$TMP/notas-$1.csv" ] && [ "$(wc -l <"$TMP/notas-$1.csv")" = $(($2 + 1)) ] &&
    head -n1 "$TMP/notas-$1.csv" | grep -q '^alumno,puntos,maximo,porcentaje,compila,segundos,nota,estado,id,nota_10,compila,'; then
    bien "grade-clase$3: $2 entregas en $segundos s (J=$J${TRABAJOS_CLASE:+, TRABAJOS=$TRABAJOS_CLASE}), notas.csv con una fila por entrega"
  else
    mal clase "grade-clase$3 (rc=$rc): $(tail -n 20 "$TMP/pasada-$1.txt")"
    resumen_final
    exit 1
  fi
}
pasada 1
pasada_bien 1 "$n_entregas" ""

# Las verificaciones a la vez: las J calificaciones se reparten las de lab.json, no las
# multiplican (J × cada una ≤ trabajos, al menos 1 en cada una), y cada una corre las que dice.
if [ -z "$TRABAJOS_CLASE" ]; then
  cada=$(sed -n 's/^Calificando .*, [0-9]* a la vez (\([0-9]*\) verificaciones a la vez en cada una)…$/\1/p' "$TMP/pasada-1.txt")
  if [ -n "$cada" ] && [ -n "$trabajos_lab" ] && [ "$cada" -ge 1 ] &&
    { [ $((J * cada)) -le "$trabajos_lab" ] || [ "$cada" = 1 ]; }; then
    bien "grade-clase reparte las verificaciones a la vez: J=$J × $cada ≤ $trabajos_lab de lab.json"
  else
    mal clase-trabajos "grade-clase con J=$J y «trabajos»: ${trabajos_lab:-?} en lab.json corre «${cada:-?}» en cada una: $(grep -m1 '^Calificando' "$TMP/pasada-1.txt")"
  fi
fi

# col ALUMNO N: la columna N (1…10) de su fila en $TMP/notas-1.csv (la de la pasada que se
# mira: la clase entera primero, la recogida después).
col() { python3 -c 'import csv,sys
for f in csv.reader(open(sys.argv[1], encoding="utf-8")):
    if f[0] == sys.argv[2]: print(f[int(sys.argv[3]) - 1])' "$TMP/notas-1.csv" "$1" "$2"; }
# comprobar [--fila CLAVE] ETIQUETA CONDICIÓN…: si falla, enseña la fila de CLAVE en notas.csv
# (por omisión, lo que va antes de «:» en la etiqueta, que suele ser el nombre de la entrega).
comprobar() {
  local clave=""
  if [ "$1" = --fila ]; then clave=$2; shift 2; fi
  local etiqueta=$1
  shift
  clave=${clave:-${etiqueta%%:*}}
  if "$@"; then bien "$etiqueta"; else mal "${etiqueta%%:*}" "$etiqueta — fila: $(grep "^$clave," "$TMP/notas-1.csv")"; fi
}
es() { [ "$1" = "$2" ]; }
bajo() { [ -n "$1" ] && [ "$1" -le 20 ]; }
contiene() { [[ "$1" == *"$2"* ]]; }
# informes_de ENTREGAS SALIDA: los cuatro archivos de cada estudiante; imprime los que faltan.
informes_de() {
  local d a f
  for d in "$1"/*/; do
    a=$(basename "$d")
    for f in informe.txt results.json junit.xml terminal.txt; do [ -s "$2/alumnos/$a/$f" ] || printf ' %s' "$a/$f"; done
  done
}

# La clase entera.
comprobar "ana-solucion: 100 %" es "$(col ana-solucion 4)" 100
for parche in "${mutantes[@]}"; do
  nombre="mutante-$(basename "$parche" .patch | tr '_' '-')"
  p=$(col "$nombre" 4)
  comprobar "$nombre: por debajo del 100 % ($p %)" test "$p" -lt 100
done
comprobar "dani-no-compila: 0 %, compila=no, estado «no compila»" es "$(col dani-no-compila 4)/$(col dani-no-compila 5)/$(col dani-no-compila 8)" "0/no/no compila"
comprobar "eva-vacia: estado «sin entrega» (no «compila: no»)" es "$(col eva-vacia 8)" "sin entrega"
comprobar "fran-system: 0 puntos (no 4) y estado «no se califica»" es "$(col fran-system 2)/$(col fran-system 8)" "0/no se califica"
comprobar "ana-solucion: estado «calificada»" es "$(col ana-solucion 8)" "calificada"
comprobar "eva-vacia: 0 % y la nota dice qué falta y qué se ignoró" \
  contiene "$(col eva-vacia 4) $(col eva-vacia 7)" "0 Entrega: falta $principal; se ignoran 1 archivo(s) que no son del laboratorio: LEEME.md"
comprobar "fran-system: la nota dice que no se califica y por qué (system)" \
  contiene "$(col fran-system 7)" "no se califica: $principal usa system"
if [ "$lab" = 07-monitor-web ]; then
  comprobar "gema-hostil: nota baja ($(col gema-hostil 4) %)" bajo "$(col gema-hostil 4)"
  comprobar "hugo-colgada: nota baja ($(col hugo-colgada 4) %) y estado «se colgó»" test -n "$(bajo "$(col hugo-colgada 4)" && echo s)" -a "$(col hugo-colgada 8)" = "se colgó"
  comprobar "ana-solucion: el informe que atacó la hostil es el suyo (100 %, nada forjado)" \
    test "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["score"])' "$SAL/alumnos/ana-solucion/results.json")" = \
    "$(col ana-solucion 2)" -a ! -e "$SAL/alumnos/ana-solucion/HACKEADO"
fi
# Informes de cada estudiante y el resumen del profesorado.
faltan=$(informes_de "$E" "$SAL")
comprobar "informes: informe.txt, results.json, junit.xml y terminal.txt de cada estudiante${faltan:+ (faltan$faltan)}" test -z "$faltan"
resumen=$(cat "$TMP/pasada-1.txt")
comprobar "resumen en pantalla: media, mediana, las que más fallan y entregas/min" \
  test -n "$(grep -E '^Media [0-9.]+ % · mediana' <<<"$resumen")" -a -n "$(grep -F 'Las verificaciones que más fallan' <<<"$resumen")" \
  -a -n "$(grep -F 'entregas/min' <<<"$resumen")" -a -s "$SAL/resumen.txt"

comprobar "resumen: el archivo suelto de ENTREGAS se dice" test -n "$(grep -F 'Archivos sueltos en ENTREGAS' <<<"$resumen" | grep -F suelto.zip)"
n_corrieron=$(python3 -c 'import csv,sys; print(sum(f[7] in ("calificada", "se colgó") for f in list(csv.reader(open(sys.argv[1], encoding="utf-8")))[1:]))' "$TMP/notas-1.csv")
comprobar "resumen: «las que más fallan» solo entre las $n_corrieron que se calificaron (no las vacías)" \
  test -n "$(grep -F "Las verificaciones que más fallan (entre las $n_corrieron que se calificaron)" <<<"$resumen")"
cp "$TMP/notas-1.csv" "$TMP/notas-entera.csv"

# La recogida, con HITO= el primer hito: sus notas van a su propia carpeta ($SALH).
pasada recogida "$ER" "$hito1"
pasada_bien recogida "$n_recogida" " HITO=$hito1 (la recogida)"
cp "$TMP/notas-recogida.csv" "$TMP/notas-1.csv"
comprobar "HITO=$hito1: las notas van a $(basename "$SALH")/ y las de la clase entera siguen como estaban ($n_entregas filas)" \
  cmp -s "$SAL/notas.csv" "$TMP/notas-entera.csv"
comprobar "carlos-subcarpeta: 100 % (en el hito $hito1)" es "$(col carlos-subcarpeta 4)" 100
comprobar "carlos-subcarpeta: anota el archivo tomado de la subcarpeta y los ignorados" \
  contiene "$(col carlos-subcarpeta 7)" "tomado de mi proyecto/src/$principal"
comprobar "carlos-subcarpeta: los ignorados, enlace incluido" contiene "$(col carlos-subcarpeta 7)" "LEEME.txt, a.out, enlace"
comprobar "Moodle («${principal^}» en «$MOODLE»): 100 %, id 301245" es "$(col "$MOODLE" 4)/$(col "$MOODLE" 9)" "100/301245"
comprobar "bea-copia («${principal%.c} (1).c»): 100 % y el nombre real en la nota" \
  test "$(col bea-copia 4)" = 100 -a -n "$(grep -F "tomado de ${principal%.c} (1).c" <<<"$(col bea-copia 7)")"
comprobar "ciro-zip: 100 %, y los miembros hostiles del zip no se toman" \
  test "$(col ciro-zip 4)" = 100 -a -n "$(grep -F "3 miembro(s) con rutas que salen" <<<"$(col ciro-zip 7)")"
comprobar "ciro-zip: nada del zip salió de su sitio" test ! -e "$B/escapado.txt" -a ! -e /tmp/absoluto.txt -a ! -e "$SALH/escapado.txt"
comprobar "dora-repo (el repositorio entero): 100 % y dice que solo toma labs/$lab" \
  test "$(col dora-repo 4)" = 100 -a -n "$(grep -F "se toma solo curso/labs/$lab" <<<"$(col dora-repo 7)")"
comprobar "elena-partido (util.c/util.h, el laboratorio lo permite): 100 %" es "$(col elena-partido 4)" 100
comprobar "fede-util-system: system() en util.c también se ve: no se califica" \
  es "$(col fede-util-system 2)/$(col fede-util-system 8)" "0/no se califica"
# Sin «archivos_extra», un mensaje claro en vez de un error del enlazador a secas.
python3 autograder/herramientas/recoger.py --carpeta "$lab" --archivo "$principal" "$ER/elena-partido" "$TMP/sin-extra" >"$TMP/sin-extra.txt"
comprobar "sin archivos_extra: «util.c, util.h no se compila(n)…» y solo se copia $principal" \
  test -n "$(grep -F "util.c, util.h no se compila(n): en este laboratorio solo cuenta(n) $principal" "$TMP/sin-extra.txt")" -a "$(ls "$TMP/sin-extra")" = "$principal"
# Una bomba zip: se corta al leer (1 MiB por archivo), no por lo que dice la cabecera.
mkdir -p "$TMP/bomba"
python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)
z.writestr(sys.argv[2], b" " * (200 << 20)); z.close()' "$TMP/bomba/b.zip" "$principal"
python3 autograder/herramientas/recoger.py --carpeta "$lab" --archivo "$principal" "$TMP/bomba" "$TMP/bomba-sal" >"$TMP/bomba.txt"
comprobar "bomba zip de 200 MiB: «pasa de 1 MiB: no se toma» y nada en disco" \
  test -n "$(grep -F "$principal pasa de 1 MiB" "$TMP/bomba.txt")" -a -z "$(ls "$TMP/bomba-sal")"
comprobar "irene-dos-copias: 0 % y la nota dice que no se sabe cuál calificar" \
  contiene "$(col irene-dos-copias 4) $(col irene-dos-copias 7)" "0 Entrega: hay 2 archivos $principal en subcarpetas: no se sabe cuál calificar"
comprobar "jorge-enorme: 0 % y la nota dice que pasa de 1 MiB" \
  contiene "$(col jorge-enorme 4) $(col jorge-enorme 7)" "0 Entrega: $principal pasa de 1 MiB: no se toma"
faltan=$(informes_de "$ER" "$SALH")
comprobar "recogida: informe.txt, results.json, junit.xml y terminal.txt de cada estudiante${faltan:+ (faltan$faltan)}" test -z "$faltan"
# Entregas parecidas (sim_c): las copias de la solución (carlos, bea, ciro, dora y la de
# Moodle: cinco copias idénticas) salen juntas; las entregas distintas (dani, fran) no salen.
# Nunca cambia una nota (las notas ya están comprobadas arriba).
if command -v sim_c >/dev/null; then
  grupo=$(grep -m1 'Grupo de' "$SALH/similitud.txt")
  copias_ok=1
  for a in carlos-subcarpeta bea-copia ciro-zip dora-repo "$MOODLE"; do [[ "$grupo" == *"$a"* ]] || copias_ok=0; done
  honestas=""
  for a in dani-no-compila fran-system; do grep -qF "$a" "$SALH/similitud.txt" && honestas+=" $a"; done
  comprobar "similitud: las cinco copias de la solución salen en un grupo y las distintas no${honestas:+ (salen:$honestas)}" \
    test "$copias_ok" = 1 -a -z "$honestas" -a -n "$(grep -F 'Entregas parecidas' "$TMP/pasada-recogida.txt")"
elif apt-cache show apt >/dev/null 2>&1 && ! apt-cache show similarity-tester >/dev/null 2>&1; then
  # Debian 13 no trae similarity-tester: dependencias.sh no lo exige ahí (test?disponible).
  salta "similitud: esta distribución no trae similarity-tester (sim_c); no se buscan entregas parecidas"
else
  mal similitud "falta sim_c (similarity-tester): no se buscan entregas parecidas"
fi
comprobar "hojas: moodle-notas.csv, retroalimentacion.zip con la carpeta de Moodle" \
  test -s "$SALH/moodle-notas.csv" -a -n "$(unzip -Z1 "$SALH/retroalimentacion.zip" 2>/dev/null | grep -xF "$MOODLE/informe.txt")"
# notas-es.csv en una hoja de cálculo en español, de verdad: LibreOffice la abre con el filtro
# CSV («;», UTF-8, es-ES) y se leen las celdas del documento que escribe.
if command -v soffice >/dev/null; then
  mkdir -p "$TMP/lo"
  HOME="$TMP/lo" timeout 120 soffice --headless --norestore --infilter='CSV:59,34,76,1,,3082' \
    --convert-to fods --outdir "$TMP/lo" "$SALH/notas-es.csv" >"$TMP/lo/salida.txt" 2>&1
  python3 - "$TMP/lo/notas-es.fods" "$MOODLE" >"$TMP/lo/celdas.txt" 2>&1 <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}
T, O = "{%s}" % ns["table"], "{%s}" % ns["office"]
filas = []
for fila in ET.parse(sys.argv[1]).iter(T + "table-row"):
    celdas = []
    for c in fila.findall(T + "table-cell"):
        rep = int(c.get(T + "number-columns-repeated", "1"))
        texto = "".join(p.text or "" for p in c.iter("{%s}p" % ns["text"]))
        celdas += [(c.get(O + "value-type"), c.get(O + "value"), texto)] * min(rep, 50)
    filas.append(celdas)
cab = [t for _, _, t in filas[0] if t]
ana = next(f for f in filas if f and f[0][2] == "Ana García López")
nota = ana[cab.index("Nota (0-10)")]
print(f"columnas={len(cab)} nombre={ana[0][2]} id={ana[1][0]}:{ana[1][1]} nota={nota[0]}:{nota[1]}")
PY
  comprobar "LibreOffice (es-ES) lee notas-es.csv: «García» intacto, cada columna aparte, la nota un número ($(cat "$TMP/lo/celdas.txt" | tail -n1))" \
    test -n "$(grep -E '^columnas=(2[0-9]|1[0-9]) nombre=Ana García López id=float:301245 nota=float:10$' "$TMP/lo/celdas.txt")"
  # Y una nota con decimales: 7,5 es el número 7.5.
  printf '\xef\xbb\xbfEstudiante;Nota (0-10)\r\nZoe Núñez;7,5\r\n' >"$TMP/lo/decimal.csv"
  HOME="$TMP/lo" timeout 120 soffice --headless --norestore --infilter='CSV:59,34,76,1,,3082' \
    --convert-to fods --outdir "$TMP/lo" "$TMP/lo/decimal.csv" >/dev/null 2>&1
  comprobar "LibreOffice (es-ES): «7,5» es el número 7.5" \
    test -n "$(grep -o 'office:value-type="float" office:value="7.5"' "$TMP/lo/decimal.fods" 2>/dev/null)"
  # La coma decimal que escribe hojas.py: una nota de 7,5 sale «7,50».
  comprobar "notas-es.csv: coma decimal, «;» y BOM" test "$(head -c3 "$SALH/notas-es.csv" | od -An -tx1 | tr -d ' ')" = efbbbf -a \
    -n "$(grep -F "Ana García López;301245;calificada;10,00;" "$SALH/notas-es.csv")"
else
  mal libreoffice "falta soffice (libreoffice-calc-nogui, perfil test de dependencias.sh): no se puede comprobar la hoja"
fi

# Lo mismo recogido con make grade ENTREGA= que en la clase (un solo camino para recoger): con
# HITO= el primer hito, como la recogida, los puntos de make grade son los de grade-clase.
# Cinco calificaciones del 07 en fila eran unos 70 s enteras; con el primer hito, unos 30, y de
# dos en dos (como grade-clase con J=2: cada una en su carpeta de salida), unos 15. Si no casa,
# lo que falló en cada lado (el 27-11-2026 falló una vez sin decir qué: la fila que buscaba
# «comprobar» no existe para esta etiqueta).
lo_que_falla() { grep -E '^ +✘' "$1" 2>/dev/null | head -n 4 | tr -s ' ' | tr '\n' ';'; }
# puntos_de RESULTS IDS…: la suma de los puntos de esas verificaciones en un results.json.
puntos_de() { python3 -c 'import json,sys
ids = set(sys.argv[2].split())
print(sum(t["score"] for t in json.load(open(sys.argv[1]))["tests"] if t["extra_data"]["id"] in ids))' "$1" "$2" 2>/dev/null; }
# (Con env --default-signal=INT: lo lanzado con & ignora SIGINT, y un Ctrl+C lo dejaría vivo.)
recogidas=("$MOODLE" bea-copia ciro-zip dora-repo elena-partido)
for i in "${!recogidas[@]}"; do
  CURSO_PRUEBAS_MARCA="$MARCA" env --default-signal=INT make --no-print-directory -s grade LAB="$numero" HITO="$hito1" \
    ENTREGA="$ER/${recogidas[$i]}" SALIDA="$TMP/uno-$i" ${TRABAJOS_CLASE:+TRABAJOS="$TRABAJOS_CLASE"} >/dev/null 2>&1 &
  [ "$(jobs -rp | wc -l)" -ge "$J" ] && wait -n
done
wait
for i in "${!recogidas[@]}"; do
  a=${recogidas[$i]}
  uno=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["score"])' "$TMP/uno-$i/results.json" 2>/dev/null)
  en_clase=$(puntos_de "$SALH/alumnos/$a/results.json" "$ids_hito1")
  if [ -n "$uno" ] && [ -n "$ids_hito1" ] && [ "$uno" = "$en_clase" ] && [ "$uno" -gt 0 ]; then
    bien "make grade ENTREGA=…/$a HITO=$hito1: los mismos puntos que en grade-clase ($uno)"
  else
    mal "make-grade-${a%%_*}" "make grade ENTREGA=…/$a HITO=$hito1: ${uno:-sin nota} puntos, y en grade-clase ${en_clase:-?}; falló con make grade: $(lo_que_falla "$TMP/uno-$i/informe.txt") en la clase: $(lo_que_falla "$SALH/alumnos/$a/informe.txt")"
  fi
done

# Volver a calificar a un solo estudiante, con la lista de la clase: la hoja entera, con su
# nota de siempre y quien no entregó.
printf 'Ana García López;301245\nZoe Núñez Sin Entrega;999999\n' >"$TMP/lista.txt"
CURSO_PRUEBAS_MARCA="$MARCA" make --no-print-directory -s grade-clase LAB="$numero" ENTREGAS="$ER" J="$J" HITO="$hito1" \
  ${TRABAJOS_CLASE:+TRABAJOS="$TRABAJOS_CLASE"} ALUMNO="$MOODLE" LISTA="$TMP/lista.txt" >"$TMP/pasada-alumno.txt" 2>&1
cp "$SALH/notas.csv" "$TMP/notas-1.csv"
comprobar "ALUMNO=: vuelve a calificar solo a uno y la hoja sigue con todos ($(($(wc -l <"$SALH/notas.csv") - 1)) filas)" \
  test "$(grep -c '^Calificando 1 entrega' "$TMP/pasada-alumno.txt")" = 1 -a "$(wc -l <"$SALH/notas.csv")" = $((n_recogida + 2))
comprobar "ALUMNO=: su nota es la de la clase" es "$(col "$MOODLE" 4)" 100
comprobar "LISTA=: quien no entregó sale como «sin entrega» con su id" es "$(col "Zoe Núñez Sin Entrega" 8)/$(col "Zoe Núñez Sin Entrega" 9)" "sin entrega/999999"

# La clase entera otra vez: las mismas notas. Una nota que cambia sin que cambie la entrega se
# señala: se falsea la de la primera pasada. Y los resultados de otro grupo en la misma
# carpeta no se borran.
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r["score"]=1; json.dump(r, open(sys.argv[1],"w"))' "$SAL/alumnos/ana-solucion/results.json"
mkdir -p "$SAL/alumnos/otro-grupo" && echo '{}' >"$SAL/alumnos/otro-grupo/results.json"
pasada 2
cp "$TMP/notas-entera.csv" "$TMP/notas-1.csv"
comprobar "segunda pasada: la nota que cambió sin cambiar la entrega sale en el resumen" \
  test -n "$(grep -F 'ana-solucion: 1 → ' "$TMP/resumen-2.txt")"
comprobar "segunda pasada: los resultados de otro grupo siguen ahí" test -s "$SAL/alumnos/otro-grupo/results.json"
if [ "$rc" = 0 ] && [ "$(wc -l <"$TMP/notas-2.csv")" = $((n_entregas + 1)) ] &&
  diff <(cut -d, -f1-5,7- "$TMP/notas-entera.csv") <(cut -d, -f1-5,7- "$TMP/notas-2.csv") >"$TMP/diff.txt"; then
  bien "segunda pasada ($n_entregas entregas, $segundos s): el mismo notas.csv que la primera (salvo los segundos)"
else
  # En una sola línea: el resumen de make test muestra solo la primera de cada ✘.
  mal repetible "la segunda pasada (rc=$rc) da otras notas: $(tr '\n' ' ' <"$TMP/diff.txt"); lo que falló en cada una: $(diff "$TMP/fallos-1.txt" "$TMP/fallos-2.txt" | grep '^[<>]' | tr '\n' ' ')"
  # Los informes de las dos pasadas de quien cambió de fila (también con los mismos fallos y
  # otros puntos), para ver por qué: en build/, que queda.
  mkdir -p "$B/pruebas/prueba-clase-repetible"
  sed -n 's/^[<>] \([^,]*\),.*/\1/p' "$TMP/diff.txt" | sort -u | while IFS= read -r a; do
    for n in 1 2; do cp "$TMP/informes-$n/$a.txt" "$B/pruebas/prueba-clase-repetible/$a-$n.txt" 2>/dev/null; done
  done
fi
comprobar "ENTREGAS queda intacta" test "$(huella_entregas)" = "$h_entregas"
comprobar "el curso queda intacto" test "$(huella_curso)" = "$h_curso"
# El zip de «Descargar entregas» de una actividad de VPL, con su forma real
# (mod/vpl/views/downloadallsubmissions.php): «Apellidos Nombre ID usuario/FECHA/archivos»,
# FECHA.ceg/ con lo que dijo VPL y Report.txt arriba. Ana entregó dos veces (la partida y después
# la solución: cuenta la última); Luis, un programa suyo que no compila, y un miembro que sale de
# su carpeta. (Hasta el 03-12-2026 Luis entregaba la partida, y lo mismo Juan en Classroom: lo
# que se prueba es que su fila es suya y no la de Ana, pero calificar la partida del 07 son unos
# 36 s, porque sus verificaciones esperan hasta su límite, y era la más larga de cada una de las
# dos pasadas. «No compila» prueba algo más: que de su carpeta se tomó y compiló su archivo.)
# Las dos, VPL y Classroom, con HITO= el primer hito: lo que se prueba es cómo se recogen las
# entregas (de quién es cada fila, cuál cuenta, el id), y eso se ve igual en el primer hito (la
# partida de Ana saca en él un 25 %, la solución un 100 %, y la de Luis no compila). Eran dos
# calificaciones enteras de la solución del 07, unos 35 s; así, unos 12. Las notas de la
# recogida, que van a la misma carpeta del hito, se quitan antes.
rm -rf "$SALH"
VPLZIP="$TMP/vpl-entregas.zip"
python3 - "$VPLZIP" "$lab" "$principal" "${archivos[@]}" <<'PY'
import sys, zipfile
zip_, lab, principal, archivos = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with zipfile.ZipFile(zip_, "w") as z:
    for a in archivos:
        z.write(f"labs/{lab}/{a}", f"García López Ana 301245 agarcia/2026-03-01-10-00-00/{a}")
        z.write(f"solutions/{lab}/{a}", f"García López Ana 301245 agarcia/2026-03-02-09-30-00/{a}")
        if a == principal:
            z.writestr(f"Pérez Luis 301300 lperez/2026-03-01-11-00-00/{a}", "int main(void) { return 0 }\n")
        else:
            z.write(f"labs/{lab}/{a}", f"Pérez Luis 301300 lperez/2026-03-01-11-00-00/{a}")
    z.writestr("García López Ana 301245 agarcia/2026-03-02-09-30-00.ceg/execution.txt", "Grade :=>>3\n")
    z.writestr("Pérez Luis 301300 lperez/2026-03-01-11-00-00/../../../fuera-vpl.c", "int main(void){}")
    z.writestr("Report.txt", "Date: 2026-03-03\nNumber of users: 2\nNumber of submissions: 3")
PY
CURSO_PRUEBAS_MARCA="$MARCA" make --no-print-directory -s grade-clase LAB="$numero" ENTREGAS="$VPLZIP" J="$J" HITO="$hito1" \
  ${TRABAJOS_CLASE:+TRABAJOS="$TRABAJOS_CLASE"} >"$TMP/pasada-vpl.txt" 2>&1
cp "$SALH/notas.csv" "$TMP/notas-1.csv"
ANA="García López Ana 301245 agarcia"
LUIS="Pérez Luis 301300 lperez"
comprobar "VPL: el zip de «Descargar entregas», una fila por estudiante ($(($(wc -l <"$SALH/notas.csv") - 1)))" \
  test "$(wc -l <"$SALH/notas.csv")" = 3
comprobar "VPL: de dos entregas cuenta la última (la solución, 100 % en el hito $hito1; la partida, 25 %)" es "$(col "$ANA" 4)" 100
comprobar "VPL: Luis, lo suyo: 0 % y «no compila»" es "$(col "$LUIS" 4)/$(col "$LUIS" 8)" "0/no compila"
comprobar "VPL: el id de Moodle sale de la carpeta" es "$(col "$ANA" 9)/$(col "$LUIS" 9)" "301245/301300"
comprobar "VPL: notas-es.csv con el nombre sin id ni usuario" \
  test "$(grep -c '^García López Ana;301245;' "$SALH/notas-es.csv" | tr -d '\r')" = 1
comprobar "VPL: el miembro que sale de su carpeta no se toma y se dice" \
  test ! -e "$TMP/fuera-vpl.c" -a ! -e "$SALH/fuera-vpl.c" -a "$(grep -c 'no se toma' "$TMP/pasada-vpl.txt")" = 1
# Lo que exporta GitHub Classroom: la lista de la clase (classroom_roster.csv, con sus columnas
# de verdad) y la carpeta de `gh classroom clone student-repos`, un repositorio git por
# estudiante llamado «<tarea>-<usuario>» con la plantilla de make classroom (el archivo arriba,
# README.md, .github/). Ana (ana-g) entregó la solución; Juan (juan-ana-g: su usuario acaba
# como el de Ana), un programa que no compila (ver Luis en VPL); Zoe no aceptó la tarea; Pablo
# aún no enlazó su cuenta.
GHC="$TMP/lab-$numero-submissions"
for quien in ana-g juan-ana-g; do
  r="$GHC/lab-$numero-$quien"
  mkdir -p "$r/.github/workflows"
  echo "name: Calificación automática" >"$r/.github/workflows/classroom.yml"
  echo "# Laboratorio $numero" >"$r/README.md"
  for a in "${archivos[@]}"; do
    if [ "$quien" = ana-g ]; then
      cp "solutions/$lab/$a" "$r/"
    elif [ "$a" = "$principal" ]; then
      printf 'int main(void) { return 0 }\n' >"$r/$a"
    else
      cp "labs/$lab/$a" "$r/"
    fi
  done
  git -C "$r" init -q -b main && git -C "$r" add -A &&
    git -C "$r" -c user.name=e -c user.email=e@example.org commit -qm entrega
done
printf '"identifier","github_username","github_id","name"\r\n"ana.garcia@uni.es","ana-g","101","Ana García López"\r\n"juan@uni.es","juan-ana-g","102","Juan Pérez"\r\n"zoe@uni.es","zoe-n","103","Zoe Núñez"\r\n"pablo@uni.es","","",""\r\n' \
  >"$TMP/classroom_roster.csv"
CURSO_PRUEBAS_MARCA="$MARCA" make --no-print-directory -s grade-clase LAB="$numero" ENTREGAS="$GHC" J="$J" HITO="$hito1" \
  ${TRABAJOS_CLASE:+TRABAJOS="$TRABAJOS_CLASE"} LISTA="$TMP/classroom_roster.csv" >"$TMP/pasada-classroom.txt" 2>&1
cp "$SALH/notas.csv" "$TMP/notas-1.csv"
comprobar "Classroom: una fila por repositorio y por quien no entregó ($(($(wc -l <"$SALH/notas.csv") - 1)))" \
  test "$(wc -l <"$SALH/notas.csv")" = 5
comprobar --fila "lab-$numero-ana-g" "Classroom: la solución de Ana, 100 %, con su nombre e identificador de la lista" \
  es "$(col "lab-$numero-ana-g" 4)/$(col "lab-$numero-ana-g" 9)" "100/ana.garcia@uni.es"
comprobar --fila "lab-$numero-juan-ana-g" "Classroom: Juan, lo suyo: 0 % y «no compila» (su usuario acaba como el de Ana, y es el suyo)" \
  es "$(col "lab-$numero-juan-ana-g" 4)/$(col "lab-$numero-juan-ana-g" 8)/$(col "lab-$numero-juan-ana-g" 9)" "0/no compila/juan@uni.es"
comprobar "Classroom: quien no aceptó la tarea, «sin entrega» con su identificador" \
  es "$(col "Zoe Núñez" 8)/$(col "Zoe Núñez" 9)/$(col "pablo@uni.es" 8)" "sin entrega/zoe@uni.es/sin entrega"
comprobar "Classroom: notas-es.csv con el nombre de la lista" \
  test "$(grep -c '^Ana García López;ana.garcia@uni.es;' "$SALH/notas-es.csv")" = 1
vivos=""
for d in /proc/[0-9]*; do
  tr '\0' '\n' 2>/dev/null <"$d/environ" | grep -qxF "CURSO_PRUEBAS_MARCA=$MARCA" && vivos+="${d#/proc/} "
done
comprobar "ningún proceso de la clase queda vivo" test -z "$vivos"
rm -rf "$SAL" "$SALH"

resumen_final
