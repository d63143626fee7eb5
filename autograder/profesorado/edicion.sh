#!/usr/bin/env bash
# edicion.sh — la edición del estudiante: el curso sin lo que es solo del profesorado.
#
#   edicion.sh --lista [--sin-soluciones]   los archivos que lleva (uno por línea, ordenados)
#   edicion.sh DEST                         la escribe (o la pone al día) en DEST
#
# Qué lleva: los archivos del repositorio (git ls-files, con los cambios sin commit) menos
# los de solo-profesorado.txt y menos las soluciones sin publicar (solutions/NN-tema/ solo
# si su lab.json dice "solucion_publicada": true; solutions/practica/NN-tema/, las respuestas
# de la práctica, solo si la lección está en lessons/practica/respuestas-publicadas.txt).
# Con --sin-soluciones, ninguna (Gradescope).
#
# DEST es un repositorio de git propio, sin la historia del curso: la primera vez, un solo
# commit; las siguientes, un commit nuevo encima con lo que haya cambiado (una solución
# recién publicada, por ejemplo), para que los estudiantes lo reciban con `git pull`. En
# DEST, README.md empieza diciendo que es la edición del estudiante y qué soluciones trae, y
# .edicion-estudiante marca la copia (make test se adapta: ver autograder/autograder.mk).
#
# Variables: CALIFICAR (el ejecutor: es quien lee lab.json). Solo lee el curso.
set -euo pipefail
trap 'echo "edicion-estudiante: falló «$BASH_COMMAND» (línea $LINENO)" >&2' ERR
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ"
CALIFICAR=${CALIFICAR:-build/bin/calificar}
LISTA_PROFESORADO=autograder/profesorado/solo-profesorado.txt

# Los laboratorios con la solución publicada (07-monitor-web…), uno por línea.
publicados() {
  "$CALIFICAR" --raiz "$RAIZ" --lista | awk -F'\t' '$2 == "solucion_publicada" && $3 == 1 { print $1 }'
}

# Las lecciones con las respuestas de la práctica publicadas (make publicar L=NN).
practica_publicada() {
  [ -f lessons/practica/respuestas-publicadas.txt ] || return 0
  sed -e 's/#.*//' -e 's/[[:space:]]//g' lessons/practica/respuestas-publicadas.txt | sed '/^$/d'
}

# Los archivos del curso: los de git (que existan) o, fuera de git, todos menos build/.
archivos_curso() {
  if git -C "$RAIZ" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$RAIZ" ls-files -z | while IFS= read -r -d '' f; do
      [ -f "$f" ] && [ ! -L "$f" ] && printf '%s\n' "$f"
    done
  else
    find . -type f -not -path './build/*' -not -path './.git/*' -printf '%P\n'
  fi
}

