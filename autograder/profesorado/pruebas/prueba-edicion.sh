#!/usr/bin/env bash
# prueba-edicion.sh B — `make edicion-estudiante`, mirado archivo por archivo, y el ciclo de
# publicar una solución después de la fecha de entrega. Sobre una copia del curso (un
# repositorio git temporal; el curso no se toca) con todas las soluciones sin publicar:
#   1. la edición es un repositorio git de un solo commit; su lista de archivos es la del
#      curso menos solo-profesorado.txt y menos solutions/ — ni uno más ni uno menos —, trae
#      lo que necesita un estudiante (lab.json, calificadores ocultos, runner, Makefile) y su
#      README dice que es la edición del estudiante;
#   2. make test allí solo registra las suites que tienen sentido (sin prueba-autograder ni
#      las del profesorado);
#   3. make grade SOLUCIONES=1 allí (construyendo desde cero) dice claramente que la solución
#      no está publicada;
#   4. make publicar LAB=07 en la copia y otra vez make edicion-estudiante: un commit nuevo con
#      solutions/07-…, que un clon del estudiante recibe con git pull; make grade
#      SOLUCIONES=1 HITO=<el primero> la califica (100 %) y, en el clon, prueba-labs le da el
#      100 % entera; repetir sin cambios no hace commit; despublicar lo quita;
#   4b. make publicar L=07 (las respuestas de la práctica de la lección 7): un commit nuevo con
#      justo solutions/practica/07-…/ (ni mutantes ni otras respuestas), una respuesta publicada
#      pasa make practica allí, prueba-practica no se registra; despublicar las quita.
# Última línea: «resumen: …».
set -u
RAIZ=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$RAIZ" || exit 1
B=$(realpath -m "${1:-build}")
CALIFICAR="$B/bin/calificar"
pasan=0 fallan=0 fallidas=()
bien() { pasan=$((pasan + 1)); printf '  ✔ %s\n' "$*"; }
mal() { fallan=$((fallan + 1)); fallidas+=("$1"); printf '  ✘ %s\n' "$*"; }
resumen_final() {
  [ "$fallan" -gt 0 ] && echo "Fallan: ${fallidas[*]}"
  echo "resumen: $((pasan + fallan)) comprobaciones, $pasan pasan, $fallan fallan"
  [ "$fallan" -eq 0 ]
}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prueba-edicion.XXXXXX")
# La caja compila como otro usuario: tiene que poder llegar a la edición.
chmod 755 "$TMP"
trap '[ -n "${CONSERVAR:-}" ] || rm -rf "$TMP"' EXIT
export GIT_AUTHOR_NAME=Pruebas GIT_AUTHOR_EMAIL=pruebas@curso.invalid GIT_COMMITTER_NAME=Pruebas \
  GIT_COMMITTER_EMAIL=pruebas@curso.invalid

# La copia del curso: lo que está en git, con los cambios sin commit, en un repositorio nuevo.
COPIA="$TMP/curso"
mkdir -p "$COPIA"
git ls-files -z | while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
  xargs -0 cp -p --parents -t "$COPIA"
# Entregas de estudiantes dentro del repositorio (ENTREGAS=entregas/ de la documentación),
# incluso añadidas a git por descuido: nunca deben llegar a la edición (datos personales).
mkdir -p "$COPIA/entregas/ana.garcia" && echo 'int main(void) { return 0; }' >"$COPIA/entregas/ana.garcia/monitor.c"
git -C "$COPIA" init -q && git -C "$COPIA" add -A && git -C "$COPIA" commit -qm copia
mapfile -t labs < <("$CALIFICAR" --raiz "$COPIA" --lista | awk -F'\t' '$2 == "programa" { print $1 }')
for l in "${labs[@]}"; do "$CALIFICAR" --raiz "$COPIA" --despublicar --lab "$l" >/dev/null; done
# Ninguna respuesta de la práctica publicada, tampoco.
sed -i '/^[^#]/d' "$COPIA/lessons/practica/respuestas-publicadas.txt"
lab=07-monitor-web
[ -d "$COPIA/labs/$lab" ] || lab=${labs[0]}
numero=${lab:0:2}
echo "── edición del estudiante (publicando $lab)"

