#!/usr/bin/env bash
# prueba-pasada.sh — el sello de la pasada de los mutantes (autograder/profesorado/
# pasada-mutantes.sh) tiene dientes, en un curso de juguete con git y dos laboratorios: sin
# PASADA.txt, CI falla; no se sella un informe con un ✘, uno cuyo resumen tiene fallos ni uno
# con cambios sin confirmar en lo que califica; un informe bueno se sella y comprueba; cambiar
# lo que no califica (un .md, una lección) no lo invalida, y cambiar un calificador, un mutante
# (labs/NN-tema/.calificador/mutantes/), la tabla de lo que deben fallar (mutantes.tsv) o una
# solución, sí, y el mensaje nombra el archivo; el curso tras un enlace simbólico se
# comprueba igual. Por partes: un cambio en un laboratorio pide pasar solo ese, su pasada sola
# lo vuelve a sellar sin tocar el otro y el resumen se recuenta; un cambio en lo común pide la
# pasada entera, que puede ir por tandas (la primera deja los demás pendientes y comprobar
# falla hasta la última; un común cambiado entre tandas las vuelve a dejar pendientes); migrar reparte un sello de una sola
# huella solo si es de lo de ahora. La pasada de memoria (pasada-memoria.sh), un sello que es
# una caché: sin él o con otra cosa, la suite se ejecuta de verdad (más abajo, su lista). La de
# los hostiles, por partes y por los laboratorios que tocó cada una (labs-tocados.py, que
# también se prueba). Y en el curso de verdad, la huella se calcula.
# Última línea: «resumen: …».
set -u
RAIZ=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$RAIZ" || exit 1
B=$(realpath -m "${1:-build}")
# shellcheck source=../../pruebas/comun.sh
source "$RAIZ/autograder/pruebas/comun.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prueba-pasada.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
C="$TMP/curso"
mkdir -p "$C/autograder/profesorado" "$C/labs/07-x/.calificador/mutantes" "$C/solutions/07-x" \
  "$C/lessons" "$C/labs/08-y/.calificador/mutantes" "$C/solutions/08-y" \
  "$C/autograder/runner" "$C/labs/08-y/.calificador/variantes" "$C/labs/07-x/.calificador/hostiles"
cp autograder/profesorado/pasada-mutantes.sh "$C/autograder/profesorado/"
echo 'parche' >"$C/labs/07-x/.calificador/mutantes/uno.patch"
printf '# tabla\nmutante\tuno\t-\tuna\t-\n' >"$C/labs/07-x/.calificador/mutantes.tsv"
echo 'int main(void) { return 0; }' >"$C/solutions/07-x/x.c"
echo '{}' >"$C/labs/07-x/lab.json"
echo '/* calificador */' >"$C/labs/07-x/.calificador/comun.c"
echo 'enunciado' >"$C/labs/07-x/README.md"
echo '/* hostil */' >"$C/labs/07-x/.calificador/hostiles/ataque.c"
echo 'capítulo' >"$C/lessons/capitulo.md"
echo 'parche' >"$C/labs/08-y/.calificador/mutantes/uno.patch"
echo 'parche' >"$C/labs/08-y/.calificador/variantes/otra.patch"
printf '# tabla\nmutante\tuno\t-\tuna\t-\nvariante\totra\t-\t-\t-\n' >"$C/labs/08-y/.calificador/mutantes.tsv"
echo 'int main(void) { return 0; }' >"$C/solutions/08-y/y.c"
echo '{}' >"$C/labs/08-y/lab.json"
echo '/* calificador */' >"$C/labs/08-y/.calificador/comun.c"
echo '/* ejecutor */' >"$C/autograder/runner/calificar.c"
# git_en CARPETA ORDEN…: git en un curso de juguete, con un autor de prueba y sin salida.
git_en() {
  local carpeta=$1
  shift
  git -C "$carpeta" -c user.name=prueba -c user.email=prueba@curso.invalid "$@" >/dev/null 2>&1
}
g() { git_en "$C" "$@"; }
g init -q
g add -A
g commit -q -m inicio
P="$C/autograder/profesorado/pasada-mutantes.sh"

# comprobar_con GUION NOMBRE RC_ESPERADO TEXTO_ESPERADO DESCRIPCIÓN: ejecuta «GUION comprobar».
comprobar_con() {
  local guion=$1 salida rc
  shift
  salida=$(bash "$guion" comprobar 2>&1)
  rc=$?
  if [ "$rc" = "$2" ] && grep -qF -- "$3" <<<"$salida"; then
    bien "$4"
  else
    mal "$1" "$4: salió con $rc y dijo «$(head -c 300 <<<"$salida")»"
  fi
}
comprobar_que() { comprobar_con "$P" "$@"; } # la pasada de los mutantes

comprobar_que sin-pasada 1 "falta autograder/mutantes/PASADA.txt" "sin PASADA.txt, comprobar falla y dice que falta"

