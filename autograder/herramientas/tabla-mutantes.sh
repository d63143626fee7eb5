#!/usr/bin/env bash
# tabla-mutantes.sh — la tabla de lo que debe fallar cada mutante, programa por hitos y variante
# correcta de un laboratorio: labs/NN-tema/.calificador/mutantes.tsv. Es la ÚNICA fuente de
# «qué verificaciones pierde este parche»: los parches (en .calificador/mutantes/, hitos/ y
# variantes/) solo llevan en su cabecera la descripción.
#
#   tabla-mutantes.sh ruta LAB              la ruta de la tabla del laboratorio
#   tabla-mutantes.sh filas LAB             sus filas de datos (sin comentarios), tal cual
#   tabla-mutantes.sh fila LAB CLASE NOMBRE la fila de ese parche (vacío si no la tiene)
#   tabla-mutantes.sh parches LAB           «clase ruta» de cada parche del laboratorio
#   tabla-mutantes.sh comprobar LAB         que tabla y parches casan (abajo); 1 y el porqué si no
#   tabla-mutantes.sh reescribir LAB        lee de la entrada «clase<TAB>nombre<TAB>debe_fallar»
#                                           y pone ese debe_fallar en esas filas (las demás, igual)
#   tabla-mutantes.sh anadir LAB CLASE NOMBRE HITO DEBE PUEDE   añade (o cambia) una fila
#   tabla-mutantes.sh importar LAB          pasa a la tabla las cabeceras de antes («# Debe
#                                           fallar:», «# Puede fallar:», «# Hito:») de los
#                                           parches que aún las traigan, y las quita del parche;
#                                           un parche sin ellas y sin fila entra con «-»
#
# LAB es la carpeta del laboratorio (07-monitor-web) o su número (07). La tabla se escribe
# siempre ordenada por clase y nombre, con la cabecera de comentarios de abajo, para que un
# `git diff` se lea bien. Las columnas, separadas por un tabulador:
#   clase         mutante (la solución con un fallo realista), hito (el programa de un hito:
#                 la solución recortada a lo que hay al cerrarlo) o variante (la solución
#                 escrita de otra manera, correcta: nota entera)
#   nombre        el archivo del parche sin «.patch», en .calificador/<clase>s/ (mutantes/,
#                 hitos/, variantes/)
#   hito          para un hito, el id del hito de lab.json (el parche se llama igual); «-» en
#                 los demás
#   debe_fallar   las verificaciones que pierde, ni una más ni una menos, separadas por
#                 espacios; «-» si ninguna (solo las variantes)
#   puede_fallar  las que pierde o no según la carga o cómo corte TCP los datos (el porqué va
#                 en la cabecera del parche): ni se exigen ni sobran; «-» si ninguna
#
# Lo que comprueba «comprobar» (prueba-labs.sh lo usa en cada laboratorio): cada fila tiene 5
# columnas, una clase conocida y un nombre sin repetir, y su parche existe; cada parche de
# mutantes/, hitos/ y variantes/ tiene su fila; un mutante o un hito dice qué debe fallar; una
# variante, nada; un hito nombra su id (el del nombre del archivo) y los demás «-»; ningún
# parche trae ya las líneas de cabecera de antes; y la tabla está ordenada.
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ" || exit 1

uso() {
  sed -n '7,18p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# carpeta LAB: 07 → 07-monitor-web (la carpeta de labs/ que empieza así).
carpeta() {
  local l
  case "$1" in
    [0-9][0-9]-*) echo "$1" ;;
    *)
      for l in labs/"$1"-*/; do
        [ -d "$l" ] && basename "$l" && return
      done
      echo "tabla-mutantes: no hay ningún laboratorio labs/$1-*" >&2
      exit 2
      ;;
  esac
}

ruta() { echo "labs/$1/.calificador/mutantes.tsv"; }

