#!/usr/bin/env bash
# partidas.sh — los programas de partida (labs/NN-tema/*.c, *.h) se generan desde su solución
# (solutions/NN-tema/), que es la única fuente: lo compartido se escribe una vez.
#
# Marcas, en la solución, como comentarios de línea entera (la sangría antes de «//@» da
# igual; no cambian el programa compilado ni dan avisos, y «comprobar» lo verifica; dentro
# de un comentario de bloque valen, pero un «//@ partida:» con «/*» o «*/» tiene que ir
# fuera de él):
#   //@ solucion {          desde aquí, líneas que solo tiene la solución (el trabajo del
#   //@ }                   laboratorio); hasta aquí. No se anidan.
#   //@ partida: TEXTO      una línea que solo tiene la partida: TEXTO tal cual, con su sangría,
#                           tras «//@ partida: » (un solo espacio); «//@ partida:» sola, una
#                           línea en blanco. Fuera de un bloque «solucion».
# Cualquier otra línea que empiece por «//@» es un error (una errata no se cuela en silencio).
# Quitar todas las líneas «//@» da la solución de verdad, byte a byte: es la que se califica
# con SOLUCIONES=1 (los comentarios no cambian nada) y contra la que se escriben y aplican los
# parches de labs/NN-tema/.calificador/mutantes/, hitos/ y variantes/ («sin-marcas» y
# «copiar-solucion»).
#
# Uso (desde cualquier carpeta):
#   partidas.sh generar [NN]          reescribe las partidas de labs/ desde solutions/ (make partidas)
#   partidas.sh comprobar [NN]        sale con 1 si alguna partida de labs/ no es la generada,
#                                     con el diff y el remedio (prueba-labs)
#   partidas.sh partida ARCHIVO       escribe en stdout la partida de un archivo de la solución
#   partidas.sh sin-marcas ARCHIVO    escribe en stdout la solución sin las marcas
#   partidas.sh copiar-solucion LAB DIR   copia solutions/LAB/* a DIR sin las marcas (para
#                                     aplicarle un parche de mutante o de hito)
# Cada archivo de solutions/NN-tema/ (de un laboratorio con labs/NN-tema/lab.json) tiene su
# partida en labs/NN-tema/ con el mismo nombre; uno sin marcas es igual en los dos lados.
# Sin solutions/ (la edición del estudiante, sin soluciones publicadas) no hay nada que
# generar ni comprobar. Solo bash, awk, diff y el compilador de C (CC, cc por omisión).
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)

# marcas MODO ARCHIVO: MODO «partida» o «solucion». Errores (marca desconocida, bloque sin
# cerrar o anidado) en stderr con archivo:línea, y sale con 1.
marcas() {
  awk -v modo="$1" -v archivo="${2#"$RAIZ"/}" '
    function error(m) { printf "%s:%d: %s\n", archivo, NR, m > "/dev/stderr"; malo = 1; exit 1 }
    /^[ \t]*\/\/@/ {
      marca = $0
      sub(/^[ \t]*\/\/@/, "", marca)
      if (marca ~ /^ solucion \{[ \t]*$/) {
        if (dentro) error("«//@ solucion {» dentro de otro bloque (no se anidan)")
        dentro = NR
      } else if (marca ~ /^ \}[ \t]*$/) {
        if (!dentro) error("«//@ }» sin su «//@ solucion {»")
        dentro = 0
      } else if (marca ~ /^ partida:( |$)/) {
        if (dentro) error("«//@ partida:» dentro de un bloque «solucion»")
        if (modo == "partida") print substr(marca, 11)
      } else {
        error("marca desconocida (valen «//@ solucion {», «//@ }» y «//@ partida: TEXTO»)")
      }
      next
    }
    { if (modo == "solucion" || !dentro) print }
    END {
      if (!malo && dentro) {
        printf "%s:%d: «//@ solucion {» sin su «//@ }»\n", archivo, dentro > "/dev/stderr"
        exit 1
      }
    }' "$2"
}

# laboratorios [NN]: las carpetas NN-tema con lab.json y con solución, una por línea.
laboratorios() {
  local lab_json lab
  for lab_json in "$RAIZ"/labs/[0-9][0-9]-*/lab.json; do
    lab=$(basename "$(dirname "$lab_json")")
    case "$lab" in "${1:-}"*) ;; *) continue ;; esac
    [ -d "$RAIZ/solutions/$lab" ] && echo "$lab"
  done
}

# codigo ARCHIVO: el programa preprocesado de verdad (las líneas unidas por «\» antes de quitar
# los comentarios, como al compilar; -fpreprocessed no lo hace), sin sus #include (iguales en
# los dos lados: no hacen falta las cabeceras) ni líneas en blanco.
codigo() {
  sed '/^[[:space:]]*#[[:space:]]*include/d' "$1" |
    "${CC:-cc}" -E -P -dD -undef -nostdinc -x c - 2>/dev/null | grep -v '^[[:space:]]*$'
}