printf '── 07-x\n  ✔ mutante uno: 90/100\n  ✘ mutante dos: 100/100\nresumen: 2 comprobaciones, 1 pasan, 1 fallan\n' >"$TMP/malo.txt"
printf '── 07-x\n  ✔ mutante uno: 90/100\nresumen: 2 comprobaciones, 1 pasan, 1 fallan\n' >"$TMP/resumen-malo.txt"
printf '(3 mutantes calificados de 3 en 3 en 9 s)\n── 07-x\n  ✔ mutante uno: 90/100\n  ✔ mutante dos: 80/100\n── 08-y\n  ✔ mutante uno: 70/100\nresumen: 3 comprobaciones, 3 pasan, 0 fallan\n' >"$TMP/bueno.txt"
for caso in malo resumen-malo; do
  if ! bash "$P" sellar "$TMP/$caso.txt" >/dev/null 2>&1 && [ ! -e "$C/autograder/mutantes/PASADA.txt" ]; then
    bien "sellar rechaza un informe $([ $caso = malo ] && echo 'con un ✘' || echo 'cuyo resumen tiene fallos') y no escribe nada"
  else
    mal "sella-$caso" "sellar aceptó el informe $caso"
  fi
done
echo '/* cambiado */' >>"$C/labs/07-x/.calificador/comun.c"
if ! bash "$P" sellar "$TMP/bueno.txt" >/dev/null 2>&1 && [ ! -e "$C/autograder/mutantes/PASADA.txt" ]; then
  bien "sellar rechaza sellar con cambios sin confirmar en un calificador"
else
  mal "sella-sin-confirmar" "sellar selló con un calificador cambiado sin confirmar"
fi
g checkout -- labs
if bash "$P" sellar "$TMP/bueno.txt" >/dev/null 2>&1 && [ -f "$C/autograder/mutantes/PASADA.txt" ] &&
  grep -q 'labs/07-x/.calificador/comun.c' "$C/autograder/mutantes/PASADA.txt" &&
  grep -q '^07-x labs/07-x/.calificador/mutantes/uno.patch ' "$C/autograder/mutantes/PASADA.txt" &&
  grep -q '^07-x labs/07-x/.calificador/mutantes.tsv ' "$C/autograder/mutantes/PASADA.txt" &&
  grep -q '^08-y labs/08-y/.calificador/variantes/otra.patch ' "$C/autograder/mutantes/PASADA.txt" &&
  ! grep -q 'README.md\|lessons/\|hostiles/' "$C/autograder/mutantes/PASADA.txt"; then
  bien "sellar escribe PASADA.txt con un informe bueno: su huella cubre el calificador, los mutantes, las variantes y la tabla (en la parte de su laboratorio), no los .md, las lecciones ni los hostiles"
else
  mal "sella-bueno" "sellar no escribió PASADA.txt con un informe bueno (o su lista de archivos no es la esperada)"
fi
g add -A
g commit -q -m pasada
comprobar_que sellada 0 "✔ pasada de los mutantes" "con PASADA.txt de lo mismo, comprobar pasa"
# El clon tras un enlace simbólico (la carpeta de CI puede estarlo): git da la ruta sin enlaces.
ln -s "$C" "$TMP/enlace"
if (cd "$TMP/enlace" && bash autograder/profesorado/pasada-mutantes.sh comprobar >/dev/null 2>&1); then
  bien "con el curso tras un enlace simbólico, comprobar pasa igual"
else
  mal "tras-enlace" "con el curso tras un enlace simbólico, comprobar dice que no es un clon de git"
fi

echo 'más texto' >>"$C/labs/07-x/README.md"
echo 'más texto' >>"$C/lessons/capitulo.md"
echo '/* otro ataque */' >>"$C/labs/07-x/.calificador/hostiles/ataque.c"
g commit -q -am 'solo textos y hostiles'
comprobar_que textos 0 "✔ pasada de los mutantes" "cambiar un enunciado, una lección o una entrega hostil del laboratorio (.calificador/hostiles/: ningún mutante la ve) no invalida la pasada"

for archivo in labs/07-x/.calificador/comun.c labs/07-x/.calificador/mutantes/uno.patch \
  labs/07-x/.calificador/mutantes.tsv solutions/07-x/x.c; do
  g reset -q --hard HEAD
  echo '/* cambio */' >>"$C/$archivo"
  g commit -q -am "cambia $archivo"
  comprobar_que "cambia-$(basename "$archivo")" 1 "$archivo" "cambiar $archivo invalida la pasada y el mensaje lo nombra"
  g reset -q --hard HEAD~1
done

# cambia_y_pide_08 NOMBRE ARCHIVO QUÉ: añade una línea a ARCHIVO (del 08) y la confirma;
# comprobar pide pasar solo el 08, ni el 07 ni la pasada entera.
cambia_y_pide_08() {
  echo '/* cambio en el 08 */' >>"$C/$2"
  g commit -q -am "cambia $2"
  comprobar_que "$1-pide-08" 1 "make pasada-mutantes LAB=08" "cambiar $3 del 08 pide pasar solo el 08"
  if bash "$P" comprobar 2>&1 | grep -q "LAB=07\|pasada entera"; then
    mal "$1-solo-08" "cambiar $3 del 08 también pide el 07 o la pasada entera"
  else
    bien "y no pide el 07 ni la pasada entera"
  fi
}