# Los archivos de bench/ que contienen la solución de un laboratorio (en cualquier lenguaje:
# los puertos a Python de bench/ hacen lo mismo que la solución en C), de los laboratorios
# cuya solución no está publicada (con --sin-soluciones, de todos). «bench_con_solucion» de
# su lab.json los nombra.
bench_sin_publicar() {
  python3 - "$1" labs/*/lab.json <<'PY'
import json, sys
todos = sys.argv[1] == "--sin-soluciones"
for ruta in sys.argv[2:]:
    lab = json.load(open(ruta, encoding="utf-8"))
    if todos or not lab.get("solucion_publicada"):
        for f in lab.get("bench_con_solucion", []):
            print(f)
PY
}

# lista [--sin-soluciones]
lista() {
  local sin=${1:-}
  local patrones=() p
  while IFS= read -r p; do
    p=${p%%#*}
    p=$(printf '%s' "$p" | tr -d '[:space:]')
    [ -n "$p" ] && patrones+=("$p")
  done <"$LISTA_PROFESORADO"
  local pub=" $(publicados | tr '\n' ' ') "
  local pub_practica=" $(practica_publicada | tr '\n' ' ') "
  while IFS= read -r p; do patrones+=("$p"); done < <(bench_sin_publicar "${sin:-no}")
  archivos_curso | LC_ALL=C sort | while IFS= read -r f; do
    # Lo generado y las entregas de los estudiantes (datos personales) nunca salen.
    case "$f" in build/* | entregas/* | */entregas/*) continue ;; esac
    # Sin comillas en el patrón: un «*» de solo-profesorado.txt (labs/*/…) vale por cualquier
    # carpeta. Las rutas del curso no llevan otros caracteres especiales de patrón.
    for p in "${patrones[@]}"; do
      case "$p" in
        # shellcheck disable=SC2053
        */) [[ "$f" == $p* ]] && continue 2 ;;
        # shellcheck disable=SC2053
        *) [[ "$f" == $p ]] && continue 2 ;;
      esac
    done
    if [[ "$f" == solutions/practica/* ]]; then
      local leccion=${f#solutions/practica/}
      leccion=${leccion%%/*}
      [ -n "$sin" ] && continue
      [[ "$pub_practica" == *" $leccion "* ]] || continue
      printf '%s\n' "$f"
      continue
    fi
    if [[ "$f" == solutions/* ]]; then
      local lab=${f#solutions/}
      lab=${lab%%/*}
      [ -n "$sin" ] && continue
      [[ "$pub" == *" $lab "* ]] || continue
    fi
    printf '%s\n' "$f"
  done
}

if [ "${1:-}" = --lista ]; then
  lista "${2:-}"
  exit 0
fi
DEST=${1:?uso: edicion.sh DEST | edicion.sh --lista [--sin-soluciones]}
case "$(realpath -m "$DEST")/" in
  "$RAIZ"/*)
    echo "edicion-estudiante: DEST no puede estar dentro del curso ($RAIZ)" >&2
    exit 2
    ;;
esac
if [ -e "$DEST" ] && [ -n "$(ls -A "$DEST" 2>/dev/null)" ] && [ ! -f "$DEST/.edicion-estudiante" ]; then
  echo "edicion-estudiante: $DEST existe, no está vacía y no es una edición del estudiante: no la toco" >&2
  exit 2
fi
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
inicio=$(date +%s.%N)
nueva=0
if [ ! -d "$DEST/.git" ]; then
  # La rama es main (la que dice la documentación) y git pull mezcla aunque el estudiante
  # tenga commits suyos (sin esto, git ≥ 2.27 se niega: «Need to specify how to reconcile
  # divergent branches»). Esa configuración no viaja al clonar: el README la da.
  git init -q -b main "$DEST"
  # La marca va enseguida: si algo falla a medias, la siguiente vez se retoma.
  echo "soluciones:" >"$DEST/.edicion-estudiante"
fi
git -C "$DEST" rev-parse -q --verify HEAD >/dev/null || nueva=1
antes=""
antes_practica=""
[ -f "$DEST/.edicion-estudiante" ] && antes=$(sed -n 's/^soluciones: *//p' "$DEST/.edicion-estudiante") &&
  antes_practica=$(sed -n 's/^practica: *//p' "$DEST/.edicion-estudiante")

LISTA=$(mktemp "${TMPDIR:-/tmp}/edicion.XXXXXX")
trap 'rm -f "$LISTA"' EXIT
lista >"$LISTA"
# Fuera lo que ya no va (una solución despublicada sigue en la historia: se avisa).
(cd "$DEST" && git ls-files | { grep -vxF .edicion-estudiante || true; } | LC_ALL=C sort) |
  LC_ALL=C comm -23 - "$LISTA" | while IFS= read -r f; do rm -f "$DEST/$f"; done
find "$DEST" -mindepth 1 -depth -type d -empty -not -path "$DEST/.git" -not -path "$DEST/.git/*" -delete
# Dentro lo que va, con sus permisos y fechas.
tr '\n' '\0' <"$LISTA" | xargs -0 cp -p --parents -t "$DEST"

pub=$(publicados | tr '\n' ' ' | sed 's/ $//')
numeros=$(for l in $pub; do printf '%s ' "${l:0:2}"; done | sed 's/ $//; s/ /, /g')
pub_practica=$(practica_publicada | tr '\n' ' ' | sed 's/ $//')
numeros_practica=$(for l in $pub_practica; do printf '%s ' "${l:0:2}"; done | sed 's/ $//; s/ /, /g')
{
  echo "# Edición del estudiante del curso, hecha con «make edicion-estudiante». No la edites a mano:"
  echo "# la rehace el profesorado. Marca la copia para que make test se adapte."
  echo "soluciones: $pub"
  echo "practica: $pub_practica"
} >"$DEST/.edicion-estudiante"
# README: el aviso, justo después del título.
if [ -f "$DEST/README.md" ]; then
  aviso="> **Edición del estudiante.** Esta copia del curso trae las lecciones, los laboratorios
> (enunciado, programa de partida y calificador) y solo las soluciones ya publicadas
> (${numeros:-ninguna todavía}) y las respuestas de la práctica de las lecciones ya publicadas
> (${numeros_practica:-ninguna todavía}). Cuando el profesorado publique otra, \`git pull\` la traerá.
> \`make grade\` y \`make test\` funcionan igual; \`make grade SOLUCIONES=1\` dice qué soluciones
> aún no están. Si haces commits tuyos en tu clon, antes del primer \`git pull\` ejecuta una vez
> \`git config pull.rebase false\`: así \`git pull\` mezcla las soluciones nuevas con tu trabajo.
> Las herramientas del profesorado (mutantes, entregas hostiles, Gradescope, calificar una
> clase: \`make grade-clase\`, \`make gradescope\`, \`make publicar\`, \`make edicion-estudiante\`)
> no vienen en esta edición."
  awk -v aviso="$aviso" 'NR == 1 { print; print ""; print aviso; next } { print }' "$DEST/README.md" >"$DEST/README.md.tmp"
  mv "$DEST/README.md.tmp" "$DEST/README.md"
  # Las filas de órdenes del profesorado («| … | profesorado: …») no van: la edición no las tiene.
  grep -v '^| .* | profesorado: ' "$DEST/README.md" >"$DEST/README.md.tmp" || true
  mv "$DEST/README.md.tmp" "$DEST/README.md"
fi

git -C "$DEST" add -A
nombre=$(git config user.name 2>/dev/null || true)
correo=$(git config user.email 2>/dev/null || true)
gitc=(git -C "$DEST" -c "user.name=${nombre:-Profesorado del curso}" -c "user.email=${correo:-profesorado@curso.invalid}")
if [ $nueva -eq 1 ]; then
  mensaje="Edición del estudiante del curso (soluciones publicadas: ${numeros:-ninguna})"
else
  nuevas=""
  for l in $pub; do [[ " $antes " == *" $l "* ]] || nuevas="$nuevas ${l:0:2}"; done
  retiradas=""
  for l in $antes; do [[ " $pub " == *" $l "* ]] || retiradas="$retiradas ${l:0:2}"; done
  for l in $pub_practica; do [[ " $antes_practica " == *" $l "* ]] || nuevas_practica="${nuevas_practica:-} ${l:0:2}"; done
  for l in $antes_practica; do [[ " $pub_practica " == *" $l "* ]] || retiradas="$retiradas práctica ${l:0:2}"; done
  if [ -n "$nuevas" ]; then
    mensaje="Publicadas las soluciones de:$nuevas"
    [ -n "${nuevas_practica:-}" ] && mensaje="$mensaje; las respuestas de la práctica de:$nuevas_practica"
  elif [ -n "${nuevas_practica:-}" ]; then
    mensaje="Publicadas las respuestas de la práctica de:$nuevas_practica"
  else
    mensaje="Edición del estudiante al día"
  fi
  [ -n "$retiradas" ] && mensaje="$mensaje (retiradas de la edición:$retiradas; siguen en la historia de git)"
fi
if "${gitc[@]}" diff --cached --quiet 2>/dev/null && [ $nueva -eq 0 ]; then
  echo "Edición del estudiante en $DEST: sin cambios (soluciones publicadas: ${numeros:-ninguna})."
else
  "${gitc[@]}" commit -q -m "$mensaje"
  n=$(wc -l <"$LISTA")
  fin=$(date +%s.%N)
  echo "Edición del estudiante en $DEST: $n archivos, commit «$mensaje» ($(awk -v a="$inicio" -v b="$fin" 'BEGIN{printf "%.1f", b-a}') s)."
fi
[ -n "${retiradas:-}" ] && echo "Aviso: las soluciones retiradas (${retiradas# }) siguen en la historia de git de la edición." >&2
exit 0
