#!/usr/bin/env bash
# prueba-autograder.sh B — pruebas del propio calificador (DESIGN.md §3.4, contención).
#
# Califica como entrega del laboratorio 07 programas hostiles (autograder/hostiles/*.c):
# salen en el acto, giran sin fin, ignoran SIGTERM, se hacen demonios con setsid, crean
# procesos sin parar, inundan la salida, se comen la memoria, intentan escribir en el
# repositorio, en el informe y en los resultados de las verificaciones, o imprimen líneas
# verosímiles sin hacer ninguna petición (adivina.c). De cada uno exige:
#   - que la calificación termine (código 0) en tiempo acotado, con nota y mensajes;
#   - que no quede vivo ningún proceso de la entrega;
#   - que el repositorio, la carpeta de la entrega y el informe queden intactos
#     (el informe dice la nota real, no la falsificada).
# Repite algunos sin bubblewrap (CALIF_SIN_BWRAP=1: solo límites y limpieza) y prueba
# además: un error de compilación puntúa 0 ese laboratorio y los demás se califican; un
# lab.json que no casa con su calificador es un error del instructor (código 3); y
# CRITERION_ALWAYS_SUCCEED en el entorno no cambia nada. Última línea: «resumen: …».
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ" || exit 1
B=$(realpath -m "${1:-build}")
# shellcheck source=comun.sh
source "$RAIZ/autograder/pruebas/comun.sh"
LAB=07-monitor-web
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prueba-autograder.XXXXXX")
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT
LIMITE_S=60

# Huella de lo que una entrega no debe poder cambiar.
huella() {
  find "labs/$LAB" "solutions/$LAB" autograder common/include -type f -print0 | sort -z |
    xargs -0 sha256sum | sha256sum | cut -c1-16
}

# Procesos de la entrega que sigan vivos (dentro de la caja se llama /entrega/monitor; sin
# caja, el binario está en la carpeta de salida de la prueba; los hostiles se renombran
# «hostil-…»).
supervivientes() {
  {
    pgrep -a '^hostil-' 2>/dev/null
    pgrep -af '^/entrega/monitor' 2>/dev/null
    pgrep -af "$SALIDAS/$1/" 2>/dev/null
  } | sort -u
}

# caso NOMBRE FUENTE MAXIMO [VAR=valor…]: califica autograder/hostiles/FUENTE como monitor.c.
caso() {
  local nombre=$1 fuente=$2 maximo=$3
  shift 3
  local dir="$TMP/$nombre"
  mkdir -p "$dir"
  sed -e "s|@RAIZ@|$RAIZ|g" -e "s|@SALIDA@|$SALIDAS/$nombre|g" \
    "autograder/hostiles/$fuente" >"$dir/monitor.c"
  local h_entrega h_antes
  h_entrega=$(sha256sum "$dir/monitor.c")
  h_antes=$(huella)
  (
    for kv in "$@"; do export "${kv?}"; done
    calificar_en "$nombre" --lab "$LAB" --entrega "$dir"
    echo "$rc $segundos" >"$TMP/$nombre.rc"
  )
  read -r rc segundos <"$TMP/$nombre.rc"
  read -r p m < <(nota "$nombre")
  local etiqueta="$nombre${1:+ ($*)}"
  if [ "$rc" = 0 ] && [ "$p" != "-" ] && [ "$p" -le "$maximo" ] &&
    awk -v s="$segundos" -v l="$LIMITE_S" 'BEGIN{exit !(s < l)}'; then
    bien "$etiqueta: $p/$m en $segundos s"
  else
    mal "$nombre" "$etiqueta: nota $p/$m (máximo esperado $maximo), rc=$rc, $segundos s — $SALIDAS/$nombre.txt"
  fi
  if informe_valido "$nombre" 2>"$TMP/$nombre.inf"; then
    bien "$nombre: informe válido, cada fallo con su «Obtenido»"
  else
    mal "$nombre-informe" "$nombre: informe inválido: $(tail -n1 "$TMP/$nombre.inf")"
  fi
  local vivos
  vivos=$(supervivientes "$nombre")
  if [ -z "$vivos" ]; then
    bien "$nombre: no queda ningún proceso de la entrega"
  else
    mal "$nombre-vivos" "$nombre: quedan procesos vivos:"
    echo "$vivos" | sed 's/^/      /'
    echo "$vivos" | awk '{print $1}' | xargs -r kill -KILL 2>/dev/null
  fi
  if [ "$(huella)" = "$h_antes" ] && [ "$(sha256sum "$dir/monitor.c")" = "$h_entrega" ] &&
    [ ! -e "labs/$LAB/HACKEADO" ] && [ ! -e autograder/HACKEADO ]; then
    bien "$nombre: repositorio y entrega intactos"
  else
    mal "$nombre-repo" "$nombre: ¡el repositorio o la entrega cambiaron!"
  fi
}

echo "── Contención con bubblewrap"
if ! command -v bwrap >/dev/null; then
  mal "sin-bwrap" "bubblewrap no está instalado: no se puede probar la caja (make deps)"
fi
caso sale_ya sale_ya.c 5
caso gira gira.c 5
caso ignora_senales ignora_senales.c 5
caso demonio demonio.c 5
caso bomba bomba.c 5
caso come_memoria come_memoria.c 5
caso inunda inunda.c 5
if grep -q 'descartaron' "$SALIDAS/inunda.txt" && [ "$(stat -c %s "$SALIDAS/inunda.txt")" -lt 2000000 ] &&
  [ "$(stat -c %s "$SALIDAS/inunda/results.json")" -lt 5000000 ]; then
  bien "inunda: la salida se recorta, se dice y el informe no crece sin medida"