edicion() { (cd "$COPIA" && CALIFICAR="$CALIFICAR" bash autograder/profesorado/edicion.sh "$ED") >"$TMP/edicion.txt" 2>&1; }
# copiar_construido DEST: lo compilado del curso (build/ sin sus registros, temporales ni
# pruebas: $TMP vive en build/tmp, y antes, con todo build/, cp -a se copiaba dentro de sí
# mismo y se llevaba los temporales vivos de las suites de al lado), con sus horas.
copiar_construido() {
  local x
  mkdir -p "$1"
  for x in .compilacion obj lib bin labs autograder; do
    [ ! -e "$B/$x" ] || cp -a "$B/$x" "$1/"
  done
}
ED="$TMP/edicion"
t0=$(date +%s.%N)
if edicion; then
  bien "edición hecha en $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s: $(cat "$TMP/edicion.txt")"
else
  mal edicion "edicion.sh falló: $(cat "$TMP/edicion.txt")"
  resumen_final
  exit 1
fi

# 1. La lista de archivos, calculada aquí a partir de solo-profesorado.txt y de lo que hay.
(cd "$COPIA" && git ls-files) | LC_ALL=C sort >"$TMP/curso.lista"
patrones=()
while IFS= read -r p; do
  p=${p%%#*}
  p=$(printf '%s' "$p" | tr -d '[:space:]')
  [ -n "$p" ] && patrones+=("$p")
done <"$COPIA/autograder/profesorado/solo-profesorado.txt"
# Los puertos de bench/ con la solución de un laboratorio sin publicar (todos, aquí) tampoco.
mapfile -t bench_sol < <(cat "$COPIA"/labs/*/lab.json | python3 -c 'import json,sys,re
for t in re.split(r"(?m)^}$", sys.stdin.read()):
    if t.strip():
        print("\n".join(json.loads(t + "}").get("bench_con_solucion", [])))' | grep -v '^$')
esperada() {
  local f p
  while IFS= read -r f; do
    [[ "$f" == solutions/* || "$f" == entregas/* || "$f" == build/* ]] && continue
    for p in "${bench_sol[@]}"; do [ "$f" = "$p" ] && continue 2; done
    # shellcheck disable=SC2053 # el «*» de labs/*/… es un patrón
    for p in "${patrones[@]}"; do [[ "$f" == $p || ( "$p" == */ && "$f" == $p* ) ]] && continue 2; done
    printf '%s\n' "$f"
  done <"$TMP/curso.lista"
  echo .edicion-estudiante
}
esperada | LC_ALL=C sort >"$TMP/esperada.lista"
git -C "$ED" ls-files | LC_ALL=C sort >"$TMP/edicion.lista"
if diff "$TMP/esperada.lista" "$TMP/edicion.lista" >"$TMP/diff.txt"; then
  bien "lista: $(wc -l <"$TMP/edicion.lista") archivos, justo los del curso menos solo-profesorado.txt y solutions/"
else
  mal lista "la edición no tiene justo los archivos esperados (< falta, > sobra): $(head -n 20 "$TMP/diff.txt")"
fi
colados=$(grep -E '^(solutions/|autograder/mutantes/|autograder/hostiles/|autograder/profesorado/|labs/[^/]+/\.calificador/(mutantes/|hitos/|variantes/|hostiles/|mutantes\.tsv$))' "$TMP/edicion.lista")
[ -z "$colados" ] && bien "ni soluciones, ni mutantes, ni hostiles, ni herramientas del profesorado" ||
  mal colados "se colaron: $colados"
# Los mutantes, programas por hitos, variantes, hostiles y la tabla de cada laboratorio viven
# en su .calificador/, que sí va: ninguno entra, y el curso sí los tiene (si no, no probaría nada).
n_curso=0 colados=""
for lab_dir in labs/[0-9][0-9]-*/; do
  for x in mutantes hitos variantes hostiles mutantes.tsv; do
    [ -e "$lab_dir.calificador/$x" ] || continue
    n_curso=$((n_curso + 1))
    [ ! -e "$ED/$lab_dir.calificador/$x" ] || colados+=" $lab_dir.calificador/$x"
  done
done
if [ "$n_curso" -ge 3 ] && [ -z "$colados" ]; then
  bien "ni mutantes, ni programas por hitos, ni variantes, ni hostiles, ni mutantes.tsv en labs/*/.calificador/ ($n_curso en el curso, 0 en la edición)"
else
  mal colados-calificador "labs/*/.calificador/ de la edición trae lo del profesorado o el curso no lo tiene ($n_curso en el curso):$colados"
fi
faltan=""
for f in Makefile README.md "labs/$lab/lab.json" "labs/$lab/README.md" autograder/runner/calificar.c \
  autograder/autograder.mk autograder/herramientas/vigilar.sh common/herramientas/dependencias.sh; do
  grep -qxF "$f" "$TMP/edicion.lista" || faltan+=" $f"
done
ls "$ED/labs/$lab/.calificador/"*.c >/dev/null 2>&1 || faltan+=" labs/$lab/.calificador/*.c"
[ -z "$faltan" ] && bien "trae lo del estudiante: enunciados, lab.json, calificadores ocultos, ejecutor, Makefile" ||
  mal imprescindibles "faltan:$faltan"
if [ "$(git -C "$ED" rev-list --all | wc -l)" = 1 ] && [ -z "$(git -C "$ED" log --all --format=%H -- solutions)" ]; then
  bien "git: un solo commit, ninguna solución en la historia"
else
  mal historia "la edición tiene $(git -C "$ED" rev-list --all | wc -l) commits o soluciones en su historia"
fi
sed -n 3p "$ED/README.md" | grep -q '^> \*\*Edición del estudiante\.\*\*' && grep -q 'ninguna todavía' "$ED/README.md" &&
  bien "README.md dice que es la edición del estudiante (sin soluciones aún)" ||
  mal readme "README.md no empieza diciendo que es la edición del estudiante: $(head -n 4 "$ED/README.md")"

# 2. make test allí: sin lo que no tiene sentido.
suites=" $(make -C "$ED" --no-print-directory -s listar-suites 2>/dev/null) "
if [[ "$suites" == *" prueba-labs "* ]] && [[ "$suites" == *" prueba-vigilar "* ]] &&
  [[ "$suites" != *" prueba-autograder "* ]] && [[ "$suites" != *" prueba-clase "* ]] &&
  [[ "$suites" != *" prueba-edicion "* ]] && [[ "$suites" != *" prueba-gradescope "* ]] &&
  [[ "$suites" != *" prueba-usuario "* ]] && [[ "$suites" != *" prueba-bench-"* ]]; then
  bien "make test allí: sin prueba-autograder, sin las del profesorado, sin prueba-usuario (pide la solución del 07) ni las comparaciones que miden soluciones"
else
  mal suites "make test en la edición registra:$suites"
fi

# 3. make grade SOLUCIONES=1, como un estudiante (construye desde cero).
t0=$SECONDS
make -C "$ED" --no-print-directory -s -j2 grade LAB="$numero" SOLUCIONES=1 >"$TMP/sin-publicar.txt" 2>&1
rc=$?
if [ "$rc" = 0 ] && grep -q "la solución del laboratorio $numero aún no está publicada" "$TMP/sin-publicar.txt" &&
  ! grep -qE "Lab $numero: [0-9]+/[0-9]+ puntos" "$TMP/sin-publicar.txt"; then
  bien "make grade SOLUCIONES=1 (con la construcción, $((SECONDS - t0)) s): dice que la del $numero aún no está publicada"
else
  mal sin-publicar "make grade SOLUCIONES=1 en la edición (rc=$rc): $(tail -n 8 "$TMP/sin-publicar.txt")"
fi

[ "$(git -C "$ED" symbolic-ref --short HEAD 2>/dev/null)" = main ] && bien "la rama de la edición es main (la de la documentación)" ||
  mal rama "la rama de la edición es «$(git -C "$ED" symbolic-ref --short HEAD 2>/dev/null)», no main"
# (El aviso del principio, una cita «> …», sí las nombra: para decir que no vienen.)
! grep -v '^>' "$ED/README.md" | grep -qE 'make (grade-clase|gradescope|publicar|edicion-estudiante)' &&
  bien "el README de la edición no ofrece las órdenes del profesorado (no están)" ||
  mal readme-ordenes "el README de la edición nombra órdenes que no trae: $(grep -v '^>' "$ED/README.md" | grep -nE 'make (grade-clase|gradescope|publicar|edicion-estudiante)' | head -3)"
[ ! -e "$ED/entregas" ] && bien "entregas/ (aunque esté en git) no entra en la edición" || mal entregas "entregas/ entró en la edición"
[ -s "$ED/LICENSE" ] && grep -q "CC BY-SA 4.0" "$ED/LICENSE" && grep -q "Licencia MIT" "$ED/LICENSE" &&
  bien "LICENSE (CC BY-SA 4.0 el texto, MIT el código) en la edición" || mal licencia "falta LICENSE o no dice sus dos licencias"
filtrados=""
for j in "$COPIA"/labs/*/lab.json; do
  while IFS= read -r f; do [ -n "$f" ] && [ -e "$ED/$f" ] && filtrados+=" $f"; done < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1])).get("bench_con_solucion", [])))' "$j")
done
n_bench=$(cat "$COPIA"/labs/*/lab.json | grep -c '"bench/')
[ -z "$filtrados" ] && [ "$n_bench" -ge 1 ] && bien "bench/: los $n_bench puertos que contienen una solución sin publicar no entran" ||
  mal bench "entraron puertos de bench/ con soluciones sin publicar:$filtrados (o no hay ninguno marcado: $n_bench)"

