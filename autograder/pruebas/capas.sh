#!/usr/bin/env bash
# capas.sh B — las capas del calificador se sostienen: ningún círculo de llamadas entre sus
# archivos y ninguna llamada de abajo arriba (base/ ← lib/ ← runner/, autograder/README.md).
#
# Las llamadas se leen de los objetos compilados (nm: lo que cada objeto usa sin definirlo y
# quién lo define), no del texto: una macro o un nombre repetido en un comentario no engañan, y
# un archivo nuevo entra solo. Un círculo (A llama a B, que llama, directa o indirectamente, a
# A) se informa con sus archivos: la salida es partir el archivo o que el de abajo reciba un
# aviso (como procesos_avisar en lib/proceso.c) en vez de llamar por su nombre.
#
# Además, lo que exporta el calificador de cada laboratorio (labs/NN-*/.calificador/) lleva un
# solo prefijo propio (mon_, cont_, chat_…; lab_ son sus verificaciones, hook_ de Criterion):
# dos ayudantes con el mismo nombre en dos calificadores, o uno sin prefijo, fallan.
#
# Y cada archivo de C del curso (.c y .h de git) abre diciendo cuál es: su primera línea es
# «/* nombre.c — para qué es…» (o con su ruta de inclusión, «/* curso/x.h — …»); en una
# solución, la primera que no es una marca «//@» (autograder/herramientas/partidas.sh). Quien
# abre un archivo sabe qué tiene delante sin buscarlo (como checksrc en curl).
#
# Con --control comprueba además que la prueba puede fallar: añade a mano una llamada de
# lib/notas.c a lib/verificacion.c (que llama a notas.c) y debe ver el círculo, y un archivo
# que abre con otra cosa debe verse.
# Última línea: «resumen: …».
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ" || exit 1
B=$(realpath -m "${1:-build}")
control=0
[ "${2:-}" = --control ] && control=1

objetos=()
for capa in base lib runner; do
  for o in "$B"/obj/autograder/"$capa"/*.o; do
    [ -e "$o" ] && objetos+=("$o")
  done
done
if [ "${#objetos[@]}" -lt 10 ]; then
  echo "✘ no están compilados los objetos del calificador en $B/obj/autograder (make programas)"
  echo "resumen: sin objetos que mirar"
  exit 1
fi

# «archivo símbolo» por cada definición y por cada uso, con el archivo como capa/nombre.
usos=$(mktemp) && defs=$(mktemp) || exit 1
trap 'rm -f "$usos" "$defs"' EXIT
# Un solo nm para todos (-A: cada línea empieza por «objeto:»; un nm y un awk por objeto y por
# lista eran 200 procesos por pasada): «U» es un uso, T, D, B o R una definición global.
nm -A "${objetos[@]}" | awk -v pre="$B/obj/autograder/" -v usos="$usos" -v defs="$defs" '{
  f = $1; sub(/:[^:]*$/, "", f); f = substr(f, length(pre) + 1); sub(/\.o$/, "", f)
  if ($2 == "U") print f, $3 >usos
  else if ($2 ~ /^[TDBR]$/) print f, $3 >defs
}'
[ "$control" -eq 1 ] && echo "lib/notas cal_fin" >>"$usos"

# Prefijos de los calificadores: «laboratorio prefijo» por cada nombre exportado.
prefijos=$(for d in "$B"/obj/labs/[0-9][0-9]-*/.calificador; do
  [ -d "$d" ] || continue
  lab=$(basename "$(dirname "$d")")
  nm --defined-only "$d"/*.o | awk -v lab="$lab" '$2 ~ /^[TDBR]$/ && $3 !~ /^(lab|hook)_/ {
    p = $3; if (index(p, "_") == 0) p = p "(sin prefijo)"; else sub(/_.*/, "_", p); print lab, p, $3 }'