# Una variante correcta es de su laboratorio: cambiarla pide pasar solo el suyo.
g reset -q --hard HEAD
cambia_y_pide_08 variante labs/08-y/.calificador/variantes/otra.patch "una variante correcta"
g reset -q --hard HEAD~1
# La tabla de lo que deben fallar, también.
cambia_y_pide_08 tabla labs/08-y/.calificador/mutantes.tsv "la tabla de los mutantes"
g reset -q --hard HEAD~1

# Por partes. Un informe de un solo laboratorio, sin sello entero antes, no se sella.
g reset -q --hard HEAD
printf '(2 mutantes calificados de 3 en 3 en 5 s)\n── 08-y\n  ✔ mutante uno: 60/100\n  ✔ mutante dos: 50/100\nresumen: 2 comprobaciones, 2 pasan, 0 fallan\n' >"$TMP/solo-08.txt"
cambia_y_pide_08 parte labs/08-y/.calificador/comun.c "el calificador"
antes_07=$(sed -n '/^── 07-x$/,/^── 08-y$/p' "$C/autograder/mutantes/PASADA.txt")
parte_07=$(grep '^07-x ' "$C/autograder/mutantes/PASADA.txt")
if bash "$P" sellar "$TMP/solo-08.txt" >/dev/null 2>&1; then
  g add -A
  g commit -q -m 'pasada del 08'
  comprobar_que parte-sellada 0 "✔ pasada de los mutantes" "la pasada sola del 08 lo vuelve a sellar y comprobar pasa"
  if [ "$(sed -n '/^── 07-x$/,/^── 08-y$/p' "$C/autograder/mutantes/PASADA.txt")" = "$antes_07" ] &&
    [ "$(grep '^07-x ' "$C/autograder/mutantes/PASADA.txt")" = "$parte_07" ] &&
    grep -q 'mutante dos: 50/100' "$C/autograder/mutantes/PASADA.txt" &&
    ! grep -q 'mutante uno: 70/100' "$C/autograder/mutantes/PASADA.txt" &&
    [ "$(tail -n1 "$C/autograder/mutantes/PASADA.txt")" = "resumen: 4 comprobaciones, 4 pasan, 0 fallan" ]; then
    bien "el 07 queda como estaba (sección y huella), la sección del 08 es la nueva y el resumen se recuenta (4)"
  else
    mal parte-informe "tras la pasada sola del 08, el informe o las huellas no son los esperados: $(tail -n1 "$C/autograder/mutantes/PASADA.txt")"
  fi
else
  mal parte-sella "sellar no aceptó la pasada sola del 08 con lo común sin cambiar"
fi
# Lo común cambia: se pide la pasada entera. Puede ir por tandas: la del 08 sola sella lo
# común nuevo y el 08 y deja el 07 pendiente (comprobar falla y pide solo el 07), y la del 07
# con ese mismo común la completa. La pasada entera de una vez también sella todo.
echo '/* cambio */' >>"$C/autograder/runner/calificar.c"
g commit -q -am 'cambia el ejecutor'
comprobar_que comun-entera 1 "hace falta la pasada entera" "cambiar el ejecutor pide la pasada entera y lo nombra"
g tag antes-de-tandas
if bash "$P" sellar "$TMP/solo-08.txt" >/dev/null 2>&1 &&
  grep -q '^07-x pendiente ' "$C/autograder/mutantes/PASADA.txt" &&
  grep -q "^  (pendiente: su pasada era de un común anterior" "$C/autograder/mutantes/PASADA.txt" &&
  ! grep -q 'mutante uno: 90/100' "$C/autograder/mutantes/PASADA.txt" &&
  [ "$(tail -n1 "$C/autograder/mutantes/PASADA.txt")" = "resumen: 2 comprobaciones, 2 pasan, 0 fallan" ]; then
  g add -A
  g commit -q -m 'tanda del 08'
  bien "con lo común cambiado, la tanda del 08 se sella, el 07 queda pendiente (sin sus ✔ de antes) y el resumen cuenta solo lo pasado"
  comprobar_que tanda-pendiente 1 "Sin pasar desde que cambió lo común (pasada en varias tandas): 07-x" "con el 07 pendiente, comprobar falla y lo nombra"
  if bash "$P" comprobar 2>&1 | grep -q "LAB=07" && ! bash "$P" comprobar 2>&1 | grep -q "LAB=08\|hace falta la pasada entera"; then
    bien "y pide pasar solo el 07"
  else
    mal tanda-pide-07 "con el 07 pendiente, comprobar no pide solo el 07: $(bash "$P" comprobar 2>&1 | tail -n 3)"
  fi
  printf '(1 mutante calificado de 3 en 3 en 4 s)\n── 07-x\n  ✔ mutante uno: 80/100\nresumen: 1 comprobaciones, 1 pasan, 0 fallan\n' >"$TMP/solo-07.txt"
  if bash "$P" sellar "$TMP/solo-07.txt" >/dev/null 2>&1; then
    g add -A
    g commit -q -m 'tanda del 07'
    comprobar_que tanda-completa 0 "✔ pasada de los mutantes" "la tanda del 07 con el mismo común completa la pasada y comprobar pasa"
  else
    mal tanda-07-sella "sellar no aceptó la tanda del 07 con lo común ya sellado"
  fi
  # Una tanda no vale si lo común cambia otra vez entre tandas: el 08 vuelve a pendiente.
  g reset -q --hard 'HEAD~1'
  echo '/* otro cambio */' >>"$C/autograder/runner/calificar.c"
  g commit -q -am 'cambia el ejecutor otra vez'
  if bash "$P" sellar "$TMP/solo-07.txt" >/dev/null 2>&1 && grep -q '^08-y pendiente ' "$C/autograder/mutantes/PASADA.txt"; then
    bien "si lo común cambia entre dos tandas, la tanda nueva deja pendiente lo de la anterior"
  else
    mal tanda-comun-otra "con lo común cambiado entre tandas, la tanda del 07 no dejó el 08 pendiente"
  fi