# 4. Publicar después de la fecha: un commit nuevo que el estudiante recibe con git pull,
# aunque el estudiante tenga commits suyos (con la configuración que da el README).
git clone -q "$ED" "$TMP/alumno"
principal=$("$CALIFICAR" --raiz "$COPIA" --lista --lab "$lab" | awk -F'\t' '$2 == "archivo" { print $3; exit }')
cp "$COPIA/solutions/$lab/$principal" "$TMP/alumno/labs/$lab/$principal"
git -C "$TMP/alumno" -c user.name=Alumna -c user.email=a@b.invalid commit -qam "mi solución"
grep -q "git config pull.rebase false" "$TMP/alumno/README.md" && git -C "$TMP/alumno" config pull.rebase false
git -C "$TMP/alumno" config user.name Alumna && git -C "$TMP/alumno" config user.email a@b.invalid
"$CALIFICAR" --raiz "$COPIA" --publicar --lab "$lab" >/dev/null
edicion
if [ "$(git -C "$ED" rev-list --all | wc -l)" = 2 ] && git -C "$ED" log -1 --format=%s | grep -q "Publicadas las soluciones de: $numero" &&
  git -C "$TMP/alumno" pull -q 2>"$TMP/pull.txt" && diff -r "$COPIA/solutions/$lab" "$TMP/alumno/solutions/$lab" >"$TMP/diff.txt" 2>&1; then
  bien "publicar: commit «$(git -C "$ED" log -1 --format=%s)»; git pull trae solutions/$lab"