# La cabecera de comentarios de toda tabla (la misma en todas: explica las columnas).
cabecera() {
  cat <<EOF
# mutantes.tsv — lo que debe fallar cada mutante, programa por hitos y variante correcta del
# laboratorio $1 (autograder/README.md, «Mutantes»). Una fila por parche de .calificador/
# mutantes/, hitos/ y variantes/, ordenadas por clase y nombre; columnas separadas por un
# tabulador, «-» si vacía:
#   clase         mutante, hito o variante
#   nombre        el parche sin «.patch»
#   hito          el id del hito de lab.json (solo en los hitos)
#   debe_fallar   las verificaciones que pierde: ni una más ni una menos
#   puede_fallar  las que pierde o no según la carga (el porqué, en la cabecera del parche)
# Tras cambiar un calificador a propósito: make prueba-mutantes LAB=NN REESCRIBIR=1 y revisar
# el git diff de esta tabla. Comprobar que casa con los parches: tabla-mutantes.sh comprobar.
EOF
  printf '# clase\tnombre\thito\tdebe_fallar\tpuede_fallar\n'
}

# filas LAB: las de datos, tal cual.
filas() {
  local t
  t=$(ruta "$1")
  [ -f "$t" ] || return 0
  grep -v -e '^#' -e '^[[:space:]]*$' "$t"
}

# escribir LAB < FILAS: la tabla entera, con la cabecera y ordenada (sin filas repetidas).
escribir() {
  local t nuevo
  t=$(ruta "$1")
  nuevo=$(mktemp "$t.XXXXXX")
  {
    cabecera "$1"
    LC_ALL=C sort -t $'\t' -k1,1 -k2,2 -u
  } >"$nuevo"
  mv "$nuevo" "$t"
}

