#!/usr/bin/env bash
# prueba-mutantes.sh B — los calificadores cazan los fallos realistas: cada mutante
# (labs/NN-tema/.calificador/mutantes/*.patch, la solución con un fallo, contra la solución sin
# sus marcas «//@»: autograder/herramientas/partidas.sh copiar-solucion) se califica entero y
# debe perder puntos justo en las verificaciones que su fila de la tabla del laboratorio
# (labs/NN-tema/.calificador/mutantes.tsv, columna debe_fallar; la lee
# autograder/herramientas/tabla-mutantes.sh) nombra, ni una más ni una menos
# (autograder/README.md, «Mutantes»).
#
# Es la prueba completa de los mutantes, una suite de CI aparte (make prueba-mutantes): con
# más de cien mutantes no cabe en el tiempo de make test, y recortarlos no es opción. Para
# que tarde menos se califican MUTANTES_J a la vez (3 por omisión en una máquina de 2
# núcleos: casi todo el tiempo de una calificación es esperar a temporizadores y servidores;
# medido aquí, el 10 pasa de 162 s con 2 a 131 s con 3, y el 12, el que más CPU gasta, hace
# sus 38 en 385 s con 3 sin ninguno calificado otra vez).
# Las J calificaciones a la vez se reparten las verificaciones a la vez de lab.json
# («trabajos», lo que la máquina aguanta de ese laboratorio), como grade-clase
# (lab_trabajos_repartidos en autograder/herramientas/lab.sh, con el porqué y las cifras): con
# J=3 y los 12 del 11 en cada una, 36 programas bajo strace en 2 núcleos, y mutantes que solo
# tocan los reintentos perdían además las verificaciones que miden tiempos.
# Un mutante cuyo resultado no es el de su fila se vuelve a calificar solo, sin nada al
# lado y con todas las de lab.json, antes de darlo por malo: con otros a la vez, una
# verificación de tiempos puede fallar por la carga. Las dos calificaciones se cuentan en el
# informe, con lo que obtuvo la primera en lo que falló (con «×», no «✘»: no es un fallo de la
# prueba); no hay una tercera.
# Con LAB=NN (make prueba-mutantes LAB=07) solo los de ese laboratorio, y con MUTANTE=a,b
# solo los parches que se llaman así (para probar una fila de la tabla tras cambiarla; no sella
# nada: la pasada es autograder/profesorado/pasada-mutantes.sh). Última línea: «resumen: …».
#
# Con REESCRIBIR=1 (make prueba-mutantes LAB=07 REESCRIBIR=1), tras un cambio a propósito de un
# calificador: cada mutante o programa por hitos calificado (solo esos: con LAB y MUTANTE, solo
# los elegidos) cuyo resultado no es el de su fila la reescribe con lo que falló de verdad
# (debe_fallar := las fallidas, menos las de puede_fallar que no estaban en debe_fallar; la
# columna puede_fallar no se toca). Las filas que dieron su resultado no cambian, ni su orden.
# Las variantes no se reescriben (una variante que falla es un calificador injusto, no una fila
# que poner al día), ni un parche que ya no se aplica. La prueba informa igual que sin
# REESCRIBIR (lo que no casaba sale ✘); después, revisar `git diff` de la tabla.
#
# Los programas por hitos (labs/NN-tema/.calificador/hitos/<id>.patch, la solución recortada a
# lo que un estudiante tiene al cerrar el hito <id>) se califican igual, con la misma regla del
# conjunto exacto, y además: la columna hito de su fila nombra un hito de lab.json que no es el
# último (el último es la solución), el archivo se llama como él, y ninguna verificación de ese
# hito ni de uno anterior está en su debe_fallar ni en su puede_fallar (un hito alcanzado las
# pasa todas). Salen en el informe como «hito A: …». Con SOLO_HITOS=1
# (make prueba-mutantes LAB=07 SOLO_HITOS=1) solo esos, sin los mutantes.
#
# Y las variantes correctas (labs/NN-tema/.calificador/variantes/*.patch): la solución escrita
# de otra manera que también cumple el enunciado (p. ej. un uv_write por mensaje y
# destinatario, sin agrupar). Con debe_fallar y puede_fallar «-»: sacan la nota entera, sin ninguna verificación fallida. Es la
# otra mitad de la prueba: un calificador (o el entorno donde califica) que suspende un
# programa correcto escrito de otra manera no es justo. Salen como «variante NOMBRE: …»; con
# SOLO_HITOS=1 tampoco se califican.
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ" || exit 1
B=$(realpath -m "${1:-build}")
# shellcheck source=comun.sh
source "$RAIZ/autograder/pruebas/comun.sh"
# shellcheck source=../herramientas/lab.sh
source "$RAIZ/autograder/herramientas/lab.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prueba-mutantes.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
J=${MUTANTES_J:-3}

