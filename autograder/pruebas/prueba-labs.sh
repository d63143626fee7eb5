#!/usr/bin/env bash
# prueba-labs.sh B — los calificadores tienen dientes (autograder/README.md, «Principios»). Para cada
# laboratorio con lab.json:
#   - la solución (solutions/NN-tema) saca el 100 % (y, si lab.json fija
#     «tiempo_objetivo_s», se informa si se calificó en ese tiempo o más: un aviso, no un fallo);
#   - el programa de partida, sin tocar, saca como mucho el 20 %, y es el que sale de su
#     solución con las marcas «//@» (autograder/herramientas/partidas.sh comprobar; el
#     remedio, make partidas; antes, un control en un curso de juguete: control_partidas);
#   - hay al menos 4 mutantes (labs/NN-tema/.calificador/mutantes/*.patch: la solución con un
#     fallo realista) y cada parche se aplica aún a la solución (sin sus marcas «//@»);
#   - la tabla labs/NN-tema/.calificador/mutantes.tsv casa con los parches
#     (autograder/herramientas/tabla-mutantes.sh comprobar: cada parche de mutantes/, hitos/ y
#     variantes/ con su fila y cada fila con su parche, un mutante o un hito con su debe_fallar,
#     una variante sin nada, ordenada; antes, un control con una tabla rota: control_tabla).
#     Que cada uno falle justo las verificaciones de su fila lo prueba prueba-mutantes.sh;
#   - sus hitos (sin calificar nada): lab.json tiene «hitos» (un laboratorio sin ellos es un
#     fallo), cada verificación está en uno solo (lo valida el ejecutor al leer lab.json), hay
#     un programa labs/NN-tema/.calificador/hitos/<id>.patch por cada hito salvo el último y
#     ninguno más (con su fila en la tabla, columna hito = <id>), y la tabla de «## Hitos» del enunciado nombra, en su fila k y entre comillas
#     invertidas, cada verificación del hito k, y en su última columna («Horas») las horas
#     de lab.json. Sin escalones: de 2 a 8 hitos, cada uno con 5 verificaciones como mucho y
#     no más de LINEAS_HITO líneas de código nuevas (lineas-hitos.sh). El programa del primer
#     hito, calificado con --hito (make grade HITO=A), saca el 100 % con solo las suyas.
#     Calificar todos los programas por hitos es prueba-mutantes.sh.
#   - la forma de su calificador (sin calificar nada): comun.{c,h}, entrada.c, parada.c,
#     memoria.c y sus temas, con valgrind en memoria.c y las señales en parada.c
#     (forma_calificador; antes, un control con un calificador de juguete: control_forma).
# Las notas se leen de results.json de cada calificación. Última línea: «resumen: …».
# Con LAB=NN (make prueba-labs LAB=07) solo se prueba ese laboratorio.
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ" || exit 1
B=$(realpath -m "${1:-build}")
# shellcheck source=comun.sh
source "$RAIZ/autograder/pruebas/comun.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prueba-labs.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# HORAS[id] de probar_lineas_y_horas, para la tabla del enunciado.
declare -A HORAS

# probar_lineas_y_horas LAB: cada hito de lab.json dice sus horas y no pide más de
# LINEAS_HITO líneas de código nuevas (autograder/herramientas/lineas-hitos.sh: sin comentarios
# ni blancos, desde el paso anterior). Sin la solución o sin los programas por hitos (la
# edición del estudiante) las líneas no se pueden contar: se dice.
LINEAS_HITO=130
probar_lineas_y_horas() {
  local lab=$1 l id nv horas lineas titulo malos="" tabla=""
  HORAS=()
  while IFS=$'\t' read -r l id nv horas lineas titulo; do
    HORAS[$id]=$horas
    tabla="$tabla $id: $nv verif., $horas h, $lineas líneas;"
    [[ "$horas" =~ ^[0-9]+(\.[05])?$ ]] && [ "$horas" != 0 ] ||
      malos="$malos el hito $id no dice sus horas en lab.json («horas»: 1.5);"
    if [ ! -d "labs/$lab/.calificador/hitos" ] || [ ! -d "solutions/$lab" ]; then
      : # la edición del estudiante: se dice abajo
    elif [ "$lineas" = "?" ]; then
      malos="$malos el programa del hito $id no se pudo construir para contar sus líneas;"
    elif [ "$lineas" -gt "$LINEAS_HITO" ]; then
      malos="$malos el hito $id pide $lineas líneas de código nuevas (como mucho $LINEAS_HITO: pártelo o da más en la partida);"
    fi
  done < <(bash autograder/herramientas/lineas-hitos.sh "$lab")
  if [ ! -d "labs/$lab/.calificador/hitos" ] || [ ! -d "solutions/$lab" ]; then
    salta "edición del estudiante: las líneas de cada hito no se cuentan sin la solución y los programas por hitos"
  fi
  if [ -z "$malos" ]; then
    bien "horas y líneas de código nuevas por hito (≤ $LINEAS_HITO):${tabla%;}"
  else
    mal "$lab-hitos-lineas" "hitos:${malos%;}"
  fi
}