done)
[ "$control" -eq 1 ] && prefijos+=$'\n'"99-control mal_ mal_x"$'\n'"99-control otro_ otro_y"
malos_prefijos=$(awk 'NF == 3 { n[$1 " " $2]++; if (!($1 in primero)) primero[$1] = $2; ej[$1 " " $2] = $3 }
  END {
    for (k in n) { split(k, p, " "); v[p[1]]++; de[p[2]] = de[p[2]] (de[p[2]] == "" ? "" : ",") p[1] }
    for (lab in v) if (v[lab] > 1) {
      printf "✘ el calificador de %s exporta nombres con %d prefijos:", lab, v[lab]
      for (k in n) { split(k, p, " "); if (p[1] == lab) printf " %s (%s)", p[2], ej[k] }
      printf "\n"
    }
    for (pre in de) if (index(de[pre], ",") > 0) printf "✘ el prefijo %s lo usan dos calificadores: %s\n", pre, de[pre]
  }' <<<"$prefijos")
if [ "$control" -eq 1 ] && [ -z "$malos_prefijos" ]; then
  echo "✘ control: un calificador con dos prefijos no se vio"
  echo "resumen: control FALLA"
  exit 1
fi
if [ "$control" -eq 0 ] && [ -n "$malos_prefijos" ]; then
  echo "$malos_prefijos"
  echo "resumen: los calificadores exportan nombres sin su prefijo"
  exit 1
fi

# cabeceras_malas ARCHIVO…: una línea «archivo: «su primera línea»» por cada uno que no abre
# con su nombre; nada si abren todos. La primera línea de cada archivo (la primera que no es
# una marca «//@») sale de un solo awk para todos: con un grep y un basename por archivo eran
# unos 1500 procesos por pasada (488 archivos), casi toda la CPU de la suite.
cabeceras_malas() {
  local f n linea
  [ $# -gt 0 ] || return 0
  while IFS= read -r linea; do
    f=${linea%%$'\t'*}
    linea=${linea#*$'\t'}
    n=${f##*/}
    case "$linea" in
      "/* $n — "* | "/* "*"/$n — "*) ;;
      *) echo "$f: «${linea:0:70}»" ;;
    esac
  done < <(awk 'FILENAME in hecho { next }
    /^[[:space:]]*\/\/@/ { next }
    { print FILENAME "\t" $0; hecho[FILENAME] = 1 }
    END { for (i = 1; i < ARGC; i++) if (!(ARGV[i] in hecho)) print ARGV[i] "\t" }' "$@")
}
if git -C "$RAIZ" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  fuentes=$(git -C "$RAIZ" ls-files '*.c' '*.h')
else
  fuentes=$(find autograder common labs lessons solutions bench -name '*.[ch]' 2>/dev/null)
fi
archivos_c=()
while IFS= read -r f; do
  [ -f "$f" ] || continue
  archivos_c+=("$f")
done <<<"$fuentes"
n_fuentes=${#archivos_c[@]}
# Con --control solo cuenta el archivo falso de abajo: los del curso los mira la otra pasada.
malas_cabeceras=""
[ "$control" -eq 1 ] || malas_cabeceras=$(cabeceras_malas "${archivos_c[@]}")
if [ "$control" -eq 1 ]; then
  falsa=$(mktemp --suffix=.c) || exit 1
  printf '/* otro.c — no es este archivo */\n' >"$falsa"
  if [ -z "$(cabeceras_malas "$falsa")" ]; then
    rm -f "$falsa"
    echo "✘ control: un archivo que abre con otro nombre no se vio"
    echo "resumen: control FALLA"
    exit 1
  fi
  rm -f "$falsa"
  echo "✔ control: un archivo que abre con otro nombre se ve"
fi
if [ "$control" -eq 0 ] && [ -n "$malas_cabeceras" ]; then
  printf '%s\n' "$malas_cabeceras" | sed 's/^/✘ no abre con su nombre: /'
  echo "resumen: hay archivos de C que no abren diciendo cuál son"
  exit 1
fi

awk -v control="$control" -v fuentes="$n_fuentes" '
  function capa(f) { sub(/\/.*/, "", f); return f == "base" ? 0 : f == "lib" ? 1 : 2 }
  NR == FNR { quien[$2] = $1; next }
  ($2 in quien) && quien[$2] != $1 {
    a = $1; b = quien[$2]
    if (!((a, b) in arista)) { arista[a, b] = $2; n_aristas++ }
    else if (index(arista[a, b], $2) == 0) arista[a, b] = arista[a, b] ", " $2
    nodo[a] = 1; nodo[b] = 1
  }
  END {
    malos = 0
    # De abajo arriba: base/ no llama a lib/ ni a runner/, lib/ no llama a runner/.
    for (k in arista) {
      split(k, p, SUBSEP)
      if (capa(p[1]) < capa(p[2])) {
        if (!control) printf "✘ %s llama a %s, de una capa de encima (%s)\n", p[1], p[2], arista[k]
        malos++
      }
    }
    # Círculos: cierre transitivo (unas decenas de archivos: basta Floyd–Warshall).
    for (k in arista) alcanza[k] = 1
    for (m in nodo) for (i in nodo) if ((i, m) in alcanza)
      for (j in nodo) if ((m, j) in alcanza) alcanza[i, j] = 1
    for (k in arista) {
      split(k, p, SUBSEP)
      if ((p[2], p[1]) in alcanza) {
        if (!control) printf "✘ círculo: %s llama a %s (%s) y %s vuelve a %s\n", p[1], p[2], arista[k], p[2], p[1]
        malos++
      }
    }
    if (control) {
      if (malos > 0) { print "✔ control: el círculo añadido a mano se ve"; print "resumen: control ok"; exit 0 }
      print "✘ control: el círculo añadido a mano no se vio"; print "resumen: control FALLA"; exit 1
    }
    if (malos > 0) { printf "resumen: %d llamadas rompen las capas\n", malos; exit 1 }
    printf "✔ %d archivos, %d pares que se llaman: sin círculos y sin llamadas de abajo arriba\n", length(nodo), n_aristas
    print "✔ cada calificador exporta sus ayudantes con un solo prefijo, propio"
    printf "✔ los %d archivos de C abren con su nombre y para qué son\n", fuentes
    print "resumen: las capas se sostienen"
  }' "$defs" "$usos"
