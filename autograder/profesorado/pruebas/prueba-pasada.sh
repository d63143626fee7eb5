#!/usr/bin/env bash
# prueba-pasada.sh — el sello de la pasada de los mutantes (autograder/profesorado/
# pasada-mutantes.sh) tiene dientes, en un curso de juguete con git: sin PASADA.txt, CI falla;
# no se sella un informe con un ✘, uno cuyo resumen tiene fallos ni uno con cambios sin
# confirmar en lo que califica; un informe bueno se sella y comprueba; cambiar lo que no
# califica (un .md, una lección) no lo invalida, y cambiar un calificador, un mutante o una
# solución, sí, y el mensaje nombra el archivo; el curso tras un enlace simbólico se comprueba igual. Y en el curso de verdad, la huella se calcula.
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
mkdir -p "$C/autograder/profesorado" "$C/autograder/mutantes/07-x" "$C/solutions/07-x" \
  "$C/labs/07-x/.calificador" "$C/lessons"
cp autograder/profesorado/pasada-mutantes.sh "$C/autograder/profesorado/"
echo 'parche' >"$C/autograder/mutantes/07-x/uno.patch"
echo 'int main(void) { return 0; }' >"$C/solutions/07-x/x.c"
echo '{}' >"$C/labs/07-x/lab.json"
echo '/* calificador */' >"$C/labs/07-x/.calificador/comun.c"
echo 'enunciado' >"$C/labs/07-x/README.md"
echo 'capítulo' >"$C/lessons/capitulo.md"
g() { git -C "$C" -c user.name=prueba -c user.email=prueba@curso.invalid "$@" >/dev/null 2>&1; }
g init -q
g add -A
g commit -q -m inicio
P="$C/autograder/profesorado/pasada-mutantes.sh"

# comprobar_que NOMBRE RC_ESPERADO TEXTO_ESPERADO DESCRIPCIÓN: ejecuta comprobar.
comprobar_que() {
  local salida rc
  salida=$(bash "$P" comprobar 2>&1)
  rc=$?
  if [ "$rc" = "$2" ] && grep -qF -- "$3" <<<"$salida"; then
    bien "$4"
  else
    mal "$1" "$4: salió con $rc y dijo «$(head -c 300 <<<"$salida")»"
  fi
}

comprobar_que sin-pasada 1 "falta autograder/mutantes/PASADA.txt" "sin PASADA.txt, comprobar falla y dice que falta"

printf '── 07-x\n  ✔ mutante uno: 90/100\n  ✘ mutante dos: 100/100\nresumen: 2 comprobaciones, 1 pasan, 1 fallan\n' >"$TMP/malo.txt"
printf '── 07-x\n  ✔ mutante uno: 90/100\nresumen: 2 comprobaciones, 1 pasan, 1 fallan\n' >"$TMP/resumen-malo.txt"
printf '── 07-x\n  ✔ mutante uno: 90/100\n  ✔ mutante dos: 80/100\nresumen: 2 comprobaciones, 2 pasan, 0 fallan\n' >"$TMP/bueno.txt"
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
  ! grep -q 'README.md\|lessons/' "$C/autograder/mutantes/PASADA.txt"; then
  bien "sellar escribe PASADA.txt con un informe bueno: su huella cubre el calificador, no los .md ni las lecciones"
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
g commit -q -am 'solo textos'
comprobar_que textos 0 "✔ pasada de los mutantes" "cambiar un enunciado y una lección no invalida la pasada"

for archivo in labs/07-x/.calificador/comun.c autograder/mutantes/07-x/uno.patch solutions/07-x/x.c; do
  g reset -q --hard HEAD
  echo '/* cambio */' >>"$C/$archivo"
  g commit -q -am "cambia $archivo"
  comprobar_que "cambia-$(basename "$archivo")" 1 "$archivo" "cambiar $archivo invalida la pasada y el mensaje lo nombra"
  g reset -q --hard HEAD~1
done

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
