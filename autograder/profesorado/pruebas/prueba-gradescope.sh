#!/usr/bin/env bash
# prueba-gradescope.sh B — `make gradescope LAB=07` sin Gradescope. Con el laboratorio 07 (si
# no está, el primero que haya):
#   1. el zip tiene setup.sh y run_autograder arriba y el curso en curso/, sin ninguna
#      solución ni nada de solo-profesorado.txt (mirado archivo por archivo);
#   2. se descomprime en una raíz falsa (AUTOGRADER_RAIZ sustituye a /autograder) con la
#      forma de Gradescope: source/ (el zip), submission/, results/; setup.sh construye;
#   3. run_autograder califica tres entregas y results.json se valida contra los campos que
#      documenta Gradescope (validar_gradescope.py): la solución, metida en una subcarpeta y
#      con un archivo de más (100 %, y el informe dice qué se ignoró); en el 07, una entrega
#      hostil que intenta escribir en el curso, en los informes y en results/ (nota baja,
#      nada cambiado, results.json no falsificado, ningún proceso suyo vivo), y con otro
#      laboratorio, el programa de partida (≤ 20 %).
# Última línea: «resumen: …».
set -u
RAIZ=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$RAIZ" || exit 1
B=$(realpath -m "${1:-build}")
# shellcheck source=../../pruebas/comun.sh
source "$RAIZ/autograder/pruebas/comun.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prueba-gradescope.XXXXXX")
chmod 755 "$TMP"
trap '[ -n "${CONSERVAR:-}" ] || rm -rf "$TMP"' EXIT
VALIDAR="$RAIZ/autograder/profesorado/pruebas/validar_gradescope.py"
MARCA="prueba-gradescope-$$-$RANDOM"

lab=$("$CALIFICAR" --raiz "$RAIZ" --lista --lab 07 2>/dev/null | awk -F'\t' '$2 == "programa" { print $1 }')
[ -n "$lab" ] || lab=$("$CALIFICAR" --raiz "$RAIZ" --lista | awk -F'\t' '$2 == "programa" { print $1 }' | sort | head -n1)
numero=${lab:0:2}
mapfile -t archivos < <("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab" | awk -F'\t' '$2 == "archivo" { print $3 }')
echo "── $lab"

# 1. El zip.
ZIP="$B/gradescope/$lab.zip"
if make --no-print-directory -s gradescope LAB="$numero" >"$TMP/zip.txt" 2>&1 && [ -f "$ZIP" ]; then
  bien "make gradescope LAB=$numero: $(basename "$ZIP")"
else
  mal zip "make gradescope no hizo $ZIP: $(cat "$TMP/zip.txt")"
  resumen_final
  exit 1