else
  mal comun-tanda "con lo común cambiado, la tanda del 08 no se selló o el 07 no quedó pendiente: $(grep -c pendiente "$C/autograder/mutantes/PASADA.txt") líneas pendientes"
fi
g reset -q --hard antes-de-tandas
if bash "$P" sellar "$TMP/bueno.txt" >/dev/null 2>&1; then
  g add -A
  g commit -q -m 'pasada entera'
  comprobar_que comun-resellada 0 "✔ pasada de los mutantes" "la pasada entera vuelve a sellar todo"
else
  mal comun-entera-sella "sellar no aceptó la pasada entera"
fi
# migrar: un sello de una sola huella (el formato de antes) se reparte si es de lo de ahora.
viejo() { # viejo HUELLA: PASADA.txt en el formato de una sola huella
  { echo "huella: $1"; echo "commit: abc1234"; echo "fecha: 2026-11-25 17:55 UTC"
    echo "máquina: 2 núcleos; CALIF_VIVOS_LABS=0"; echo "── archivos (ruta, modo, blob)"
    echo "── informe de make prueba-mutantes"; cat "$TMP/bueno.txt"; } >"$C/autograder/mutantes/PASADA.txt"
}
viejo 0000000000000000000000000000000000000000000000000000000000000000
if ! bash "$P" migrar >/dev/null 2>&1 && ! grep -q '^── partes' "$C/autograder/mutantes/PASADA.txt"; then
  bien "migrar no reparte un sello de una sola huella que no es la de ahora"
else
  mal migrar-viejo "migrar repartió un sello que no es de lo de ahora"
fi
viejo "$(bash "$P" huella)"
if bash "$P" migrar >/dev/null 2>&1 && grep -q '^── partes' "$C/autograder/mutantes/PASADA.txt" &&
  grep -q '^commit: abc1234$' "$C/autograder/mutantes/PASADA.txt" &&
  [ "$(tail -n1 "$C/autograder/mutantes/PASADA.txt")" = "resumen: 3 comprobaciones, 3 pasan, 0 fallan" ]; then
  g add -A
  g commit -q -m migrado
  comprobar_que migrado 0 "✔ pasada de los mutantes" "migrar reparte un sello de lo de ahora (su commit y su resumen) y comprobar pasa"
else
  mal migrar-bueno "migrar no repartió un sello de lo de ahora"
fi

# La pasada de los hostiles (pasada-hostiles.sh), en otro curso de juguete: la suite
# prueba-autograder sellada por partes, que make test comprueba en lugar de ejecutarla
# (pruebas.sh).
H="$TMP/hostiles"
mkdir -p "$H/autograder/profesorado" "$H/autograder/hostiles" "$H/autograder/pruebas" \
  "$H/labs/07-x/.calificador/hostiles" "$H/solutions/07-x" "$H/lessons"
cp autograder/profesorado/pasada-hostiles.sh "$H/autograder/profesorado/"
echo '/* hostil del motor */' >"$H/autograder/hostiles/ataque.c"
printf '# suite\nPARTES="uno dos"\n' >"$H/autograder/pruebas/prueba-autograder.sh"
echo '# otra suite' >"$H/autograder/pruebas/prueba-vigilar.sh"
echo '/* hostil del 07 */' >"$H/labs/07-x/.calificador/hostiles/otro.c"
echo '/* partida */' >"$H/labs/07-x/x.c"
echo 'enunciado' >"$H/labs/07-x/README.md"
echo 'int main(void) { return 0; }' >"$H/solutions/07-x/x.c"
echo 'capítulo' >"$H/lessons/capitulo.md"
gh() { git_en "$H" "$@"; }
gh init -q
gh add -A
gh commit -q -m inicio
PH="$H/autograder/profesorado/pasada-hostiles.sh"
RH="$H/autograder/hostiles/PASADA.txt"
hostiles_que() { comprobar_con "$PH" "$@"; }
parte() { # parte NOMBRE ARCHIVO LÍNEAS… RESUMEN: el informe de una parte, con su línea «parte …»
  local n=$1 f=$2
  shift 2
  { printf '%s\n' "${@:1:$#-1}"; echo "parte $n: 12 s, CPU 7 s"; echo "${!#}"; } >"$f"
}
hostiles_que hostiles-sin-registro 1 "falta autograder/hostiles/PASADA.txt (make pasada-hostiles" "hostiles: sin PASADA.txt, comprobar falla y dice cómo escribirlo"
parte uno "$TMP/h-uno.txt" '── Trampas' '  ✔ uno' '  ✔ dos' 'resumen: 2 comprobaciones, 2 pasan, 0 fallan'
parte dos "$TMP/h-dos.txt" '  ✔ tres' 'resumen: 1 comprobaciones, 1 pasan, 0 fallan'
parte uno "$TMP/h-cruz.txt" '  ✔ uno' '  ✘ dos' 'resumen: 2 comprobaciones, 2 pasan, 0 fallan'
parte uno "$TMP/h-saltada.txt" '  ✔ uno' 'resumen: 2 comprobaciones, 1 pasan, 0 fallan, 1 saltadas'
parte uno "$TMP/h-falla.txt" '  ✔ uno' '  ✔ dos' 'resumen: 3 comprobaciones, 2 pasan, 1 fallan'
parte otra "$TMP/h-ajena.txt" '  ✔ uno' 'resumen: 1 comprobaciones, 1 pasan, 0 fallan'
printf '  ✔ uno\nresumen: 1 comprobaciones, 1 pasan, 0 fallan\n' >"$TMP/h-sin-parte.txt"
for malo in cruz saltada falla ajena sin-parte; do
  if ! bash "$PH" sellar "$TMP/h-$malo.txt" >/dev/null 2>&1 && [ ! -f "$RH" ]; then
    bien "hostiles: no se sella un informe «$malo»"
  else
    mal "hostiles-sella-$malo" "se selló un informe «$malo»"
    rm -f "$RH"
  fi