# probar_hasta_hito LAB ID DIR: calificar DIR (el programa del primer hito) con --hito ID da el
# 100 % y califica exactamente las verificaciones de ese hito (make grade HITO=…).
probar_hasta_hito() {
  local lab=$1 id=$2 dir=$3 esperadas=$4 p m calificadas
  calificar_en "$lab-hasta-$id" --lab "$lab" --entrega "$dir" --hito "$id"
  read -r p m < <(nota "$lab-hasta-$id")
  calificadas=$(python3 - "$SALIDAS/$lab-hasta-$id/results.json" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(0)
print(" ".join(sorted(t["extra_data"]["id"] for t in d["tests"])))
PY
  )
  esperadas=$(tr ' ' '\n' <<<"$esperadas" | grep -v '^$' | sort | tr '\n' ' ')
  if [ "$rc" = 0 ] && [ "$m" != "-" ] && [ "$p" = "$m" ] && [ "$calificadas " = "$esperadas" ]; then
    bien "el programa del hito $id con HITO=$id: $p/$m, solo sus verificaciones"
  else
    mal "$lab-hasta-hito" "HITO=$id sobre el programa del hito $id: $p/$m (rc=$rc), calificadas «$calificadas», esperadas «$esperadas» — $SALIDAS/$lab-hasta-$id.txt"
    mostrar "$lab-hasta-$id"
  fi
}