fi
unzip -Z1 "$ZIP" | grep -v '/$' | LC_ALL=C sort >"$TMP/zip.lista"
prohibidos=$(while IFS= read -r p; do
  p=${p%%#*}
  p=$(printf '%s' "$p" | tr -d '[:space:]')
  [ -n "$p" ] && grep -E "^curso/${p//./\\.}" "$TMP/zip.lista"
done <autograder/profesorado/solo-profesorado.txt; grep -E '^curso/solutions/' "$TMP/zip.lista")
if grep -qx setup.sh "$TMP/zip.lista" && grep -qx run_autograder "$TMP/zip.lista" &&
  grep -qx "curso/labs/$lab/lab.json" "$TMP/zip.lista" && grep -q "^curso/labs/$lab/.calificador/" "$TMP/zip.lista" &&
  [ -z "$prohibidos" ]; then
  bien "zip: setup.sh, run_autograder y curso/ ($(wc -l <"$TMP/zip.lista") archivos), sin soluciones ni nada del profesorado"
else
  mal zip-lista "zip: falta setup.sh, run_autograder o el laboratorio, o lleva lo que no debe: ${prohibidos:-}"
fi

# 2. La raíz falsa y setup.sh.
GS="$TMP/autograder"
mkdir -p "$GS/source" "$GS/submission" "$GS/results"
unzip -q "$ZIP" -d "$GS/source"
cp "$GS/source/run_autograder" "$GS/run_autograder"
CURSO="$GS/source/curso"
inicio=$SECONDS
if AUTOGRADER_RAIZ="$GS" bash "$GS/source/setup.sh" >"$TMP/setup.txt" 2>&1 && [ -x "$CURSO/build/bin/calificar" ] &&
  [ -x "$CURSO/build/labs/$lab/calificador" ]; then
  bien "setup.sh construye el curso en la raíz falsa ($((SECONDS - inicio)) s)"
else
  mal setup "setup.sh falló: $(tail -n 15 "$TMP/setup.txt")"
  resumen_final
  exit 1
fi

# La visibilidad de cada verificación sale de lab.json («visibilidad»): una, oculta hasta la
# fecha de entrega (la segunda de la lista) en el curso desplegado.
oculta=$(python3 - "$CURSO/labs/$lab/lab.json" <<'PY'
import json, sys
lab = json.load(open(sys.argv[1], encoding="utf-8"))
v = lab["verificaciones"][1]
v["visibilidad"] = "after_due_date"
json.dump(lab, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
print(v["id"])
PY
)

huella() {
  find "$CURSO" -path "$CURSO/build" -prune -o -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16
}

# entrega NOMBRE [EJECUTOR]: ejecuta run_autograder (u otro de $GS) con lo que haya en
# submission/ y valida results.json.
entrega() {
  local nombre=$1 ejecutor=${2:-run_autograder}
  rm -f "$GS/results/results.json"
  local t0=$SECONDS
  (cd "$GS" && CURSO_PRUEBAS_MARCA="$MARCA-$nombre" AUTOGRADER_RAIZ="$GS" "./$ejecutor") >"$TMP/$nombre.txt" 2>&1
  rc=$? segundos=$((SECONDS - t0))
  cp "$GS/results/results.json" "$TMP/$nombre.json" 2>/dev/null
  if validado=$(python3 "$VALIDAR" "$GS/results/results.json"); then
    read -r p m <<<"$validado"
    bien "$nombre: results.json con los campos de Gradescope: $p/$m ($segundos s)"
  else
    p=- m=-
    mal "$nombre-json" "$nombre: results.json no cumple el formato de Gradescope: $validado"
  fi
}

# 3a. La solución, en una subcarpeta y con un archivo de más.
if [ -d "solutions/$lab" ]; then
  mkdir -p "$GS/submission/mi-entrega"
  for a in "${archivos[@]}"; do cp "solutions/$lab/$a" "$GS/submission/mi-entrega/"; done
  echo "apuntes" >"$GS/submission/LEEME.txt"
  entrega solucion
  salida=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["output"])' "$TMP/solucion.json" 2>/dev/null)
  [ "$rc" = 0 ] && [ "$p" = "$m" ] && [ "$m" != - ] && [[ "$salida" == *"se ignoran"*"LEEME.txt"* ]] &&
    grep -q "Lab $numero: $p/$m puntos" "$TMP/solucion.txt" &&
    bien "solución: 100 %, el informe dice qué se ignoró y stdout trae el informe" ||
    mal solucion "solución: $p/$m (rc=$rc), o sin aviso de LEEME.txt, o sin informe en stdout: $(tail -n 5 "$TMP/solucion.txt")"
  vis=$(python3 -c 'import json,sys
for t in json.load(open(sys.argv[1]))["tests"]:
    print(t["extra_data"]["id"], t["visibility"])' "$TMP/solucion.json" 2>/dev/null)
  [ "$(grep -c ' after_due_date$' <<<"$vis")" = 1 ] && grep -qx "$oculta after_due_date" <<<"$vis" &&
    [ "$(grep -c ' visible$' <<<"$vis")" = $(($(wc -l <<<"$vis") - 1)) ] &&
    bien "visibilidad de lab.json: «$oculta» after_due_date, las demás visible" ||
    mal visibilidad "la visibilidad no sale de lab.json: $(tr '\n' ' ' <<<"$vis")"
fi
# Las entregas corrientes de Gradescope: la subida desde GitHub (el repositorio entero) y un zip.
# Lo que se prueba es qué programa se toma de cada una, y eso lo decide ya el primer hito: con
# el run_autograder de make gradescope HITO=<el primero> (la línea HITO= cambiada), no con el
# laboratorio entero (eran dos calificaciones enteras de la solución del 07, 15 y 18 s).
hito1=$("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab" | awk -F'\t' '$2 == "hito" { print $3; exit }')
sed "s/^HITO= #/HITO=$hito1 #/" "$GS/run_autograder" >"$GS/run_autograder-hito" && chmod +x "$GS/run_autograder-hito"
if [ -d "solutions/$lab" ] && ! grep -q "^HITO=$hito1 #" "$GS/run_autograder-hito"; then
  mal hito-ejecutor "run_autograder no tiene la línea «HITO= #» que esta prueba cambia: $(grep -m1 '^HITO=' "$GS/run_autograder")"
elif [ -d "solutions/$lab" ]; then
  rm -rf "$GS/submission" && mkdir -p "$GS/submission/labs/$lab" "$GS/submission/labs/10-otro" "$GS/submission/lessons"
  for a in "${archivos[@]}"; do cp "solutions/$lab/$a" "$GS/submission/labs/$lab/"; cp "labs/$lab/$a" "$GS/submission/labs/10-otro/"; done
  echo "# apuntes" >"$GS/submission/lessons/README.md"
  entrega repositorio run_autograder-hito
  [ "$rc" = 0 ] && [ "$p" = "$m" ] && [ "$m" != - ] && bien "repositorio entero (subida desde GitHub): 100 % en el hito $hito1" ||
    mal repositorio "repositorio entero: $p/$m (rc=$rc): $(grep -m1 Entrega "$TMP/repositorio.txt")"
  rm -rf "$GS/submission" && mkdir -p "$GS/submission"
  (cd "solutions/$lab" && zip -q "$GS/submission/entrega.zip" "${archivos[@]}")
  entrega zip run_autograder-hito
  [ "$rc" = 0 ] && [ "$p" = "$m" ] && [ "$m" != - ] && bien "un .zip: 100 % en el hito $hito1" || mal zip-entrega "un .zip: $p/$m (rc=$rc)"
fi

# 3b. El programa de partida: una entrega que compila y hace poco saca poco. En el 07 lo prueba
# ya la hostil (abajo, que compila y no hace el laboratorio), y la partida del 07 son unos 32 s
# de esta suite (sus verificaciones esperan hasta su límite); la nota de la partida por make
# grade la comprueba prueba-labs. Con otro laboratorio, sin hostil, la partida.
if [ "$lab" != 07-monitor-web ]; then
  rm -rf "$GS/submission" && mkdir -p "$GS/submission"
  for a in "${archivos[@]}"; do cp "labs/$lab/$a" "$GS/submission/"; done
  entrega partida
  [ "$rc" = 0 ] && [ "$m" != - ] && [ $((p * 100)) -le $((m * 20)) ] &&
    bien "partida: $p/$m (≤ 20 %)" || mal partida "partida: $p/$m (rc=$rc)"
fi

# 3c. Hostil: escribe en el curso, en los informes de la calificación y en results/.
if [ "$lab" = 07-monitor-web ]; then
  rm -rf "$GS/submission" && mkdir -p "$GS/submission"
  SAL="$CURSO/build/gradescope/calificacion"
  sed -e "s|@RAIZ@|$CURSO|g" -e "s|@SALIDA@|$SAL|g" -e "s|/tmp/HACKEADO-calificador|$GS/results/results.json|" \
    autograder/hostiles/escribe.c >"$GS/submission/monitor.c"
  antes=$(huella)
  # Los archivos del curso que ya nombran HACKEADO (las pruebas que lo buscan viajan en el zip):
  # lo que cuenta es que el hostil no añada ninguno.
  hackeado_antes=$(grep -rls HACKEADO "$CURSO/labs" "$CURSO/autograder" | sort)
  entrega hostil
  vivos=""
  for d in /proc/[0-9]*; do
    tr '\0' '\n' 2>/dev/null <"$d/environ" | grep -qxF "CURSO_PRUEBAS_MARCA=$MARCA-hostil" && vivos+="${d#/proc/} "
  done
  despues=$(huella)
  if [ "$rc" = 0 ] && [ "$m" != - ] && [ $((p * 100)) -le $((m * 20)) ] && [ "$despues" = "$antes" ] &&
    [ "$(grep -rls HACKEADO "$CURSO/labs" "$CURSO/autograder" | sort)" = "$hackeado_antes" ] &&
    [ "$(ls "$GS/results")" = results.json ] &&
    ! grep -q '"score": 1000' "$TMP/hostil.json" && ! grep -q FORJADO "$TMP/hostil.json" &&
    [ -z "$vivos" ]; then
    bien "hostil: contenido ($p/$m, el curso y results/ intactos, results.json no falsificado, ningún proceso vivo)"
  else
    mal hostil "hostil: $p/$m (rc=$rc); huella del curso $antes → $despues; ¿HACKEADO/FORJADO? vivos: ${vivos:-ninguno}"
  fi
fi

# Sin submission/ ni construcción: run_autograder dice por qué, en un results.json válido.
rm -rf "$GS/submission" && mkdir -p "$GS/submission"
entrega vacia
[ "$p" = 0 ] && grep -q "falta" "$TMP/vacia.txt" && bien "entrega vacía: 0 y dice qué falta" ||
  mal vacia "entrega vacía: $p/$m: $(tail -n 3 "$TMP/vacia.txt")"

resumen_final