done
echo '/* cambiado sin confirmar */' >>"$H/labs/07-x/.calificador/hostiles/otro.c"
if ! bash "$PH" sellar "$TMP/h-uno.txt" >/dev/null 2>&1 && [ ! -f "$RH" ]; then
  bien "hostiles: no se sella con cambios sin confirmar en lo que califica"
else
  mal hostiles-sin-confirmar "se selló con un hostil cambiado sin confirmar"
  rm -f "$RH"
fi
gh checkout -- labs/07-x/.calificador/hostiles/otro.c
if bash "$PH" sellar "$TMP/h-uno.txt" >/dev/null 2>&1; then
  gh add -A
  gh commit -q -m 'sellada la parte uno'
  hostiles_que hostiles-falta-parte 1 "faltan partes por pasar con lo de ahora: dos" "hostiles: con una parte sellada, comprobar falla y nombra la que falta"
else
  mal hostiles-sella-uno "sellar no aceptó el informe bueno de la parte uno"
fi
if bash "$PH" sellar "$TMP/h-dos.txt" >/dev/null 2>&1 &&
  [ "$(tail -n1 "$RH")" = "resumen: 3 comprobaciones, 3 pasan, 0 fallan" ]; then
  gh add -A
  gh commit -q -m 'sellada la parte dos'
  hostiles_que hostiles-sellada 0 "✔ pasada de los hostiles" "hostiles: con las dos partes selladas (en dos veces), comprobar pasa y el resumen suma las dos"
else
  mal hostiles-sella-dos "sellar no aceptó el informe bueno de la parte dos, o el resumen no suma las dos: $(tail -n1 "$RH" 2>/dev/null)"
fi
if bash "$PH" sellar "$TMP/h-uno.txt" >/dev/null 2>&1 &&
  [ "$(tail -n1 "$RH")" = "resumen: 3 comprobaciones, 3 pasan, 0 fallan" ] &&
  [ "$(grep -c '^── informe de la parte uno$' "$RH")" = 1 ] && grep -q '^  ── Trampas$' "$RH"; then
  gh add -A
  gh commit -q -m 'la parte uno otra vez'
  hostiles_que hostiles-resellada 0 "✔ pasada de los hostiles" "hostiles: volver a sellar una parte la cambia sin duplicarla ni tocar la otra"
else
  mal hostiles-resella "sellar otra vez la parte uno la duplicó o cambió el resumen: $(tail -n1 "$RH" 2>/dev/null)"
fi
echo 'otro párrafo' >>"$H/labs/07-x/README.md"
echo 'otro párrafo' >>"$H/lessons/capitulo.md"
echo '# cambiada' >>"$H/autograder/pruebas/prueba-vigilar.sh"
gh commit -q -a -m 'textos y otra suite'
hostiles_que hostiles-textos 0 "✔ pasada de los hostiles" "hostiles: un .md, una lección u otra suite cambiados no invalidan el sello"
# Cada clase de archivo que entra: un hostil del motor, uno de un laboratorio, el programa de
# partida, una solución y la suite. Cada uno invalida el sello, que nombra el archivo.
for f in autograder/hostiles/ataque.c labs/07-x/.calificador/hostiles/otro.c labs/07-x/x.c \
  solutions/07-x/x.c autograder/pruebas/prueba-autograder.sh; do
  echo '# cambio' >>"$H/$f"
  hostiles_que "hostiles-sin-confirmar-${f//\//-}" 1 "✘ pasada de los hostiles" "hostiles: $f cambiado sin confirmar invalida el sello"
  gh commit -q -a -m "cambia $f"
  hostiles_que "hostiles-${f//\//-}" 1 "    $f" "hostiles: $f cambiado invalida el sello y el mensaje lo nombra"
  gh reset -q --hard HEAD~1