else
  mal "inunda-tope" "inunda: no se avisa del recorte o el informe es enorme"
fi
rm -f /tmp/HACKEADO-calificador
caso escribe escribe.c 5
if [ ! -e /tmp/HACKEADO-calificador ]; then
  bien "escribe: /tmp del sistema intacto (la caja tiene /tmp propio)"
else
  mal "escribe-tmp" "escribe: pudo escribir en /tmp del sistema"
  rm -f /tmp/HACKEADO-calificador
fi
if grep -q FORJADO "$SALIDAS/escribe/results.json"; then
  mal "escribe-forja" "escribe: el informe contiene resultados falsificados"
else
  bien "escribe: resultados no falsificados (el informe da la nota real)"
fi
caso sale_ya_criterion sale_ya.c 5 CRITERION_ALWAYS_SUCCEED=1 CRITERION_JOBS=1

echo "── Contención sin bubblewrap (CALIF_SIN_BWRAP=1: límites, usuario nobody y limpieza)"
caso demonio_sin_caja demonio.c 5 CALIF_SIN_BWRAP=1
if grep -q 'SIN caja de arena' "$SALIDAS/demonio_sin_caja.txt"; then
  bien "sin caja: la salida lo dice"
else
  mal "sin-caja-aviso" "sin caja: la salida no avisa de que no hay caja de arena"
fi
caso bomba_sin_caja bomba.c 5 CALIF_SIN_BWRAP=1
caso ignora_senales_sin_caja ignora_senales.c 5 CALIF_SIN_BWRAP=1
caso escribe_sin_caja escribe.c 5 CALIF_SIN_BWRAP=1
# Sin espacio de nombres de montaje, /tmp es el del sistema: se dice en el informe
# («puede leer el disco») y aquí solo se limpia.
rm -f /tmp/HACKEADO-calificador
if grep -q FORJADO "$SALIDAS/escribe_sin_caja/results.json"; then
  mal "escribe-sin-caja-forja" "escribe sin caja: el informe contiene resultados falsificados"
else
  bien "escribe sin caja: resultados no falsificados"
fi

echo "── Líneas sin pruebas (el registro del servidor manda)"
# adivina.c no hace ni una petición HTTP: detecta al calificador, deduce el estado de cada URL
# por su texto y va imprimiendo OK/FALLO/ALERTA/RECUPERADO/OMITIDA/RESUMEN verosímiles con
# nanosleep. Antes de las rutas opacas y de casar cada línea con el registro sacaba 63/100;
# ahora solo puede ganar compilar y la validación de la entrada (14).
caso adivina adivina.c 20

echo "── Errores de compilación y del instructor"
# Un árbol de curso falso con tres laboratorios que usan el calificador real del 07:
#   07-monitor-web  entrega que no compila      → 0 puntos y los mensajes del compilador
#   08-copia        la solución                 → 100 %
#   10-mal          lab.json con una verificación que el calificador no tiene → código 3
falso="$TMP/curso"
bfalso="$TMP/build"
mkdir -p "$falso/labs" "$bfalso/bin"
ln -s "$B/bin/servidor-practica" "$bfalso/bin/servidor-practica"
for l in 07-monitor-web 08-copia 10-mal; do
  mkdir -p "$falso/labs/$l" "$bfalso/labs/$l"
  cp "labs/$LAB/lab.json" "$falso/labs/$l/"
  ln -s "$B/labs/$LAB/calificador" "$bfalso/labs/$l/calificador"
done
printf 'int main(void) { return 0 }\n' >"$falso/labs/07-monitor-web/monitor.c"
cp "solutions/$LAB/monitor.c" "$falso/labs/08-copia/monitor.c"
cp "solutions/$LAB/monitor.c" "$falso/labs/10-mal/monitor.c"
python3 - "$falso/labs/10-mal/lab.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["verificaciones"].append({"id": "no_existe", "nombre": "Verificación fantasma", "puntos": 1,
                            "que": "nada", "pista": ""})
json.dump(d, open(sys.argv[1], "w"), ensure_ascii=False, indent=2)
PY
"$CALIFICAR" --raiz "$falso" --construccion "$bfalso" --cc "$CC" --cflags "$CALIF_CFLAGS" \
  --libs "$CALIF_LIBS" --salida "$SALIDAS/arbol-falso" >"$SALIDAS/arbol-falso.txt" 2>&1
rc=$?
puntos=$(python3 - "$SALIDAS/arbol-falso/results.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join("%s=%d/%d" % (l["lab"], l["score"], l["max_score"]) for l in d["extra_data"]["labs"]))
PY
)
if grep -q 'monitor.c:1:[0-9]*: error' "$SALIDAS/arbol-falso.txt" && [[ "$puntos" == *"07-monitor-web=0/100"* ]]; then
  bien "error de compilación: 0 puntos y los mensajes del compilador a la vista"
else
  mal "compilacion" "error de compilación: no se ven los mensajes o no puntúa 0 ($puntos)"
fi
if [[ "$puntos" == *"08-copia=100/100"* ]]; then
  bien "el laboratorio siguiente se califica igual (08-copia: 100 %)"
else
  mal "siguiente-lab" "tras un error de compilación, el siguiente laboratorio no se calificó bien ($puntos)"
fi
if [ "$rc" = 3 ] && grep -q 'ERROR DEL INSTRUCTOR.*no_existe' "$SALIDAS/arbol-falso.txt"; then
  bien "lab.json que no casa con el calificador: error del instructor (código 3)"
else
  mal "instructor" "lab.json que no casa: rc=$rc, sin «ERROR DEL INSTRUCTOR … no_existe»"
fi

resumen_final