else
  mal publicar "tras publicar: $(git -C "$ED" log --oneline | head -3) / $(cat "$TMP/pull.txt" "$TMP/diff.txt")"
fi
grep -q "(${numero})" "$TMP/alumno/README.md" && bien "el README de la edición dice ahora qué solución trae ($numero)" ||
  mal readme-publicada "el README no nombra la solución publicada"
edicion
[ "$(git -C "$ED" rev-list --all | wc -l)" = 2 ] && grep -q "sin cambios" "$TMP/edicion.txt" &&
  bien "repetir sin cambios no hace commit" || mal repetir "repetir hizo otro commit: $(cat "$TMP/edicion.txt")"
# (En la edición, ya construida en el paso 3: el clon tiene los mismos archivos.) Hasta el primer
# hito: lo que se prueba aquí es que make grade SOLUCIONES=1 encuentra y califica la solución
# publicada; que la solución entera saca el 100 % en un clon lo dice prueba-labs, abajo (una
# calificación entera del 07 menos, unos 15 s de CPU).
hito1=$("$CALIFICAR" --raiz "$COPIA" --lista --lab "$lab" | awk -F'\t' '$2 == "hito" { print $3; exit }')
make -C "$ED" --no-print-directory -s grade LAB="$numero" SOLUCIONES=1 HITO="$hito1" >"$TMP/publicada.txt" 2>&1
grep -qE "Lab $numero: ([0-9]+)/\1 puntos \(100 %\)" "$TMP/publicada.txt" && grep -q "Total: .*(100 %)" "$TMP/publicada.txt" &&
  bien "tras publicar, make grade SOLUCIONES=1 HITO=$hito1 en la edición: 100 %" ||
  mal publicada "make grade SOLUCIONES=1 tras publicar: $(tail -n 5 "$TMP/publicada.txt")"