done
hostiles_que hostiles-vuelta 0 "✔ pasada de los hostiles" "hostiles: deshecho el cambio, el sello vuelve a valer"
# Con lo que califica cambiado, sellar una parte empieza de nuevo: la otra, sellada con lo de
# antes, ya no cuenta.
echo '/* otro ataque */' >>"$H/autograder/hostiles/ataque.c"
gh commit -q -a -m 'otro ataque'
if bash "$PH" sellar "$TMP/h-dos.txt" >/dev/null 2>&1 &&
  [ "$(tail -n1 "$RH")" = "resumen: 1 comprobaciones, 1 pasan, 0 fallan" ]; then
  gh add -A
  gh commit -q -m 'la parte dos con lo nuevo'
  hostiles_que hostiles-nueva-huella 1 "faltan partes por pasar con lo de ahora: uno" "hostiles: con lo que califica cambiado, sellar una parte deja la otra por pasar"
else
  mal hostiles-nueva-huella-sella "con otra huella, sellar la parte dos no empezó de nuevo: $(tail -n1 "$RH" 2>/dev/null)"
fi
bash "$PH" sellar "$TMP/h-uno.txt" >/dev/null 2>&1
gh add -A
gh commit -q -m 'la parte uno con lo nuevo'
hostiles_que hostiles-nueva-entera 0 "✔ pasada de los hostiles" "hostiles: y con las dos pasadas con lo nuevo, comprobar vuelve a pasar"
# Cada parte, con los laboratorios que tocó al pasarla (labs-tocados.py lo mide): un cambio en
# un laboratorio deja por pasar solo las partes que lo tocaron; uno en sus hostiles o en lo
# común, todas. Sin la medida (sellar a mano), la parte es de todos.
mkdir -p "$H/labs/08-y" "$H/solutions/08-y"
echo '/* partida del 08 */' >"$H/labs/08-y/y.c"
echo 'int main(void) { return 0; }' >"$H/solutions/08-y/y.c"
gh add -A
gh commit -q -m 'otro laboratorio'
echo 07-x >"$TMP/h-uno.txt.labs"
: >"$TMP/h-dos.txt.labs"
if bash "$PH" sellar "$TMP/h-uno.txt" "$TMP/h-dos.txt" >/dev/null 2>&1 &&
  grep -qE '^uno .* labs=07-x [0-9a-f]{64}$' "$RH" && grep -qE '^dos .* labs=ninguno [0-9a-f]{64}$' "$RH"; then
  gh add -A
  gh commit -q -m 'selladas con sus laboratorios'
  hostiles_que hostiles-por-lab 0 "✔ pasada de los hostiles" "hostiles: cada parte sellada con los laboratorios que tocó (labs=…), comprobar pasa"
  for caso in "labs/08-y/y.c|0|✔ pasada de los hostiles|el 08, que no tocó ninguna, no invalida nada" \
    "solutions/07-x/x.c|1|faltan partes por pasar con lo de ahora: uno |la solución del 07 deja por pasar solo la parte que lo tocó" \
    "labs/07-x/x.c|1|    labs/07-x/x.c|la partida del 07, lo mismo, y el mensaje nombra el archivo" \
    "labs/07-x/.calificador/hostiles/otro.c|1|es de otra versión|un hostil del 07 invalida todas las partes (sus tablas reparten los casos)" \
    "autograder/hostiles/ataque.c|1|es de otra versión|lo común invalida todas las partes"; do
    IFS='|' read -r f rc texto que <<<"$caso"
    echo '/* cambio */' >>"$H/$f"
    gh commit -q -a -m "cambia $f"
    hostiles_que "hostiles-por-lab-${f//\//-}" "$rc" "$texto" "hostiles: $que"
    gh reset -q --hard HEAD~1
  done
else
  mal hostiles-por-lab-sella "sellar con la medida de cada parte no escribió labs=07-x y labs=ninguno: $(grep -E '^(uno|dos) ' "$RH" 2>/dev/null | head -c 300)"
fi
rm -f "$TMP/h-uno.txt.labs" "$TMP/h-dos.txt.labs"
# labs-tocados.py, la medida: lo que se abre bajo labs/NN-*/, solutions/NN-*/ y build/labs/NN-*/
# (también ejecutar un binario), y no listar carpetas ni leer .calificador/hostiles/.
mkdir -p "$H/build/labs/08-y" && cp /bin/true "$H/build/labs/08-y/prueba"
LT="$PWD/autograder/profesorado/labs-tocados.py"
for caso in "cat labs/07-x/x.c|07-x|leer la partida del 07" \
  "build/labs/08-y/prueba|08-y|ejecutar el binario del 08" \
  "ls -R labs solutions build|-|listar carpetas no cuenta" \
  "cat labs/07-x/.calificador/hostiles/otro.c|-|leer los hostiles del 07 no cuenta" \
  "sh -c 'cat solutions/08-y/y.c; exit 3'|08-y (3)|la solución del 08, y el código de la orden" \
  "no-existe-esta-orden|- (127)|una orden que no arranca: 127"; do
  IFS='|' read -r orden esperado que <<<"$caso"
  rm -f "$TMP/tocados"
  visto=$(cd "$H" && eval "python3 \"\$LT\" \"\$TMP/tocados\" $orden" >/dev/null 2>&1
    r=$?
    l=$(paste -sd, "$TMP/tocados")
    [ "$r" = 0 ] && echo "${l:--}" || echo "${l:--} ($r)")
  if [ "$visto" = "$esperado" ]; then
    bien "labs-tocados: $que ($esperado)"
  else
    mal "labs-tocados-${que// /-}" "labs-tocados: $que: se esperaba «$esperado» y dio «$visto»"
  fi