# probar_hitos LAB: los hitos de lab.json contra los programas por hitos y el enunciado.
probar_hitos() {
  local lab=$1 lista hitos=() vs=() h v k n fila filas=() malos="" n_parches=0 parche ultimo
  if ! lista=$("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab" 2>&1); then
    mal "$lab-hitos" "lab.json inválido: $lista"
    return
  fi
  while IFS=$'\t' read -r h v; do
    hitos+=("$h")
    vs+=("$v")
  done < <(awk -F'\t' '$2 == "hito" { print $3 "\t" $4 }' <<<"$lista")
  if [ "${#hitos[@]}" = 0 ]; then
    mal "$lab-hitos" "lab.json no tiene «hitos»: cada laboratorio se recorre en 2 a 8 hitos (autograder/README.md, «Hitos»)"
    return
  fi
  bien "${#hitos[@]} hitos (${hitos[*]}) que reparten las verificaciones, cada una en uno solo"
  # Sin escalones: de 2 a 8 hitos, ninguno con más de 5 verificaciones.
  malos=""
  if [ "${#hitos[@]}" -lt 2 ] || [ "${#hitos[@]}" -gt 8 ]; then
    malos=" ${#hitos[@]} hitos (deben ser de 2 a 8);"
  fi
  for k in "${!hitos[@]}"; do
    n=$(wc -w <<<"${vs[$k]}")
    [ "$n" -le 5 ] || malos="$malos el hito ${hitos[$k]} tiene $n verificaciones (como mucho 5);"
  done
  if [ -z "$malos" ]; then
    bien "cada hito, como mucho 5 verificaciones"
  else
    mal "$lab-hitos-tamano" "hitos:${malos%;}"
  fi
  probar_lineas_y_horas "$lab"
  malos=""
  # Los programas por hitos: uno por hito salvo el último (el último es la solución).
  ultimo=${hitos[${#hitos[@]} - 1]}
  if [ -f .edicion-estudiante ] && [ ! -d "labs/$lab/.calificador/hitos" ]; then
    salta "edición del estudiante: sin los programas por hitos del ${lab:0:2} (son del profesorado)"
  else
    for k in "${!hitos[@]}"; do
      h=${hitos[$k]}
      [ "$h" = "$ultimo" ] && continue
      parche="labs/$lab/.calificador/hitos/$h.patch"
      fila=$(bash autograder/herramientas/tabla-mutantes.sh fila "$lab" hito "$h")
      if [ ! -f "$parche" ]; then
        malos="$malos falta $parche;"
      elif [ "$(cut -f3 <<<"$fila")" != "$h" ] || [ "$(cut -f4 <<<"$fila")" = - ] || [ -z "$(cut -f4 <<<"$fila")" ]; then
        malos="$malos el hito $h no tiene en labs/$lab/.calificador/mutantes.tsv su fila con hito «$h» y debe_fallar;"
      else
        n_parches=$((n_parches + 1))
        if [ -d "solutions/$lab" ]; then
          rm -rf "$TMP/$lab-hito"
          bash autograder/herramientas/partidas.sh copiar-solucion "$lab" "$TMP/$lab-hito"
          if ! patch -s -p1 -d "$TMP/$lab-hito" <"$parche" >/dev/null 2>&1; then
            malos="$malos $parche no se aplica a solutions/$lab;"
          elif [ "$k" = 0 ]; then
            # El primero, calificado solo hasta él: la nota de make grade HITO=… .
            probar_hasta_hito "$lab" "$h" "$TMP/$lab-hito" "${vs[0]}"
          fi
        fi
      fi
    done
    for parche in labs/"$lab"/.calificador/hitos/*; do
      [ -e "$parche" ] || continue
      h=$(basename "$parche" .patch)
      if [ "$h" = "$ultimo" ]; then
        malos="$malos $parche sobra (el último hito es la solución);"
      elif [[ "$parche" != *.patch ]] || [[ " ${hitos[*]} " != *" $h "* ]]; then
        malos="$malos $parche no es de ningún hito de lab.json;"
      fi
    done
    if [ -z "$malos" ]; then
      bien "$([ "$n_parches" = 1 ] && echo "el programa por hitos" || echo "los $n_parches programas por hitos") (labs/$lab/.calificador/hitos/): están y se aplican (calificarlos: make prueba-mutantes LAB=${lab:0:2})"
    else
      mal "$lab-hitos-parches" "programas por hitos:${malos%;}"
    fi
  fi
  # La tabla del enunciado: las filas de «## Hitos» (sin la cabecera ni la raya), en orden.
  mapfile -t filas < <(awk '/^## / { dentro = ($0 ~ /^## Hitos[[:space:]]*$/) } dentro && /^\|/' "labs/$lab/README.md" | tail -n +3)
  malos=""
  if [ "${#filas[@]}" != "${#hitos[@]}" ]; then
    malos=" la tabla de «## Hitos» en labs/$lab/README.md tiene ${#filas[@]} filas y lab.json ${#hitos[@]} hitos;"
  fi
  for k in "${!hitos[@]}"; do
    fila=${filas[$k]:-}
    for v in ${vs[$k]}; do
      [[ "$fila" == *"\`$v\`"* ]] || malos="$malos la fila del hito ${hitos[$k]} no nombra \`$v\`;"
    done
    # La última columna, «Horas»: las de lab.json.
    h=$(awk -F'|' '{ gsub(/^[ \t]+|[ \t]+$/, "", $(NF - 1)); print $(NF - 1) }' <<<"$fila")
    [ "$h" = "${HORAS[${hitos[$k]}]:-}" ] || malos="$malos la fila del hito ${hitos[$k]} no acaba en la columna «Horas» con las de lab.json («${HORAS[${hitos[$k]}]:-}»; dice «${h:0:40}»);"
  done
  if [ -z "$malos" ]; then
    bien "la tabla «## Hitos» del enunciado nombra cada verificación en la fila de su hito"
  else
    mal "$lab-hitos-enunciado" "enunciado:${malos%;}"
  fi
}

# forma_calificador CARPETA: lo que aparta la carpeta de un calificador de la forma común a
# todos (autograder/README.md, «La forma de un calificador»), una línea por falta; nada si la
# tiene. comun.{c,h} (las ayudas del laboratorio, sin verificaciones), entrada.c (lo que el
# programa debe rechazar), parada.c (señales y parada ordenada; sigint, sigterm y senales
# viven ahí), memoria.c (valgrind vive ahí) y al menos un archivo de tema con verificaciones.
forma_calificador() {
  local c=$1 f id
  for f in comun.c comun.h entrada.c parada.c memoria.c; do
    [ -f "$c/$f" ] || echo "falta $f"
  done
  [ ! -f "$c/calificador.c" ] || echo "calificador.c: las verificaciones van repartidas por tema, no en un archivo"
  for f in entrada.c parada.c memoria.c; do
    [ ! -f "$c/$f" ] || grep -q '^CAL_PRUEBA(' "$c/$f" || echo "$f no tiene ninguna verificación"
  done
  [ ! -f "$c/comun.c" ] || ! grep -q '^CAL_PRUEBA(' "$c/comun.c" ||
    echo "comun.c tiene verificaciones (son ayudas; las verificaciones van en su tema)"
  while IFS=: read -r f id; do
    f=${f##*/}
    case "$id" in
      valgrind) [ "$f" = memoria.c ] || echo "la verificación valgrind está en $f (va en memoria.c)" ;;
      sigint | sigterm | senales) [ "$f" = parada.c ] || echo "la verificación $id está en $f (va en parada.c)" ;;
    esac
  done < <(grep -H -o '^CAL_PRUEBA([a-z0-9_]*' "$c"/*.c 2>/dev/null | sed 's/:CAL_PRUEBA(/:/')
  local temas=0
  for f in "$c"/*.c; do
    case "${f##*/}" in comun.c | entrada.c | parada.c | memoria.c) continue ;; esac
    grep -q '^CAL_PRUEBA(' "$f" && temas=$((temas + 1))
  done
  [ "$temas" -gt 0 ] || echo "ningún archivo de tema con verificaciones (además de entrada.c, parada.c y memoria.c)"
}