# 5. La tabla de labs/README.md es la de los lab.json, y un laboratorio nuevo (make nuevo-lab)
# pasa prueba-labs desde el primer minuto: en una copia del curso (con su build/, para no
# construirlo todo otra vez) que se borra al acabar. Va en segundo plano desde aquí, al lado de
# prueba-labs en el clon del estudiante (abajo), que casi todo el rato espera (la partida del 07
# agota sus límites): son dos copias del curso, cada una con su build/, que no comparten nada.
# En fila, prueba-edicion tardaba unos 37 s más (04-12-2026). Lo que dice, al final (5).
python3 autograder/profesorado/tabla-labs.py --comprobar 2>"$TMP/tabla.txt"
tabla_rc=$?
NL="$TMP/nuevo-lab"
mkdir -p "$NL" && chmod 755 "$TMP" "$NL" # el usuario de la caja tiene que llegar a la copia
git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
  xargs -0 cp -p --parents -t "$NL"
copiar_construido "$NL/build"
sed -i 's/| 07 |/| 7 |/' "$NL/labs/README.md"
python3 "$NL/autograder/profesorado/tabla-labs.py" --comprobar 2>/dev/null
tabla_vieja_rc=$?
num=13
while compgen -G "labs/$num-*" >/dev/null; do num=$((num + 1)); done
# Con env --default-signal=INT: lo que un guion sin control de trabajos lanza con & ignora
# SIGINT, y un Ctrl+C dejaría este make vivo.
(
  cd "$NL" && env --default-signal=INT make --no-print-directory -s nuevo-lab NUM="$num" NOMBRE=saludo >"$TMP/nuevo.txt" 2>&1 &&
    env --default-signal=INT make --no-print-directory -s prueba-labs prueba-mutantes LAB="$num" >"$TMP/nuevo-prueba.txt" 2>&1
) &
nuevo_pid=$!

# El clon del estudiante, con el laboratorio resuelto en un commit suyo: prueba-labs pasa
# (la partida sale de git, no de su labs/, que ya da el 100 %). Con lo ya construido del curso
# (las mismas fuentes: la edición quita archivos, no cambia ninguno de los que se compilan)
# y con la hora de ahora, más nueva que la de los archivos del clon: si no, make lo
# construía todo otra vez, unos 130 archivos en fila (antes se copiaba build/ de la edición,
# que no tiene ni el ejecutor ni los calificadores, y sus archivos eran más viejos que el clon).
chmod 755 "$TMP" "$TMP/alumno"
copiar_construido "$TMP/alumno/build"
find "$TMP/alumno/build" -exec touch -h -d "@$(date +%s)" {} +
make -C "$TMP/alumno" --no-print-directory -s prueba-labs LAB="$numero" >"$TMP/alumno-labs.txt" 2>&1
rc=$?
[ "$rc" = 0 ] && grep -q "la partida sale de git" "$TMP/alumno-labs.txt" && grep -q "partida: .*(≤ 20 %)" "$TMP/alumno-labs.txt" &&
  bien "clon con el $numero resuelto: prueba-labs pasa, con la partida sacada de git ($(grep -o 'partida: [0-9]*/[0-9]*' "$TMP/alumno-labs.txt" | tail -n1))" ||
  mal labs-resuelto "prueba-labs en un clon con el laboratorio resuelto (rc=$rc): $(grep -E '✘|partida' "$TMP/alumno-labs.txt" | head -n 5)"
"$CALIFICAR" --raiz "$COPIA" --despublicar --lab "$lab" >/dev/null
edicion
[ ! -e "$ED/solutions/$lab" ] && grep -q "retiradas" <(git -C "$ED" log -1 --format=%s) &&
  bien "despublicar: un commit que la quita (y avisa de que sigue en la historia)" ||
  mal despublicar "despublicar: $(git -C "$ED" log -1 --format=%s)"

# 4b. Las respuestas de la práctica de una lección, publicadas y retiradas como las soluciones.
lp=$(cd "$COPIA/solutions/practica" && ls -d 07-*/ 2>/dev/null | head -n1)
lp=${lp%/}
if [ -z "$lp" ]; then
  mal practica "la copia no tiene respuestas de práctica de la lección 07 (solutions/practica/07-*)"