done
rm -rf "$H/build" "$TMP/tocados"
# En make test: pruebas.sh comprueba el sello en lugar de ejecutar la suite, y falla si no vale.
mkdir -p "$H/common/herramientas" && cp common/herramientas/pruebas.sh "$H/common/herramientas/"
printf 'prueba-autograder:\n\t@echo no debía ejecutarse; exit 1\n' >"$H/Makefile"
gh add -A
gh commit -q -m 'make y pruebas.sh'
salida=$(cd "$H" && bash common/herramientas/pruebas.sh prueba-autograder 2>&1)
if grep -q '^── prueba-autograder (sellada) *FALLA' <<<"$salida"; then
  bien "make test: con el Makefile cambiado (entra en la huella), la suite sellada falla"
else
  mal hostiles-make-test-falla "pruebas.sh no falló con el sello viejo: $(head -c 300 <<<"$salida")"
fi
# Se juzga la línea de la suite, no el estado de pruebas.sh: al acabar, pruebas.sh mira también
# /tmp y /dev/shm, donde la suite de al lado en make test deja lo suyo mientras corre (el
# PostgreSQL de prueba-bench-basedatos, PostgreSQL.*: CI del 05-12-2026), y eso no es de este
# curso de juguete.
if (cd "$H" && bash autograder/profesorado/pasada-hostiles.sh sellar "$TMP/h-uno.txt" "$TMP/h-dos.txt" >/dev/null 2>&1) &&
  gh add -A && gh commit -q -m resellada; then
  salida=$(cd "$H" && bash common/herramientas/pruebas.sh prueba-autograder 2>&1)
  if grep -q '^── prueba-autograder (sellada) *ok .*✔ pasada de los hostiles' <<<"$salida" &&
    ! grep -q 'no debía ejecutarse' "$H/build/pruebas/prueba-autograder.log"; then
    bien "make test: con el sello de lo de ahora, la suite sellada pasa sin ejecutarse"
  else
    mal hostiles-make-test-pasa "pruebas.sh no dio por buena la suite sellada: $(grep -m1 '^── prueba-autograder' <<<"$salida" | head -c 300)"
  fi
else
  mal hostiles-resellar "no se pudo volver a sellar las dos partes en el curso de juguete"
fi
salida=$(cd "$H" && PRUEBAS_SELLADAS="" bash common/herramientas/pruebas.sh prueba-autograder 2>&1)
if grep -q 'no debía ejecutarse' "$H/build/pruebas/prueba-autograder.log" &&
  grep -q '^── prueba-autograder  *FALLA' <<<"$salida"; then
  bien "make test: con PRUEBAS_SELLADAS=\"\", la suite se ejecuta de verdad"
else
  mal hostiles-make-test-de-verdad "con PRUEBAS_SELLADAS=\"\" no se ejecutó la suite: $(head -c 300 <<<"$salida")"
fi

# La pasada de memoria (common/herramientas/pasada-memoria.sh): un sello que es una caché. En
# un curso de juguete con git, cuyas dos suites de memoria apuntan cada ejecución en un archivo
# (y fallan con FALLA=1): sin sello, comprobar la ejecuta de verdad y da su resultado (también
# el fallo); pasar no sella una suite que falla ni con cambios sin confirmar; con el sello de lo
# de ahora, comprobar no la ejecuta (un .md cambiado no cuenta); con una fuente cambiada, con
# cambios sin confirmar o con otra plataforma (otro valgrind en el PATH, otras ASAN_OPTIONS), la
# ejecuta y dice por qué; y en make test (pruebas.sh) la sellada pasa sin ejecutarse.
M="$TMP/memoria"
mkdir -p "$M/common/herramientas" "$M/common/src" "$M/common/tests" "$M/otro-valgrind"
cp common/herramientas/pasada-memoria.sh common/herramientas/pruebas.sh \
  common/herramientas/python-del-sistema.sh "$M/common/herramientas/"