# comprobar [NN]: cada partida es la generada y las marcas no cambian el programa.
comprobar() {
  local lab f nombre malos=0 n=0 tmp
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/partidas.XXXXXX")
  for lab in $(laboratorios "${1:-}"); do
    for f in "$RAIZ/solutions/$lab"/*; do
      nombre=$(basename "$f")
      n=$((n + 1))
      if ! marcas partida "$f" >"$tmp/partida" || ! marcas solucion "$f" >"$tmp/solucion"; then
        malos=$((malos + 1))
        continue
      fi
      if ! diff -u --label "labs/$lab/$nombre (en el repositorio)" \
        --label "labs/$lab/$nombre (generada desde solutions/$lab/$nombre)" \
        "$RAIZ/labs/$lab/$nombre" "$tmp/partida"; then
        malos=$((malos + 1))
      fi
      case "$nombre" in
        *.c | *.h)
          # Ni otro programa ni avisos nuevos: una marca con «/*» dentro de un comentario de
          # bloque es un aviso (-Wcomment), un error con el -Werror del curso.
          codigo "$f" >"$tmp/codigo-marcas"
          codigo "$tmp/solucion" >"$tmp/codigo"
          if [ ! -s "$tmp/codigo" ] || ! cmp -s "$tmp/codigo-marcas" "$tmp/codigo"; then
            echo "solutions/$lab/$nombre: las marcas «//@» cambian el programa, o no se pudo preprocesar (¿una marca dentro de una macro de varias líneas, o un «*/» en un «//@ partida:» dentro de un comentario?)"
            malos=$((malos + 1))
          elif ! "${CC:-cc}" -fpreprocessed -E -Wcomment -Werror=comment -x c "$f" -o /dev/null; then
            echo "solutions/$lab/$nombre: una marca «//@» con «/*» dentro de un comentario de bloque (sácala del comentario: antes o después)"
            malos=$((malos + 1))
          fi
          ;;
      esac
    done
  done
  rm -rf "$tmp"
  if [ "$malos" != 0 ]; then
    echo "partidas: $malos de $n archivos no cuadran (arriba, cuál y por qué). Una partida distinta de la que sale de su solución: si el cambio va en la solución, «make partidas» la rehace; si va en la partida, escríbelo en la solución con sus marcas «//@» (autograder/README.md, «Partidas»)"
    return 1
  fi
  if [ "$n" = 1 ]; then
    echo "partidas: el archivo de partida es el que sale de su solución (y las marcas no cambian el programa)"
  else
    echo "partidas: los $n archivos de partida son los que salen de su solución (y las marcas no cambian el programa)"
  fi
}

# generar [NN]: reescribe las partidas (solo las que cambian).
generar() {
  local lab f nombre tmp malos=0
  tmp=$(mktemp "${TMPDIR:-/tmp}/partidas.XXXXXX")
  for lab in $(laboratorios "${1:-}"); do
    for f in "$RAIZ/solutions/$lab"/*; do
      nombre=$(basename "$f")
      if ! marcas partida "$f" >"$tmp"; then
        malos=1
        continue
      fi
      if ! cmp -s "$tmp" "$RAIZ/labs/$lab/$nombre"; then
        cat "$tmp" >"$RAIZ/labs/$lab/$nombre"
        echo "partidas: labs/$lab/$nombre rehecha desde solutions/$lab/$nombre"
      fi
    done
  done
  rm -f "$tmp"
  return "$malos"
}

case "${1:-}" in
  generar)
    # En la edición del estudiante, labs/ es su trabajo: nunca se reescribe.
    if [ -f "$RAIZ/.edicion-estudiante" ]; then
      echo "partidas: esta es la edición del estudiante: labs/ es tu trabajo y no se reescribe" >&2
      exit 2
    fi
    generar "${2:-}"
    ;;
  comprobar) comprobar "${2:-}" ;;
  partida) marcas partida "${2:?falta el archivo}" ;;
  sin-marcas) marcas solucion "${2:?falta el archivo}" ;;
  copiar-solucion)
    lab=${2:?falta el laboratorio}
    dir=${3:?falta la carpeta}
    mkdir -p "$dir" || exit 1
    for f in "$RAIZ/solutions/$lab"/*; do
      [ -f "$f" ] || continue
      marcas solucion "$f" >"$dir/$(basename "$f")" || exit 1
      touch -r "$f" "$dir/$(basename "$f")"
    done
    ;;
  *)
    echo "uso: $0 generar|comprobar [NN] | partida|sin-marcas ARCHIVO | copiar-solucion LAB DIR" >&2
    exit 2
    ;;
esac
