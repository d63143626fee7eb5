#!/bin/bash
# instalar-jaula.sh — el administrador del servidor de jaulas de VPL (vpl-jail-system) lo
# ejecuta UNA vez, como root, en ese servidor (Debian 12/13 o Ubuntu 22.04/24.04): instala
# los paquetes de Debian que la jaula necesita para calificar el laboratorio @CARPETA@ (el
# perfil «grade» de common/herramientas/dependencias.sh, el mismo de «make grade» y de
# Gradescope) y lo comprueba de punta a punta como lo hará VPL: en una carpeta nueva, como un
# usuario sin privilegios (nobody), vpl_evaluate.sh y después vpl_execution con el programa de
# partida, hasta la línea «Grade :=>>». Lo genera «make vpl LAB=@NUMERO@».
#
#   bash instalar-jaula.sh            instala lo que falte y comprueba
#   bash instalar-jaula.sh --comprobar   solo comprueba (no instala; vale sin root)
#
# La jaula de VPL usa los programas del propio servidor (su raíz, vista desde la jaula): lo que
# se instala aquí es lo que ve vpl_evaluate.sh. No se descarga nada de fuera de apt.
set -u
DIR=$(cd "$(dirname "$0")" && pwd)
EJ="$DIR/archivos-de-ejecucion"
LAB=@CARPETA@
solo_comprobar=0
[ "${1:-}" = --comprobar ] && solo_comprobar=1
export DEBIAN_FRONTEND=noninteractive
[ -f "$EJ/curso.tar.gz" ] || { echo "✘ falta $EJ/curso.tar.gz (descomprime el zip entero)"; exit 1; }
sistema=desconocido
# shellcheck source=/dev/null
[ -r /etc/os-release ] && sistema=$(. /etc/os-release && echo "${ID:-?} ${VERSION_ID:-?}")
case "$sistema" in
  "ubuntu 22.04" | "ubuntu 24.04" | "debian 12" | "debian 13") echo "instalar-jaula: sistema $sistema" ;;
  *) echo "instalar-jaula: aviso: $sistema no es uno de los previstos (Debian 12/13, Ubuntu 22.04/24.04); se intenta igual" ;;
esac
tmp=$(mktemp -d /tmp/instalar-jaula.XXXXXX)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/curso"
tar -xzf "$EJ/curso.tar.gz" -C "$tmp/curso" || { echo "✘ curso.tar.gz no se descomprime"; exit 1; }
if [ $solo_comprobar = 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "✘ hay que ser root para instalar (o usa --comprobar)"; exit 1; }
  # Una imagen recién hecha no trae las listas de apt: sin ellas no se instala nada.
  if command -v apt-get >/dev/null && [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]; then
    apt-get update -q || exit 1
  fi
  # dependencias.sh necesita bash y lo básico; python3 y make los trae el perfil grade.
  bash "$tmp/curso/common/herramientas/dependencias.sh" asegurar grade "instalar-jaula.sh" || exit 1
fi
if bash "$tmp/curso/common/herramientas/dependencias.sh" comprobar grade; then
  echo "✔ paquetes: el perfil grade está completo"
else
  echo "✘ paquetes: falta lo de arriba (bash instalar-jaula.sh como root lo instala)"; exit 1
fi
# La comprobación de punta a punta, como VPL: una carpeta con los archivos de ejecución y la
# entrega (la partida del laboratorio), como un usuario sin privilegios.
prueba="$tmp/p"
mkdir -p "$prueba"
cp "$EJ"/* "$prueba/"
subfiles=""
# shellcheck disable=SC2043 # @ARCHIVOS@ lo sustituye vpl.sh por la lista de archivos
for f in @ARCHIVOS@; do
  cp "$tmp/curso/labs/$LAB/$f" "$prueba/"
  subfiles="$subfiles$f
"
done
printf 'export VPL_SUBFILES="%s"\nexport VPL_GRADEMIN=0\nexport VPL_GRADEMAX=10\n' "$subfiles" >"$prueba/vpl_environment.sh"
quien=()
if [ "$(id -u)" = 0 ]; then
  chown -R nobody "$prueba"
  quien=(setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env)
fi
inicio=$(date +%s)
(cd "$prueba" && "${quien[@]}" env HOME="$prueba" PATH=/usr/local/bin:/usr/bin:/bin ./vpl_evaluate.sh) >"$tmp/evaluate.txt" 2>&1
if [ ! -x "$prueba/vpl_execution" ]; then
  echo "✘ vpl_evaluate.sh no dejó vpl_execution:"; sed 's/^/    /' "$tmp/evaluate.txt"; exit 1
fi
(cd "$prueba" && "${quien[@]}" env HOME="$prueba" PATH=/usr/local/bin:/usr/bin:/bin ./vpl_execution) >"$tmp/execution.txt" 2>&1
nota=$(grep '^Grade :=>>' "$tmp/execution.txt" | tail -n 1)
if [ -n "$nota" ] && grep -q '^<|--' "$tmp/execution.txt"; then
  echo "✔ la jaula califica el laboratorio $LAB como usuario sin privilegios en $(($(date +%s) - inicio)) s: el programa de partida saca «$nota» (sobre 10)"
  echo "  Lo que el calificador dijo de la caja de arena en esta máquina:"
  grep -m1 -A3 'Caja de arena' "$tmp/execution.txt" | sed 's/^ */    /'
else
  echo "✘ vpl_execution no dio nota:"; tail -n 30 "$tmp/execution.txt" | sed 's/^/    /'; exit 1
fi