# shellcheck disable=SC2016 # «$${FALLA:-}» es de make: se expande en la receta, no aquí
{
  for s in valgrind asan; do
    printf 'prueba-common-%s:\n\t@echo %s >>ejecutadas.txt\n' "$s" "$s"
    printf '\t@echo "resumen: 1 binarios comprobados con %s, $${FALLA:-0} con fugas o errores de memoria"\n' "$s"
    printf '\t@test -z "$${FALLA:-}"\n'
  done
} >"$M/Makefile"
echo 'int x;' >"$M/common/src/x.c"
echo 'texto' >"$M/common/LEEME.md"
printf 'ejecutadas.txt\nbuild/\n' >"$M/.gitignore"
printf '#!/bin/sh\necho valgrind-9.9.9\n' >"$M/otro-valgrind/valgrind"
chmod +x "$M/otro-valgrind/valgrind"
gm() { git_en "$M" "$@"; }
gm init -q
gm add -A
gm commit -q -m inicio
PM="$M/common/herramientas/pasada-memoria.sh"
# memoria_que RC TEXTO EJECUTADAS DESCRIPCIÓN [ENV…]: comprobar prueba-common-valgrind sale con
# RC, dice TEXTO y la ejecutó EJECUTADAS veces (0 o 1).
memoria_que() {
  local rc_esperado=$1 texto=$2 veces=$3 que=$4 salida rc n
  shift 4
  rm -f "$M/ejecutadas.txt"
  salida=$(cd "$M" && env "$@" bash "$PM" comprobar prueba-common-valgrind 2>&1)
  rc=$?
  n=0
  [ ! -f "$M/ejecutadas.txt" ] || n=$(wc -l <"$M/ejecutadas.txt")
  if [ "$rc" = "$rc_esperado" ] && grep -qF -- "$texto" <<<"$salida" && [ "$n" = "$veces" ]; then
    bien "pasada de memoria: $que"
  else
    mal "memoria" "pasada de memoria, $que: salió con $rc, se ejecutó $n veces y dijo «$(head -c 300 <<<"$salida")»"
  fi
}
memoria_que 0 "no hay sello" 1 "sin sello, comprobar ejecuta la suite de verdad y pasa si pasa" X=1
memoria_que 1 "✘ pasada de memoria" 1 "sin sello, una suite que falla hace fallar comprobar" FALLA=1
if ! (cd "$M" && FALLA=1 bash "$PM" pasar >/dev/null 2>&1) && [ ! -e "$M/common/tests/PASADA.txt" ]; then
  bien "pasada de memoria: pasar no sella si una suite falla"
else
  mal memoria-sella-fallo "pasar selló con una suite que falla"
fi
echo 'int y;' >>"$M/common/src/x.c"
if ! (cd "$M" && bash "$PM" pasar >/dev/null 2>&1) && [ ! -e "$M/common/tests/PASADA.txt" ]; then
  bien "pasada de memoria: pasar no sella con cambios sin confirmar en una fuente"
else
  mal memoria-sella-sin-confirmar "pasar selló con una fuente cambiada sin confirmar"
fi
gm checkout -- common/src/x.c
if (cd "$M" && bash "$PM" pasar >/dev/null 2>&1) && [ -f "$M/common/tests/PASADA.txt" ]; then
  gm add -A
  gm commit -q -m sellada
  memoria_que 0 "sellada con lo de ahora" 0 "con el sello de lo de ahora, comprobar pasa sin ejecutarla" X=1
  memoria_que 0 "sellada con lo de ahora" 0 "con el sello, comprobar no la ejecuta ni con FALLA=1 (el sello ya lo juzgó)" FALLA=1
  echo 'más texto' >>"$M/common/LEEME.md"
  gm commit -q -am 'un .md'
  memoria_que 0 "sellada con lo de ahora" 0 "un .md cambiado no invalida el sello" X=1
  memoria_que 0 "otra plataforma: valgrind valgrind-9.9.9" 1 "con otro valgrind, la ejecuta y dice qué cambió de la plataforma" PATH="$M/otro-valgrind:$PATH"
  memoria_que 0 "ASAN_OPTIONS=detect_leaks=0" 1 "con otras opciones de ASan en el entorno, la ejecuta y dice cuáles" ASAN_OPTIONS=detect_leaks=0
  echo 'int z;' >>"$M/common/src/x.c"
  memoria_que 1 "cambios sin confirmar" 1 "con una fuente cambiada sin confirmar, la ejecuta (y su fallo cuenta)" FALLA=1
  gm commit -q -am 'fuente'
  memoria_que 0 "cambió lo que decide su veredicto: common/src/x.c" 1 "con una fuente cambiada y confirmada, la ejecuta y nombra el archivo" X=1
  gm reset -q --hard HEAD~1
  rm -f "$M/ejecutadas.txt"
  salida=$(cd "$M" && FALLA=1 bash common/herramientas/pruebas.sh prueba-common-valgrind 2>&1)
  if grep -q '^── prueba-common-valgrind (sellada) *ok .*✔ pasada de memoria' <<<"$salida" && [ ! -e "$M/ejecutadas.txt" ]; then
    bien "pasada de memoria: en make test (pruebas.sh), la sellada pasa sin ejecutarse"
  else
    mal memoria-make-test "pruebas.sh con el sello de memoria: $(head -c 300 <<<"$salida")"
  fi
else
  mal memoria-sella "pasar no selló dos suites que pasan"
fi

h=$(bash autograder/profesorado/pasada-mutantes.sh huella 2>/dev/null)
if [[ "$h" =~ ^[0-9a-f]{64}$ ]]; then
  bien "en el curso de verdad, la huella se calcula ($h)"
else
  # Sin git (un zip del curso) no hay huella: no se puede juzgar aquí, y se dice.
  if git -C "$RAIZ" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mal "huella-curso" "pasada-mutantes.sh huella no dio una huella en el curso: «$h»"
  else
    salta "el curso no es un clon de git: sin huella que calcular"
  fi
fi
resumen_final