else
  (cd "$COPIA" && bash autograder/profesorado/publicar-practica.sh --publicar 07) >/dev/null
  edicion
  (cd "$COPIA" && git ls-files "solutions/practica/$lp") | LC_ALL=C sort >"$TMP/practica-esperada.lista"
  git -C "$ED" ls-files solutions/practica autograder/mutantes | LC_ALL=C sort >"$TMP/practica-edicion.lista"
  if git -C "$ED" log -1 --format=%s | grep -q "Publicadas las respuestas de la práctica de: 07" &&
    [ -s "$TMP/practica-esperada.lista" ] && diff "$TMP/practica-esperada.lista" "$TMP/practica-edicion.lista" >"$TMP/diff.txt"; then
    bien "publicar L=07: commit «$(git -C "$ED" log -1 --format=%s)» con justo las $(wc -l <"$TMP/practica-esperada.lista") respuestas de solutions/practica/$lp (ni otras ni mutantes)"
  else
    mal publicar-practica "tras make publicar L=07: $(git -C "$ED" log -1 --format=%s) / $(head -n 10 "$TMP/diff.txt")"
  fi
  grep -q "respuestas de la práctica de las lecciones ya publicadas" "$ED/README.md" && grep -q "(07)" "$ED/README.md" &&
    bien "el README de la edición dice qué respuestas de la práctica trae (07)" ||
    mal readme-practica "el README no nombra las respuestas de la práctica publicadas"
  suites=" $(make -C "$ED" --no-print-directory -s listar-suites 2>/dev/null) "
  [[ "$suites" != *" prueba-practica "* ]] && bien "con respuestas publicadas, make test allí sigue sin prueba-practica (no hay mutantes)" ||
    mal suites-practica "make test en la edición registra prueba-practica"
  # Una respuesta publicada, en el lugar del ejercicio, pasa make practica en la edición.
  ej=$(cd "$ED/solutions/practica/$lp" && ls -d */ | head -n1)
  ej=${ej%/}
  cp "$ED/lessons/$lp/practica/$ej/ejercicio.c" "$TMP/partida.c"
  cp "$ED/solutions/practica/$lp/$ej/ejercicio.c" "$ED/lessons/$lp/practica/$ej/ejercicio.c"
  make -C "$ED" --no-print-directory -s practica L=07 E="${ej%%-*}" >"$TMP/practica.txt" 2>&1
  rc=$?
  cp "$TMP/partida.c" "$ED/lessons/$lp/practica/$ej/ejercicio.c"
  [ "$rc" = 0 ] && grep -q "¡Ejercicio completo!" "$TMP/practica.txt" &&
    bien "la respuesta publicada de $ej pasa make practica L=07 en la edición" ||
    mal practica-edicion "make practica con la respuesta publicada (rc=$rc): $(tail -n 6 "$TMP/practica.txt")"
  (cd "$COPIA" && bash autograder/profesorado/publicar-practica.sh --despublicar 07) >/dev/null
  edicion
  [ -z "$(git -C "$ED" ls-files solutions/practica)" ] && git -C "$ED" log -1 --format=%s | grep -q "retiradas de la edición: práctica 07" &&
    bien "despublicar L=07: un commit que las quita («$(git -C "$ED" log -1 --format=%s)»)" ||
    mal despublicar-practica "despublicar L=07: $(git -C "$ED" log -1 --format=%s) / $(git -C "$ED" ls-files solutions/practica | head -3)"
fi
rm -rf "$ED/build" "$TMP/alumno/build"

# 5. (Lanzado antes, en segundo plano: ver arriba.) Sus resultados.
echo "── make nuevo-lab"
[ "$tabla_rc" = 0 ] && bien "labs/README.md: la tabla de laboratorios es la que sale de los lab.json" ||
  mal tabla "$(cat "$TMP/tabla.txt")"
[ "$tabla_vieja_rc" = 0 ] &&
  mal tabla-vieja "tabla-labs.py --comprobar no ve una tabla cambiada a mano" || bien "una tabla cambiada a mano no pasa la comprobación"
if wait "$nuevo_pid"; then
  bien "make nuevo-lab NUM=$num y make prueba-labs prueba-mutantes LAB=$num pasan ya: $(grep -c '✔' "$TMP/nuevo-prueba.txt") comprobaciones (solución, partida ≤ 20 %, $(ls "$NL/labs/$num-saludo/.calificador/mutantes" | wc -l) mutantes)"
else
  mal nuevo-lab "nuevo-lab o su prueba-labs fallan: $(tail -n 15 "$TMP/nuevo.txt" "$TMP/nuevo-prueba.txt")"
fi
grep -q "^| $num | \[\`$num-saludo/\`\]" "$NL/labs/README.md" && python3 "$NL/autograder/profesorado/tabla-labs.py" --comprobar &&
  bien "el laboratorio nuevo está en la tabla de labs/README.md" || mal tabla-nuevo "el laboratorio $num no entró en la tabla"
rm -rf "$NL"

resumen_final
