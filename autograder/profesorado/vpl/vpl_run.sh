#!/bin/bash
# vpl_run.sh — VPL lo ejecuta al pulsar «Ejecutar» (laboratorio @CARPETA@): construye la
# biblioteca del curso y el servidor de práctica, compila la entrega como el curso (la
# entrega en labs/@CARPETA@/ de una copia del curso) y escribe vpl_execution, que VPL abre en
# su consola: arranca el servidor de práctica en 127.0.0.1 y deja una terminal en la carpeta
# del programa para probarlo a mano. Las jaulas de VPL comparten la red del servidor: el
# puerto sale del usuario de la jaula (uno por ejecución), 20000 + UID % 20000, y se dice.
# Lo genera «make vpl LAB=@NUMERO@».
set -u
# shellcheck source=/dev/null
[ -f vpl_environment.sh ] && . ./vpl_environment.sh
LAB=@CARPETA@
PROG=@PROGRAMA@
AQUI=$PWD
rm -rf .vpl vpl_execution
mkdir -p .vpl/curso
tar -xzf curso.tar.gz -C .vpl/curso || { echo "curso.tar.gz no se descomprime: avisa al profesorado."; exit 0; }
while IFS= read -r f; do
  [ -n "$f" ] && [ -f "$f" ] && cp -- "$f" ".vpl/curso/labs/$LAB/$(basename -- "$f")"
done <<<"${VPL_SUBFILES:-}"
# Sin la caja del calificador: es tu programa en tu consola, como «make» en tu copia del curso.
rm -rf .vpl/curso/labs/*/.calificador
if ! make -C .vpl/curso --no-print-directory -j2 "build/bin/servidor-practica" "build/labs/$LAB/$PROG"; then
  echo "No compila (arriba, los errores)."
  exit 0
fi
cat >vpl_execution <<FIN
#!/bin/bash
cd "$AQUI/.vpl/curso/build/labs/$LAB" || exit 1
PUERTO=\$((20000 + UID % 20000))
"$AQUI/.vpl/curso/build/bin/servidor-practica" --puerto "\$PUERTO" --silencioso &
export PUERTO
echo "Servidor de práctica en http://127.0.0.1:\$PUERTO (\\\$PUERTO; las rutas, en el enunciado: /status/200, /delay/…)."
echo "Tu programa: ./$PROG …   (la nota, con «Evaluar»; exit para terminar)"
export PS1='$PROG\$ '
bash --norc -i
kill %1 2>/dev/null
FIN
chmod +x vpl_execution
