#!/usr/bin/env bash
# prueba-dependencias.sh — make prueba-dependencias (en make test): que dependencias.sh no
# pueda comprobar algo que no instala. Para cada perfil (grade, bench, libro, test,
# estudiante, plataformas, todo):
#   · con DEPENDENCIAS_FINGIR='*' (toda comprobación da «falta»), `comprobar PERFIL` sale con 1
#     y nombra un paquete por cada cosa que comprueba: cada uno de esos paquetes está en
#     `paquetes PERFIL` (la lista que instala), y cada paquete de la lista lo pide alguna
#     comprobación;
#   · cada comprobación de la tabla, fingida sola (DEPENDENCIAS_FINGIR=QUÉ, y las demás
#     presentes con DEPENDENCIAS_FINGIR_PRESENTE='*', tenga la máquina lo que tenga), hace
#     fallar su perfil (todo o plataformas) con un solo ✘, cuyo paquete está en la lista del
#     perfil;
#   · con las listas de apt de esta máquina, cada paquete de la lista existe en la
#     distribución (un nombre mal escrito se ve aquí, no en la máquina de un estudiante).
# Y los perfiles se incluyen como dice la cabecera (grade, bench y libro ⊂ test ⊂ todo;
# estudiante ⊂ todo), un perfil desconocido sale con 2, y la tabla no tiene líneas repetidas
# ni tipos, perfiles o condiciones desconocidos.
# Que la prueba sabe fallar: la repite sobre dos copias estropeadas de dependencias.sh —una con
# una comprobación fuera de la tabla (lo que pasó con soffice, sim_c y npm: se comprobaban y
# ningún perfil los instalaba) y otra cuya lista de paquetes se salta npm— y las dos deben
# suspender. Última línea: «resumen: …».
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ" || exit 1
DEPS="$RAIZ/common/herramientas/dependencias.sh"
PERFILES="grade bench libro test estudiante plataformas todo"
pasan=0
fallan=0
saltadas=0
fallidas=()
bien() { pasan=$((pasan + 1)); printf '  ✔ %s\n' "$*"; }
salta() { saltadas=$((saltadas + 1)); printf '  – saltada: %s\n' "$*"; }
mal() { fallan=$((fallan + 1)); fallidas+=("$1"); printf '  ✘ %s\n' "$*"; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prueba-dependencias.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# Hasta «Los paquetes existen» (al final), un apt-cache de mentira que conoce todos los paquetes (una
# función exportada, que los guiones hijos encuentran antes que la orden): la tabla se
# prueba igual en cualquier distribución, sin listas de apt, y en segundos (cada apt-cache de
# verdad carga su caché: con la máquina cargada, 10 o 20 s). Los paquetes que se eligen
# según la distribución salen entonces como donde existen todos (libllhttp-dev,
# libclang-rt-NN-dev, similarity-tester).
apt-cache() { return 0; }
export -f apt-cache

# Los paquetes que nombra una salida de comprobar (líneas «  ✘ … — paquete P»), uno por línea.
paquetes_nombrados() { sed -n 's/^  ✘ .* — paquete \([^ ]*\)$/\1/p' | sort -u; }

# las_que_comprueba SCRIPT PERFIL: los QUÉ de la tabla de SCRIPT que tocan a PERFIL.
las_que_comprueba() { bash "$1" comprobaciones "$2"; }

# problemas SCRIPT DIR: imprime, uno por línea, cada paquete comprobado y no instalado (o
# instalado y no comprobado) de cada perfil de SCRIPT. Sin salida: todo en orden. Deja en
# DIR/instalados-PERFIL la lista que instala y en DIR/errores lo que SCRIPT dijo de más.
problemas() {
  local script=$1 dir=$2 p salida rc
  mkdir -p "$dir"
  : >"$dir/errores"
  for p in $PERFILES; do
    salida=$(DEPENDENCIAS_FINGIR='*' bash "$script" comprobar "$p" 2>&1)
    rc=$?
    [ $rc -eq 1 ] || echo "$p: comprobar con todo fingido ausente salió con $rc, no con 1"
    grep -v '^  ✘' <<<"$salida" >>"$dir/errores"
    paquetes_nombrados <<<"$salida" >"$dir/comprobados-$p"
    bash "$script" paquetes "$p" 2>>"$dir/errores" | sort -u >"$dir/instalados-$p"
    [ -s "$dir/comprobados-$p" ] || echo "$p: no comprueba nada"
    comm -23 "$dir/comprobados-$p" "$dir/instalados-$p" | sed "s/^/$p: se comprueba y no se instala: /"
    comm -13 "$dir/comprobados-$p" "$dir/instalados-$p" | sed "s/^/$p: se instala y nada lo comprueba: /"
  done
}

echo "Cada cosa que se comprueba está en la lista que se instala (todas ausentes a la vez):"
problemas "$DEPS" "$TMP" >"$TMP/reales"
if [ -s "$TMP/reales" ]; then
  mal tabla "dependencias.sh: $(tr '\n' ';' <"$TMP/reales")"
else
  for p in $PERFILES; do
    bien "$p: $(wc -l <"$TMP/instalados-$p") paquetes, y cada comprobación nombra uno de ellos"
  done
fi

# todo y plataformas juntos tienen todas las líneas de la tabla; lo de cada perfil ya se
# ha visto arriba.
echo "Cada comprobación, sola:"
for p in todo plataformas; do
  malas=()
  n=0
  while read -r que; do
    n=$((n + 1))
    # Lo demás, presente de mentira: sin eso, en una máquina sin el perfil instalado (CI
    # recién hecho: plataformas se instala después de make test) cada una salía con las
    # ausencias de verdad al lado y no «sola».
    salida=$(DEPENDENCIAS_FINGIR="$que" DEPENDENCIAS_FINGIR_PRESENTE='*' bash "$DEPS" comprobar "$p" 2>&1)
    rc=$?
    lineas=$(grep -c '^  ✘' <<<"$salida")
    paq=$(paquetes_nombrados <<<"$salida")
    if [ $rc -ne 1 ] || [ "$lineas" -ne 1 ] || [ -z "$paq" ] || ! grep -qxF "$paq" "$TMP/instalados-$p"; then
      malas+=("$que (rc $rc, $lineas ✘, paquete «$paq»)")
    fi
  done < <(las_que_comprueba "$DEPS" "$p")
  if [ "$n" -eq 0 ]; then
    mal "sola-$p" "$p: no se leyó ninguna comprobación de la tabla"
  elif [ ${#malas[@]} -eq 0 ]; then
    bien "$p: sus $n comprobaciones, una a una, fallan solas y nombran un paquete de su lista"
  else
    mal "sola-$p" "$p: ${malas[*]}"
  fi
done

echo "Los perfiles y la tabla:"
subconjunto() { [ -z "$(comm -23 "$TMP/instalados-$1" "$TMP/instalados-$2")" ]; }
for par in grade:test bench:test libro:test test:todo estudiante:todo grade:estudiante; do
  if subconjunto "${par%%:*}" "${par#*:}"; then
    bien "lo que instala ${par%%:*} lo instala también ${par#*:}"
  else
    mal "incluye-${par/:/-}" "${par#*:} no instala: $(comm -23 "$TMP/instalados-${par%%:*}" "$TMP/instalados-${par#*:}" | tr '\n' ' ')"
  fi
done
sobra=$(grep -xE 'chromium|pandoc|clang|npm|podman|libreoffice-calc-nogui' "$TMP/instalados-grade" | tr '\n' ' ')
[ -z "$sobra" ] && bien "grade no instala chromium, pandoc, clang, npm, LibreOffice ni podman" ||
  mal grade-sobra "grade instala $sobra(make grade no lo necesita)"
bash "$DEPS" comprobar perfil-que-no-existe >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && bien "un perfil desconocido sale con 2" || mal desconocido "un perfil desconocido sale con $rc"
errores=$(cat "$TMP/errores")
[ -z "$errores" ] && bien "la tabla: ningún tipo, perfil ni condición desconocidos" ||
  mal tabla-errores "la tabla: $errores"
todas=$(sed -n "/^DEPENDENCIAS='/,/^'/p" "$DEPS" | grep -vE "^(#|DEPENDENCIAS=|'|$)" | awk '{print $1}')
repetidas=$(sort <<<"$todas" | uniq -d)
[ -z "$repetidas" ] && bien "cada QUÉ aparece una sola vez en la tabla ($(wc -l <<<"$todas") líneas)" ||
  mal repetidas "líneas repetidas en la tabla: $repetidas"

echo "La prueba sabe fallar (copias estropeadas de dependencias.sh):"
# estropear NOMBRE ANCLA SUSTITUCIÓN: una copia de dependencias.sh en su propio árbol (con
# labs/ enlazado: el perfil grade mira si existe el laboratorio 12) con la sustitución de sed
# aplicada en la línea ANCLA; imprime la ruta del guion. Si el ancla no está, lo dice.
estropear() {
  local d="$TMP/$1"
  mkdir -p "$d/common/herramientas"
  ln -s "$RAIZ/labs" "$d/labs"
  sed "$2" "$DEPS" >"$d/common/herramientas/dependencias.sh"
  if cmp -s "$DEPS" "$d/common/herramientas/dependencias.sh"; then
    echo "no-aplicada"
  else
    echo "$d/common/herramientas/dependencias.sh"
  fi
}
# 1. Una comprobación fuera de la tabla, como eran soffice y sim_c: se comprueba, no se instala.
copia=$(estropear fuera '/^  \[ \${#FALTAN\[@\]} -eq 0 \]$/i\  hay_orden sim_c_nueva || anotar "la orden sim_c_nueva" similarity-tester-nuevo')
# 2. La lista de paquetes que se salta una línea de la tabla (npm).
copia2=$(estropear sin-npm '/^paquetes_de() {/,/^}/{/^  while read -r que paq c; do$/a\    [ "$paq" = npm ] \&\& continue
}')
for c in "fuera:$copia:similarity-tester-nuevo" "sin-npm:$copia2:npm"; do
  IFS=: read -r nombre ruta paq <<<"$c"
  if [ "$ruta" = no-aplicada ]; then
    mal "estropeada-$nombre" "la copia «$nombre» no se pudo estropear: ¿cambió la línea que busca esta prueba?"
    continue
  fi
  problemas "$ruta" "$TMP/$nombre-salida" >"$TMP/estropeada-$nombre"
  if grep -q "se comprueba y no se instala: $paq\$" "$TMP/estropeada-$nombre"; then
    bien "«$nombre»: se detecta ($(grep -c . "$TMP/estropeada-$nombre") perfiles con «se comprueba y no se instala: $paq»)"
  else
    mal "estropeada-$nombre" "«$nombre»: la prueba no lo ve ($(tr '\n' ';' <"$TMP/estropeada-$nombre"))"
  fi
done

echo "Los paquetes existen en esta distribución:"
# Al final: desde aquí, el apt-cache de verdad (con él, las dos copias estropeadas de arriba
# tardaban unos 10 s cada una en vez de 3, y no prueban nada de apt).
unset -f apt-cache
if command -v apt-cache >/dev/null && apt-cache show apt >/dev/null 2>&1; then
  # Las listas de verdad, con el apt-cache de verdad (los @ elegidos para esta distribución).
  for p in todo plataformas; do bash "$DEPS" paquetes "$p"; done | sort -u >"$TMP/instalados-aqui"
  # Una sola llamada (cada una carga la caché de apt, segundos con la máquina cargada):
  # apt-cache policy da «NOMBRE:» y su «Candidate:» de cada paquete que conoce.
  mapfile -t todos <"$TMP/instalados-aqui"
  LANG=C apt-cache policy "${todos[@]}" 2>/dev/null |
    awk '/^[^ ].*:$/ {p = substr($0, 1, length($0) - 1)} /^  Candidate:/ && $2 != "(none)" {print p}' |
    sort -u >"$TMP/conocidos"
  faltan=$(printf '%s\n' "${todos[@]}" | comm -23 - "$TMP/conocidos" | tr '\n' ' ')
  [ -z "$faltan" ] && bien "apt-cache conoce los ${#todos[@]} paquetes de todos los perfiles" ||
    mal apt-cache "apt-cache no conoce: $faltan"
else
  salta "sin apt-cache ni listas de apt no se puede saber qué paquetes trae la distribución"
fi

[ "$fallan" -gt 0 ] && echo "Fallan: ${fallidas[*]}"
echo "resumen: $((pasan + fallan)) comprobaciones, $pasan pasan, $fallan fallan$([ "$saltadas" -gt 0 ] && echo ", $saltadas saltadas")"
[ "$fallan" -eq 0 ]