# probar_forma LAB: el calificador del laboratorio tiene la forma común.
probar_forma() {
  local lab=$1 faltas
  faltas=$(forma_calificador "labs/$lab/.calificador")
  if [ -z "$faltas" ]; then
    bien "el calificador tiene la forma común ($(cd "labs/$lab/.calificador" && echo *.c))"
  else
    mal "$lab-forma" "el calificador no tiene la forma común: $(paste -sd';' <<<"$faltas")"
  fi
}

# control_forma: forma_calificador caza cada clase de falta en un calificador de juguete (si
# no, probar_forma no probaría nada): sin parada.c, valgrind fuera de memoria.c, una
# verificación en comun.c, sin archivo de tema, un calificador.c de una pieza.
control_forma() {
  local c="$TMP/control-forma" faltas esperadas malos="" e
  rm -rf "$c" && mkdir -p "$c"
  printf 'CAL_PRUEBA(%s, 20)\nstatic void %s(void)\n{\n}\n' entrada_mala entrada_mala >"$c/entrada.c"
  printf 'CAL_PRUEBA(%s, 20)\nstatic void %s(void)\n{\n}\n' sigint sigint >"$c/parada.c"
  printf 'CAL_PRUEBA(%s, 20)\nstatic void %s(void)\n{\n}\n' valgrind valgrind >"$c/memoria.c"
  printf 'CAL_PRUEBA(%s, 20)\nstatic void %s(void)\n{\n}\n' tema tema >"$c/tema.c"
  printf 'int x_ayuda(void);\n' >"$c/comun.h"
  printf 'int x_ayuda(void)\n{\n    return 0;\n}\n' >"$c/comun.c"
  [ -z "$(forma_calificador "$c")" ] || malos="$malos da por mala una forma buena;"
  rm "$c/parada.c" "$c/tema.c"
  printf 'CAL_PRUEBA(%s, 20)\nstatic void %s(void)\n{\n}\n' valgrind valgrind >>"$c/entrada.c"
  printf 'CAL_PRUEBA(%s, 20)\nstatic void %s(void)\n{\n}\n' otra otra >>"$c/comun.c"
  printf 'CAL_PRUEBA(%s, 20)\nstatic void %s(void)\n{\n}\n' todo todo >"$c/calificador.c"
  faltas=$(forma_calificador "$c")
  for e in "falta parada.c" "valgrind está en entrada.c" "comun.c tiene verificaciones" "calificador.c:"; do
    [[ "$faltas" == *"$e"* ]] || malos="$malos no caza «$e»;"
  done
  rm "$c/calificador.c"
  [[ "$(forma_calificador "$c")" == *"ningún archivo de tema"* ]] || malos="$malos no caza un calificador sin tema;"
  if [ -z "$malos" ]; then
    bien "forma_calificador caza cada clase de falta (control: sin parada.c, valgrind fuera de memoria.c, verificaciones en comun.c, un calificador.c, sin tema)"
  else
    mal forma-control "forma_calificador:${malos%;}"
  fi
}