# clase_de PARCHE: «hito» para …/.calificador/hitos/…, «variante» para …/variantes/…,
# «mutante» para los demás. Nombra el resultado (y su salida) y su fila de la tabla, para que
# un hito y un mutante con el mismo nombre no choquen.
clase_de() {
  case "$1" in */.calificador/hitos/*) echo hito ;; */.calificador/variantes/*) echo variante ;; *) echo mutante ;; esac
}

# columna LAB CLASE NOMBRE N: la columna N de la fila del parche en la tabla del laboratorio
# (3 hito, 4 debe_fallar, 5 puede_fallar), vacía si es «-» o no hay fila.
columna() {
  bash autograder/herramientas/tabla-mutantes.sh fila "$1" "$2" "$3" | awk -F'\t' -v n="$4" '$n != "-" { print $n }'
}

# regla_hito LAB PARCHE DEBE PUEDE: vacío si el parche cumple la regla de los hitos; si no,
# el porqué. Los hitos y sus verificaciones salen de lab.json por el ejecutor (calificar
# --lista: «hito», id, verificaciones separadas por espacios, título).
regla_hito() {
  local lab=$1 parche=$2 debe=$3 puede=$4 hito ids=() alcanzadas="" visto=0 ultimo="" h vs id
  hito=$(columna "$lab" hito "$(basename "$parche" .patch)" 3)
  while IFS=$'\t' read -r h vs; do
    ids+=("$h")
    ultimo=$h
    # Las de los hitos hasta este, incluido: el programa del hito debe pasarlas.
    [ "$visto" = 0 ] && alcanzadas="$alcanzadas $vs"
    [ "$h" = "$hito" ] && visto=1
  done < <("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab" | awk -F'\t' '$2 == "hito" { print $3 "\t" $4 }')
  if [ -z "$hito" ]; then
    echo "su fila de $(bash autograder/herramientas/tabla-mutantes.sh ruta "$lab") no dice su hito (columna hito: el id de lab.json)"
  elif [ "${#ids[@]}" = 0 ]; then
    echo "lab.json no tiene «hitos»"
  elif [[ " ${ids[*]} " != *" $hito "* ]]; then
    echo "el hito «$hito» de su fila no es un hito de lab.json (son: ${ids[*]})"
  elif [ "$hito" = "$ultimo" ]; then
    echo "el hito «$hito» de su fila es el último: su programa es la solución, no lleva parche"
  elif [ "$(basename "$parche" .patch)" != "$hito" ]; then
    echo "el parche del hito $hito debe llamarse $hito.patch"
  else
    local malas=""
    for id in $debe $puede; do
      case " $alcanzadas " in *" $id "*) malas="$malas $id" ;; esac
    done
    [ -z "$malas" ] || echo "nombra en debe_fallar o puede_fallar verificaciones que el hito $hito ya pasa:$malas"
  fi
}

# probar LAB PARCHE [TRABAJOS]: califica el mutante (o el programa de un hito), con TRABAJOS
# verificaciones a la vez (sin él, las de lab.json), y deja en
# $TMP/res/CLASE-LAB-NOMBRE «bien|mal» en la primera línea y el texto del resultado después, y
# en $TMP/res/CLASE-LAB-NOMBRE.fallaron las fallidas si se calificó (para REESCRIBIR).
probar() {
  local lab=$1 parche=$2 nombre dir p m debe puede fallaron faltan sobran id res clase regla
  nombre=$(basename "$parche" .patch)
  clase=$(clase_de "$parche")
  res="$TMP/res/$clase-$lab-$nombre"
  dir="$TMP/$clase-$lab-$nombre"
  rm -rf "$dir" "$res.fallaron"
  bash autograder/herramientas/partidas.sh copiar-solucion "$lab" "$dir"
  if ! patch -s -p1 -d "$dir" <"$parche" >"$dir.patch.log" 2>&1; then
    printf 'mal\n%s %s: el parche ya no se aplica a la solución (%s)\n' "$clase" "$nombre" \
      "$(head -n1 "$dir.patch.log")" >"$res"
    return
  fi
  calificar_en "$lab-$clase-$nombre" --lab "$lab" --entrega "$dir" ${3:+--trabajos "$3"}
  read -r p m < <(nota "$lab-$clase-$nombre")
  debe=$(columna "$lab" "$clase" "$nombre" 4)
  # puede_fallar nombra (con su porqué en la cabecera del parche) las que este fallo tumba o no
  # según cómo corte TCP los datos o la carga: ni se exigen ni cuentan como sobrantes.
  puede=$(columna "$lab" "$clase" "$nombre" 5)
  regla=""
  [ "$clase" = hito ] && regla=$(regla_hito "$lab" "$parche" "$debe" "$puede")
  fallaron=$(id_fallidas "$lab-$clase-$nombre" "$lab" | tr '\n' ' ')
  [ "$rc" = 0 ] && [ "$m" != "-" ] && echo "$fallaron" >"$res.fallaron"
  # Justo esas: ni una menos (el fallo no se caza) ni una más (una verificación que juzga lo
  # que no le toca, o una fila que se queda corta).
  faltan="" sobran=""
  for id in $debe; do
    case " $fallaron " in *" $id "*) ;; *) faltan="$faltan $id" ;; esac
  done
  for id in $fallaron; do
    case " $debe $puede " in *" $id "*) ;; *) sobran="$sobran $id" ;; esac
  done
  if [ "$clase" = variante ]; then
    # Correcta: la nota entera y ninguna fallida (ni debe_fallar ni puede_fallar valen aquí).
    if [ "$rc" = 0 ] && [ "$m" != "-" ] && [ "$p" = "$m" ] && [ -z "$fallaron" ] && [ -z "$debe$puede" ]; then
      printf 'bien\n%s %s: %s/%s; correcta, no falla ninguna (%s s)\n' "$clase" "$nombre" "$p" "$m" "$segundos" >"$res"
    else
      {
        echo mal
        echo "$clase $nombre: $p/$m (rc=$rc); es correcta y debía sacar la nota entera, y falló «${fallaron% }»${debe:+ (una variante no lleva debe_fallar)}${puede:+ (ni puede_fallar)}"
        mostrar "$lab-$clase-$nombre"
      } >"$res"
    fi
    return
  fi
  if [ "$rc" = 0 ] && [ "$m" != "-" ] && [ "$p" -lt "$m" ] && [ -z "$faltan" ] && [ -z "$sobran" ] && [ -z "$regla" ]; then
    printf 'bien\n%s %s: %s/%s; falla %s (%s s)\n' "$clase" "$nombre" "$p" "$m" "${fallaron% }" "$segundos" >"$res"
  else
    {
      # Si solo falla la regla de los hitos (su fila), calificarlo otra vez no cambia nada.
      if [ -n "$regla" ] && [ "$rc" = 0 ] && [ -z "$faltan" ] && [ -z "$sobran" ]; then echo mal-regla; else echo mal; fi
      echo "$clase $nombre: $p/$m (rc=$rc); debía fallar justo «$debe» y falló «${fallaron% }»${faltan:+ (no falló:$faltan)}${sobran:+ (falló además:$sobran)}${regla:+ — $regla}"
      mostrar "$lab-$clase-$nombre"
    } >"$res"
  fi
}

mkdir -p "$TMP/res"
orden=()   # «lab parche», en el orden del informe
declare -A repartidos=()  # lab → verificaciones a la vez de cada una en la primera pasada
for lab_json in labs/[0-9][0-9]-*/lab.json; do
  lab=$(basename "$(dirname "$lab_json")")
  case "$lab" in "${LAB:-}"*) ;; *) continue ;; esac
  if [ ! -d "solutions/$lab" ]; then
    # La edición del estudiante no trae mutantes ni las soluciones sin publicar.
    salta "sin solutions/$lab: no hay contra qué aplicar sus mutantes"
    continue
  fi
  c="labs/$lab/.calificador"
  repartidos[$lab]=$(lab_trabajos_repartidos "$(lab_filas "$lab" trabajos)" "$J")
  mutantes=("$c"/mutantes/*.patch)
  [ -n "${SOLO_HITOS:-}" ] && mutantes=()
  variantes=("$c"/variantes/*.patch)
  [ -n "${SOLO_HITOS:-}" ] && variantes=()
  for parche in "${mutantes[@]}" "$c"/hitos/*.patch "${variantes[@]}"; do
    if [ -n "${MUTANTE:-}" ]; then
      case ",$MUTANTE," in *",$(basename "$parche" .patch),"*) ;; *) continue ;; esac
    fi
    [ -e "$parche" ] && orden+=("$lab $parche")
  done
done

# Primera pasada: J a la vez, repartiéndose las verificaciones a la vez de su laboratorio.
inicio=$(date +%s)
for par in "${orden[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$J" ]; do wait -n; done
  # shellcheck disable=SC2086
  probar $par "${repartidos[${par%% *}]}" &
done
wait
echo "(${#orden[@]} mutantes y programas de hitos calificados de $J en $J en $(($(date +%s) - inicio)) s)"

# Los que no dieron su resultado, otra vez y solos.
repetidos=0
for par in "${orden[@]}"; do
  read -r lab parche <<<"$par"
  res="$TMP/res/$(clase_de "$parche")-$lab-$(basename "$parche" .patch)"
  primera_linea=$(head -n1 "$res" 2>/dev/null)
  if [ "$primera_linea" != bien ] && [ "$primera_linea" != mal-regla ]; then
    repetidos=$((repetidos + 1))
    cp "$res" "$res.primera" 2>/dev/null || echo "(sin resultado)" >"$res.primera"
    probar "$lab" "$parche"
  fi
done

# El informe, laboratorio a laboratorio.
actual=""
for par in "${orden[@]}"; do
  read -r lab parche <<<"$par"
  [ "$lab" = "$actual" ] || { echo "── $lab"; actual=$lab; }
  clase=$(clase_de "$parche")
  res="$TMP/res/$clase-$lab-$(basename "$parche" .patch)"
  linea=$(sed -n 2p "$res")
  if [ -f "$res.primera" ]; then
    linea="$linea [calificado otra vez, solo; con otro al lado: $(sed -n 2p "$res.primera" | sed 's/^[a-z]* [^:]*: //')]"
  fi
  if [ "$(head -n1 "$res")" = bien ]; then
    bien "$linea"
  else
    mal "$lab-$([ "$clase" != mutante ] && echo "$clase-")$(basename "$parche" .patch)" "$linea"
    tail -n +3 "$res"
  fi
  # De uno calificado otra vez, lo que obtuvo con otros al lado en lo que perdió entonces: si
  # es la carga o su propio fallo, que se ve más con ella, se lee aquí.
  if [ -f "$res.primera" ] && [ -n "$(tail -n +3 "$res.primera")" ]; then
    echo "      con otros al lado, la primera vez:"
    tail -n +3 "$res.primera" | sed -e 's/✘/×/g' -e 's/^/  /'
  fi
done
[ "$repetidos" -gt 0 ] && echo "($repetidos mutante(s) calificados otra vez, solos: ver arriba)"

# REESCRIBIR=1: las filas de los que no dieron su resultado, con lo que fallaron de verdad.
if [ -n "${REESCRIBIR:-}" ]; then
  declare -A cambios=()
  reescritas=0
  for par in "${orden[@]}"; do
    read -r lab parche <<<"$par"
    clase=$(clase_de "$parche")
    nombre=$(basename "$parche" .patch)
    res="$TMP/res/$clase-$lab-$nombre"
    # Solo los mutantes y los hitos calificados (con results.json) que no casaron con su fila.
    [ "$clase" != variante ] && [ -f "$res.fallaron" ] && [ "$(head -n1 "$res")" = mal ] || continue
    debe=$(columna "$lab" "$clase" "$nombre" 4)
    puede=$(columna "$lab" "$clase" "$nombre" 5)
    nuevo=""
    for id in $(cat "$res.fallaron"); do
      # Las de puede_fallar que no estaban en debe_fallar siguen ahí: fallar o no es su porqué.
      case " $puede " in *" $id "*) case " $debe " in *" $id "*) ;; *) continue ;; esac ;; esac
      nuevo="$nuevo $id"
    done
    nuevo=${nuevo# }
    [ "$nuevo" = "$debe" ] && continue
    cambios[$lab]+=$(printf '%s\t%s\t%s' "$clase" "$nombre" "${nuevo:--}")$'\n'
    reescritas=$((reescritas + 1))
    echo "(REESCRIBIR: $clase $nombre del $lab: debe_fallar «${debe:--}» → «${nuevo:--}»)"
  done
  for lab in "${!cambios[@]}"; do
    printf '%s' "${cambios[$lab]}" | bash autograder/herramientas/tabla-mutantes.sh reescribir "$lab"
  done
  echo "(REESCRIBIR: $reescritas fila(s) reescrita(s); revisar: git diff -- 'labs/*/.calificador/mutantes.tsv')"
fi
[ "${#orden[@]}" -gt 0 ] || mal "sin-mutantes" "no hay mutantes que probar${LAB:+ para LAB=$LAB}"
resumen_final