# parches LAB: «clase ruta» de cada parche de mutantes/, hitos/ y variantes/.
parches() {
  local c p
  for c in mutante hito variante; do
    for p in "labs/$1/.calificador/${c}s"/*; do
      [ -e "$p" ] && printf '%s %s\n' "$c" "$p"
    done
  done
}

comprobar() {
  local lab=$1 t malos="" c p n
  t=$(ruta "$lab")
  if [ ! -f "$t" ]; then
    if [ -n "$(parches "$lab")" ]; then
      echo "falta $t (hay parches en .calificador/mutantes/, hitos/ o variantes/)"
      return 1
    fi
    return 0
  fi
  malos=$(filas "$lab" | awk -F'\t' -v lab="$lab" '
    NF != 5 { print "fila " NR " con " NF " columnas (son 5, separadas por un tabulador): " $0; next }
    $1 != "mutante" && $1 != "hito" && $1 != "variante" { print "fila " $2 ": clase «" $1 "» (mutante, hito o variante)"; next }
    ($1 SUBSEP $2) in visto { print "fila " $1 " " $2 " repetida" }
    { visto[$1 SUBSEP $2] = 1 }
    $1 != "variante" && ($4 == "-" || $4 == "") { print $1 " " $2 ": sin debe_fallar (un " $1 " pierde alguna verificación)" }
    $1 == "variante" && ($4 != "-" || $5 != "-") { print "variante " $2 ": es correcta, su debe_fallar y su puede_fallar son «-»" }
    $1 == "hito" && $3 != $2 { print "hito " $2 ": su columna hito dice «" $3 "» y debe ser su nombre, " $2 }
    $1 != "hito" && $3 != "-" { print $1 " " $2 ": la columna hito es «-» fuera de los hitos" }
    $1 ~ /^(mutante|hito|variante)$/ && NF == 5 {
      if (system("test -f \"labs/" lab "/.calificador/" $1 "s/" $2 ".patch\"") != 0)
        print $1 " " $2 ": no existe su parche labs/" lab "/.calificador/" $1 "s/" $2 ".patch"
    }')
  while read -r c p; do
    n=$(basename "$p" .patch)
    if [[ "$p" != *.patch ]]; then
      malos+=$'\n'"$p: no es un parche (.patch)"
    elif [ -z "$(filas "$lab" | awk -F'\t' -v c="$c" -v n="$n" '$1 == c && $2 == n')" ]; then
      malos+=$'\n'"$p no tiene fila en $t"
    fi
    if grep -qE '^# (Debe fallar|Puede fallar|Hito):' "$p"; then
      malos+=$'\n'"$p trae aún «# Debe fallar:», «# Puede fallar:» o «# Hito:» (eso va en la tabla: tabla-mutantes.sh importar $lab)"
    fi
  done < <(parches "$lab")
  if ! filas "$lab" | LC_ALL=C sort -c -t $'\t' -k1,1 -k2,2 2>/dev/null; then
    malos+=$'\n'"$t no está ordenada por clase y nombre (tabla-mutantes.sh importar $lab la reordena)"
  fi
  malos=$(sed '/^$/d' <<<"$malos")
  [ -z "$malos" ] && return 0
  printf '%s\n' "$malos"
  return 1
}

# reescribir LAB < «clase nombre debe»: cambia debe_fallar de esas filas.
reescribir() {
  local lab=$1 cambios
  cambios=$(cat)
  filas "$lab" | awk -F'\t' -v OFS='\t' '
    NR == FNR { nuevo[$1 SUBSEP $2] = $3; next }
    ($1 SUBSEP $2) in nuevo { $4 = nuevo[$1 SUBSEP $2] }
    { print }' <(printf '%s\n' "$cambios" | sed '/^$/d') - | escribir "$lab"
}

# anadir LAB CLASE NOMBRE HITO DEBE PUEDE: la fila nueva (o la cambia si ya estaba).
anadir() {
  local lab=$1 fila
  fila=$(printf '%s\t%s\t%s\t%s\t%s' "$2" "$3" "${4:--}" "${5:--}" "${6:--}")
  { filas "$lab" | awk -F'\t' -v c="$2" -v n="$3" '!($1 == c && $2 == n)'; echo "$fila"; } | escribir "$lab"
}

# importar LAB: las cabeceras de antes, a la tabla. El porqué que seguía a « — » en
# «# Puede fallar: ids — porqué» se queda en el parche, como «# (ids — porqué)».
importar() {
  local lab=$1 c p n hito debe puede nuevas=""
  while read -r c p; do
    n=$(basename "$p" .patch)
    if ! grep -qE '^# (Debe fallar|Puede fallar|Hito):' "$p"; then
      # Sin cabecera de antes: una variante correcta (nada que fallar) que aún no tiene fila.
      [ -z "$(filas "$lab" | awk -F'\t' -v c="$c" -v n="$n" '$1 == c && $2 == n')" ] || continue
    fi
    hito=$(sed -n 's/^# Hito: *//p' "$p" | head -n1 | tr -d ' ')
    debe=$(sed -n 's/^# Debe fallar: *//p' "$p" | head -n1 | xargs)
    puede=$(sed -n 's/^# Puede fallar: *//p' "$p" | head -n1 | sed 's/ —.*//' | xargs)
    [ "$c" = hito ] || hito=-
    nuevas+=$(printf '%s\t%s\t%s\t%s\t%s' "$c" "$n" "${hito:--}" "${debe:--}" "${puede:--}")$'\n'
    # Fuera las tres líneas; el porqué de «Puede fallar», si iba en la misma línea, se queda.
    sed -i -e '/^# Debe fallar:/d' -e '/^# Hito:/d' \
      -e 's/^# Puede fallar: *\(.*\) — \(.*\)$/# (\1 — \2)/' -e '/^# Puede fallar:/d' "$p"
  done < <(parches "$lab")
  {
    filas "$lab" | awk -F'\t' 'NR == FNR { if ($0 != "") { split($0, a, "\t"); nueva[a[1] SUBSEP a[2]] = 1 }; next }
      !(($1 SUBSEP $2) in nueva)' <(printf '%s' "$nuevas") -
    printf '%s' "$nuevas"
  } | escribir "$lab"
}

orden=${1:-}
[ -n "$orden" ] || uso
shift
case "$orden" in
  ruta | filas | parches | comprobar | reescribir | importar)
    [ $# = 1 ] || uso
    "$orden" "$(carpeta "$1")"
    ;;
  fila)
    [ $# = 3 ] || uso
    filas "$(carpeta "$1")" | awk -F'\t' -v c="$2" -v n="$3" '$1 == c && $2 == n'
    ;;
  anadir)
    [ $# = 6 ] || uso
    anadir "$(carpeta "$1")" "$2" "$3" "$4" "$5" "$6"
    ;;
  *) uso ;;
esac