# control_partidas: partidas.sh, en un curso de juguete, genera lo que debe y caza cada clase
# de error (si no, la comprobación de cada laboratorio no probaría nada): una partida que se
# aparta de su solución (con el diff y «make partidas»), una marca desconocida, un bloque sin
# cerrar, un «//@ partida:» con «/*» dentro de un comentario de bloque (-Wcomment) y uno
# dentro de una macro de varias líneas (otro programa).
control_partidas() {
  local c="$TMP/control-partidas" s l caso esperado salida malos=""
  rm -rf "$c" && mkdir -p "$c/autograder/herramientas" "$c/labs/99-x" "$c/solutions/99-x"
  cp autograder/herramientas/partidas.sh "$c/autograder/herramientas/"
  echo '{}' >"$c/labs/99-x/lab.json"
  s="$c/solutions/99-x/x.c"
  l="$c/labs/99-x/x.c"
  printf '%s\n' '/* x.c */' 'int f(void)' '{' '    //@ partida:     return 0; /* TODO */' \
    '    //@ solucion {' '    return 42;' '    //@ }' '}' >"$s"
  bash "$c/autograder/herramientas/partidas.sh" generar >/dev/null 2>&1
  [ "$(cat "$l" 2>/dev/null)" = "$(printf '%s\n' '/* x.c */' 'int f(void)' '{' '    return 0; /* TODO */' '}')" ] ||
    malos="$malos no genera la partida esperada;"
  bash "$c/autograder/herramientas/partidas.sh" comprobar >/dev/null 2>&1 ||
    malos="$malos da por mala una partida al día;"
  echo '/* de más */' >>"$l"
  salida=$(bash "$c/autograder/herramientas/partidas.sh" comprobar 2>&1) ||
    [[ "$salida" != *"-/* de más */"*"make partidas"* ]] || salida=ok
  [ "$salida" = ok ] || malos="$malos no caza una partida que se aparta (con el diff y «make partidas»);"
  bash "$c/autograder/herramientas/partidas.sh" generar >/dev/null 2>&1
  for caso in 'desconocida:    //@ partda: x' 'sin cerrar:    //@ solucion {' comentario macro; do
    esperado=${caso%%:*}
    cp "$s" "$s.bien"
    # shellcheck disable=SC1003 # la «\» es la de la macro de C, no un escape
    case "$esperado" in
      comentario) printf '%s\n' '/* a' '//@ partida: /* b' ' */' >>"$s" ;;
      macro) printf '%s\n' '#define M(x) \' '//@ partida: y' '    (x)' >>"$s" ;;
      *) printf '%s\n' "${caso#*:}" >>"$s" ;;
    esac
    # La partida, al día con la marca mala (si se puede): que la caza la marca, no el diff.
    bash "$c/autograder/herramientas/partidas.sh" generar >/dev/null 2>&1
    bash "$c/autograder/herramientas/partidas.sh" comprobar >/dev/null 2>&1 &&
      malos="$malos no caza una marca mala ($esperado);"
    mv "$s.bien" "$s"
  done
  if [ -z "$malos" ]; then
    bien "partidas.sh genera la partida y caza cada clase de error (control: partida que se aparta, marca desconocida, bloque sin cerrar, «/*» en un comentario, marca en una macro)"
  else
    mal partidas-control "partidas.sh:${malos%;}"
  fi
}

# control_tabla: tabla-mutantes.sh comprobar caza cada clase de falta en un laboratorio de
# juguete (si no, la comprobación de cada laboratorio no probaría nada): un parche sin fila,
# una fila sin parche, un mutante sin debe_fallar, una variante con debe_fallar, un hito cuya
# columna hito no es su nombre, una fila con columnas de menos, un parche con la cabecera de
# antes («# Debe fallar:») y una tabla desordenada.
control_tabla() {
  local c="$TMP/control-tabla" t faltas malos="" caso e
  rm -rf "$c" && mkdir -p "$c/autograder/herramientas" "$c/labs/99-x/.calificador/mutantes" \
    "$c/labs/99-x/.calificador/hitos" "$c/labs/99-x/.calificador/variantes"
  cp autograder/herramientas/tabla-mutantes.sh "$c/autograder/herramientas/"
  t="$c/labs/99-x/.calificador/mutantes.tsv"
  for caso in mutantes/uno mutantes/dos hitos/A variantes/otra; do
    printf '# %s\n--- a/x.c\n+++ b/x.c\n' "$caso" >"$c/labs/99-x/.calificador/$caso.patch"
  done
  {
    printf '# tabla de juguete\n'
    printf 'hito\tA\tA\tv1 v2\t-\n'
    printf 'mutante\tdos\t-\tv1\tv2\n'
    printf 'mutante\tuno\t-\tv2\t-\n'
    printf 'variante\totra\t-\t-\t-\n'
  } >"$t"
  cp "$t" "$t.bien"
  bash "$c/autograder/herramientas/tabla-mutantes.sh" comprobar 99-x >/dev/null 2>&1 ||
    malos="$malos da por mala una tabla buena;"
  # Cada caso: lo que debe decir comprobar y cómo se rompe la tabla buena.
  for e in "no tiene fila" "no existe su parche" "sin debe_fallar" "es correcta" "columna hito" \
    "columnas" "ordenada"; do
    cp "$t.bien" "$t"
    case "$e" in
      "no tiene fila") sed -i '/^mutante	uno	/d' "$t" ;;
      "no existe su parche") sed -i 's/^mutante	dos	/mutante	tres	/' "$t" ;;
      "sin debe_fallar") sed -i 's/^mutante	uno	-	v2	/mutante	uno	-	-	/' "$t" ;;
      "es correcta") sed -i 's/^variante	otra	-	-	/variante	otra	-	v1	/' "$t" ;;
      "columna hito") sed -i 's/^hito	A	A	/hito	A	B	/' "$t" ;;
      columnas) sed -i 's/^\(mutante	uno	-	v2\)	-$/\1/' "$t" ;;
      ordenada) sed -i '/^hito	/{h;d};$G' "$t" ;;
    esac
    cmp -s "$t" "$t.bien" && malos="$malos el caso «$e» no rompió la tabla de juguete;"
    faltas=$(bash "$c/autograder/herramientas/tabla-mutantes.sh" comprobar 99-x 2>&1) &&
      malos="$malos no caza «$e» (sale con 0);"
    [[ "$faltas" == *"$e"* ]] || malos="$malos no dice «$e» (dice: ${faltas:0:120});"
  done
  cp "$t.bien" "$t"
  printf '# Debe fallar: v2\n' >>"$c/labs/99-x/.calificador/mutantes/uno.patch"
  [[ "$(bash "$c/autograder/herramientas/tabla-mutantes.sh" comprobar 99-x 2>&1)" == *"trae aún"* ]] ||
    malos="$malos no caza un parche con «# Debe fallar:» en la cabecera;"
  if [ -z "$malos" ]; then
    bien "tabla-mutantes.sh comprobar caza cada clase de falta (control: parche sin fila, fila sin parche, mutante sin debe_fallar, variante con debe_fallar, columna hito, columnas de menos, desordenada, cabecera de antes)"
  else
    mal tabla-control "tabla-mutantes.sh comprobar:${malos%;}"
  fi
}

[ -f .edicion-estudiante ] || control_partidas
control_forma
[ -f .edicion-estudiante ] || control_tabla

for lab_json in labs/[0-9][0-9]-*/lab.json; do
  lab=$(basename "$(dirname "$lab_json")")
  # make prueba-labs LAB=07 prueba solo ese laboratorio.
  case "$lab" in "${LAB:-}"*) ;; *) continue ;; esac
  objetivo=$("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab" | awk -F'\t' '$2 == "tiempo_objetivo_s" { print $3 }')
  echo "── $lab"

  # 0. Los hitos y la forma del calificador (segundos: no se califica nada).
  probar_hitos "$lab"
  probar_forma "$lab"

  # 0b. El programa de partida es el que sale de su solución con las marcas «//@»
  # (autograder/herramientas/partidas.sh, make partidas). En la edición del estudiante,
  # labs/ es su trabajo: no se compara.
  if [ -f .edicion-estudiante ]; then
    salta "edición del estudiante: labs/$lab es su trabajo, no se compara con la solución"
  elif [ -d "solutions/$lab" ]; then
    if salida=$(bash autograder/herramientas/partidas.sh comprobar "$lab" 2>&1); then
      bien "$(tail -n1 <<<"$salida")"
    else
      mal "$lab-partida-generada" "$(tail -n1 <<<"$salida")"
      head -n 60 <<<"$salida" | sed 's/^/      /'
    fi
  fi

  # 1. La solución: 100 %. Como root, con la umask de un sistema endurecido (027): el
  # compilador y el programa corren con el uid de la caja, que tiene que entrar en lo que crea
  # el ejecutor. Antes de que el ejecutor fijara la suya, así salía 0/100 en todos los
  # laboratorios («bwrap: Can't find source path …: Permission denied»). Las demás suites
  # califican con la umask de siempre (022).
  if [ -d "solutions/$lab" ]; then
    umask_antes=$(umask)
    [ "$(id -u)" != 0 ] || umask 027
    calificar_en "$lab-solucion" --lab "$lab" --soluciones
    umask "$umask_antes"
    read -r p m < <(nota "$lab-solucion")
    if [ "$rc" = 0 ] && [ "$m" != "-" ] && [ "$p" = "$m" ]; then
      bien "solución: $p/$m en $segundos s"
    else
      mal "$lab-solucion" "solución: $p/$m (rc=$rc); debe ser el 100 % — $SALIDAS/$lab-solucion.txt"
      mostrar "$lab-solucion"
    fi
    # El tiempo se informa, no se exige: depende de la carga de la máquina (dos suites a la
    # vez en make test) y una prueba no es un cronómetro. Por encima del objetivo, un aviso.
    if [ "$objetivo" != 0 ]; then
      if awk -v s="$segundos" -v o="$objetivo" 'BEGIN{exit !(s <= o)}'; then
        printf '  · calificar la solución tarda %s s (objetivo ≤ %s s)\n' "$segundos" "$objetivo"
      else
        printf '  ⚠ calificar la solución tardó %s s, más que el objetivo de %s s (no es un fallo: depende de la carga; medirlo sin carga)\n' "$segundos" "$objetivo"
      fi
    fi
    informe_valido "$lab-solucion" && bien "results.json y junit.xml válidos" ||
      mal "$lab-informe" "results.json o junit.xml inválidos ($SALIDAS/$lab-solucion)"
  elif [ -f .edicion-estudiante ]; then
    # La edición del estudiante solo trae las soluciones publicadas (make edicion-estudiante).
    salta "edición del estudiante: la solución del ${lab:0:2} aún no está publicada"
  else
    mal "$lab-sin-solucion" "no existe solutions/$lab"
  fi

  # 2. El programa de partida sin tocar: como mucho el 20 %. Con el informe resumido que ve
  # el estudiante la primera vez: corto, con el detalle de la primera que falla y el resto a
  # una orden (DETALLE=1) o en informe.txt, que lo tiene todo.
  # En la edición del estudiante, labs/ es su trabajo (puede estar resuelto): la partida se
  # toma de git, del primer commit de la edición (el que hizo el profesorado).
  de_partida=(--lab "$lab")
  if [ -f .edicion-estudiante ] && primero=$(git rev-list --max-parents=0 HEAD 2>/dev/null | tail -n1) && [ -n "$primero" ]; then
    git_partida="$SALIDAS/$lab-partida-git"
    rm -rf "$git_partida" && mkdir -p "$git_partida"
    cambiada=0
    while IFS= read -r a; do
      git show "$primero:labs/$lab/$a" >"$git_partida/$a" 2>/dev/null || continue
      cmp -s "$git_partida/$a" "labs/$lab/$a" || cambiada=1
    done < <("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab" | awk -F'\t' '$2 == "archivo" { print $3 }')
    [ "$cambiada" = 1 ] && de_partida+=(--entrega "$git_partida") &&
      echo "  (labs/$lab está cambiado: la partida sale de git, del primer commit de la edición)"
  fi
  RESUMIDO=1 calificar_en "$lab-partida" "${de_partida[@]}"
  read -r p m < <(nota "$lab-partida")
  lineas=$(wc -l <"$SALIDAS/$lab-partida.txt")
  # Las líneas de verificación («  ✘   0/5   …»), no las del bloque «Hitos» («    ✘ B — …»).
  fallan_n=$(grep -cE '^  ✘ +[0-9]+/' "$SALIDAS/$lab-partida/informe.txt")
  obtenidos_n=$(grep -c 'Obtenido:' "$SALIDAS/$lab-partida/informe.txt")
  if [ "$lineas" -le 70 ] && [ "$(grep -c 'empieza por aquí' "$SALIDAS/$lab-partida.txt")" = 1 ] &&
    grep -q "DETALLE=1" "$SALIDAS/$lab-partida.txt" && [ "$obtenidos_n" -ge "$fallan_n" ] &&
    ! grep -qE -- '-1 ms|: *;|\(1 líneas|\b1 peticiones' "$SALIDAS/$lab-partida.txt"; then
    bien "partida: informe de $lineas líneas (el detalle de las $fallan_n en informe.txt)"
  else
    por_que=""
    [ "$lineas" -le 70 ] || por_que+=" el informe que ve el estudiante la primera vez (make grade sobre la partida) tiene $lineas líneas y debe caber en 70: acorta los «obtenido» y «detalle» de las verificaciones;"
    [ "$(grep -c 'empieza por aquí' "$SALIDAS/$lab-partida.txt")" = 1 ] || por_que+=" falta «empieza por aquí» (una sola vez) en la primera que falla;"
    grep -q "DETALLE=1" "$SALIDAS/$lab-partida.txt" || por_que+=" no dice cómo ver el resto (DETALLE=1);"
    [ "$obtenidos_n" -ge "$fallan_n" ] || por_que+=" informe.txt trae $obtenidos_n «Obtenido:» para $fallan_n que fallan;"
    ! grep -qE -- '-1 ms|: *;|\(1 líneas|\b1 peticiones' "$SALIDAS/$lab-partida.txt" || por_que+=" quedan restos de marcadores («-1 ms», «: ;», «1 líneas»…);"
    mal "$lab-partida-informe" "partida:${por_que%;} — $SALIDAS/$lab-partida.txt"
  fi
  # make pista: la pista concreta de la primera que falla, sacada de esa calificación.
  pista=$("$CALIFICAR" --raiz "$RAIZ" --salida "$SALIDAS/$lab-partida" --pista --lab "$lab")
  # La primera que falla del primer hito no alcanzado (en un mismo hito, en el orden de
  # lab.json): por ahí empieza el estudiante, en el informe («empieza por aquí») y en la pista.
  primera=$(awk -F'\t' 'NR == FNR { if ($2 == "hito") { n++; split($4, vs, " "); for (k in vs) hito[vs[k]] = n }; next }
    (!($1 in hito)) { next } (mejor == "" || hito[$1] < hito[mejor]) { mejor = $1 } END { print mejor }' \
    <("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab") <(id_fallidas "$lab-partida" "$lab"))
  nombre_primera=$("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab" |
    awk -F'\t' -v id="$primera" '$2 == "verificacion" && $3 == id { print $5 }')
  if [[ "$pista" == *"Pista para el laboratorio ${lab:0:2}, «$nombre_primera»"* ]] &&
    [[ "$pista" == *"make grade LAB=${lab:0:2}"* ]] &&
    grep -B1 'empieza por aquí' "$SALIDAS/$lab-partida.txt" | head -n1 | grep -qF -- "$nombre_primera"; then
    bien "make pista y «empieza por aquí»: «$nombre_primera», la primera que falla del primer hito no alcanzado"
  else
    mal "$lab-pista" "make pista no da la pista de la primera que falla («$nombre_primera»): $pista"
  fi
  if [ "$rc" = 0 ] && [ "$m" != "-" ] && [ $((p * 100)) -le $((m * 20)) ]; then
    bien "partida: $p/$m (≤ 20 %) en $segundos s"
  else
    mal "$lab-partida" "partida: $p/$m (rc=$rc); debe ser ≤ 20 % — $SALIDAS/$lab-partida.txt"
  fi

  # 3. Los mutantes: aquí solo que hay al menos 4 y que cada parche se aplica aún a la
  # solución (segundos). Calificarlos todos es prueba-mutantes.sh (make prueba-mutantes), una
  # suite aparte en CI: con 130 mutantes no cabe en el tiempo de make test. La edición del
  # estudiante no trae mutantes (son la solución con un fallo) ni su tabla.
  if [ -f .edicion-estudiante ] && [ ! -d "labs/$lab/.calificador/mutantes" ]; then
    salta "edición del estudiante: sin mutantes del ${lab:0:2} (son del profesorado)"
    continue
  fi
  # Una copia de la solución sin marcas por laboratorio y cada parche en seco (--dry-run): lo
  # mismo que aplicarlo a una copia nueva (el parche no toca la copia), sin copiar la solución
  # y pasarle awk a cada archivo una vez por mutante (432 veces en los seis laboratorios).
  n=0
  no_aplican=""
  dir="$TMP/$lab-aplicar"
  rm -rf "$dir"
  [ ! -d "solutions/$lab" ] || bash autograder/herramientas/partidas.sh copiar-solucion "$lab" "$dir"
  for parche in labs/"$lab"/.calificador/mutantes/*.patch; do
    [ -e "$parche" ] || continue
    n=$((n + 1))
    [ -d "solutions/$lab" ] || continue
    patch -s --dry-run -p1 -d "$dir" <"$parche" >/dev/null 2>&1 || no_aplican="$no_aplican $(basename "$parche" .patch)"
  done
  if [ -z "$no_aplican" ]; then
    [ "$n" -gt 0 ] && bien "los $n parches de mutantes se aplican a la solución (calificarlos: make prueba-mutantes LAB=${lab:0:2})"
  else
    mal "$lab-parches" "mutantes que ya no se aplican a solutions/$lab:$no_aplican"
  fi
  # La tabla: cada parche con su fila (y lo que debe fallar) y cada fila con su parche.
  if faltas=$(bash autograder/herramientas/tabla-mutantes.sh comprobar "$lab"); then
    bien "labs/$lab/.calificador/mutantes.tsv casa con los parches: $(bash autograder/herramientas/tabla-mutantes.sh filas "$lab" | cut -f1 | LC_ALL=C sort | uniq -c | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }')"
  else
    mal "$lab-tabla" "labs/$lab/.calificador/mutantes.tsv no casa con los parches: $(paste -sd';' <<<"$faltas")"
  fi
  if [ "$n" -ge 4 ]; then
    bien "$n mutantes"
  else
    mal "$lab-mutantes" "$n mutante(s) en labs/$lab/.calificador/mutantes/ y hacen falta al menos 4: cada uno es un parche contra solutions/$lab/ con su fila en labs/$lab/.calificador/mutantes.tsv (debe_fallar: las verificaciones que pierde); make nuevo-lab genera cuatro de ejemplo y autograder/README.md explica cómo escribirlos"
  fi
done

resumen_final
