#!/usr/bin/env bash
# prueba-guion.sh — el conductor de guiones (guion.c) contra el servidor eco de la lección 6:
# cada orden cuando se cumple, y cada forma de fallar con su mensaje exacto. Un guion que pasa
# cuando debía fallar, o un mensaje distinto, es un fallo de la prueba.
#
#   bash lessons/verificar/prueba-guion.sh [BUILD]     (lo lanza `make prueba-guion`)
#
# El servidor se arranca una vez y se para al salir (también con Ctrl+C o si se cierra la
# terminal). Tres casos esperan su plazo entero (5 s): van a la vez.
set -u
B=${1:-build}
raiz=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$raiz" || exit 2
guion_bin="$B/lessons/verificar/guion"
eco="$B/lessons/06-flujos-tcp/servidor_eco"
for f in "$guion_bin" "$eco"; do
  [ -x "$f" ] || { echo "prueba-guion: falta $f (make prueba-guion lo construye)" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/prueba-guion.XXXXXX") || exit 2
servidor=""
limpiar() {
  [ -z "$servidor" ] || { kill "$servidor" 2>/dev/null; wait "$servidor" 2>/dev/null; }
  rm -rf "$tmp"
}
trap limpiar EXIT
trap 'exit 130' INT TERM HUP

"$eco" --puerto 0 </dev/null >"$tmp/salida.txt" 2>"$tmp/errores.txt" &
servidor=$!
puerto=""
for _ in $(seq 100); do
  if [[ "$(head -n 1 "$tmp/salida.txt")" =~ 127\.0\.0\.1:([0-9]+) ]]; then
    puerto=${BASH_REMATCH[1]}
    break
  fi
  sleep 0.1
done
if [ -z "$puerto" ]; then
  echo "prueba-guion: el servidor eco no anunció su puerto en 10 s" >&2
  cat "$tmp/errores.txt" >&2
  exit 1
fi

OK=0
MAL=0
n=0
# caso NOMBRE ESTADO MENSAJE GUION [PUERTO]: ejecuta GUION (texto tal cual, sin añadirle nada)
# y exige el estado de salida y el mensaje exactos (vacío: ninguno).
caso() {
  local nombre=$1 estado=$2 mensaje=$3 texto=$4 p=${5:-$puerto} obtenido r
  n=$((n + 1))
  local archivo="$tmp/caso-$n-$BASHPID" # $BASHPID: los casos a la vez no comparten archivo
  printf '%s' "$texto" >"$archivo.guion"
  obtenido=$("$guion_bin" "$p" "$archivo.guion" "$tmp/salida.txt" 1 \
    lessons/verificar/comparar.awk 2>"$archivo.err")
  r=$?
  if [ "$r" = "$estado" ] && [ "$obtenido" = "$mensaje" ]; then
    OK=$((OK + 1))
    printf '  ✔ %s\n' "$nombre"
  else
    MAL=$((MAL + 1))
    printf '  ✘ %s: se esperaba estado %s y «%s»; salió %s con «%s»\n' "$nombre" "$estado" \
      "$mensaje" "$r" "$obtenido"
  fi
}

saludo=$'< Bienvenido al servidor eco\n< Órdenes: /stats, /quit\n'

echo "══ guion: órdenes que se cumplen"
caso "diálogo entero hasta el cierre" 0 "" "$saludo"$'> hola\n< Eco: hola\n> /quit\n< ¡Adiós!\nfin\n'
caso "«<» compara con comparar.awk («…» casa con cualquier tramo)" 0 "" $'< Bienvenido al …\n'
caso "comentarios y líneas vacías no son órdenes" 0 "" $'# saludo\n\n'"$saludo"
caso "silencio cuando no llega nada" 0 "" "$saludo"$'silencio 200\n'
caso "dos conexiones: conecta, usa, cierra N y usa otra vez" 0 "" \
  "$saludo"$'conecta\n'"$saludo"$'usa 1\n> uno\n< Eco: uno\ncierra 2\nusa 1\n> sigo\n< Eco: sigo\n'
caso "fin-de-linea crlf: el servidor recibe \\r\\n" 0 "" \
  "$saludo"$'fin-de-linea crlf\n> hola\n< Eco: hola…\nfin-de-linea lf\n> adiós\n< Eco: adiós\n'
caso "salida: lo que el servidor escribe en su stdout" 0 "" $'salida Escuchando en 127.0.0.1\n'
caso "la última línea sin \\n también se ejecuta" 1 "línea 1: se esperaba «Adiós» y llegó «Bienvenido al servidor eco»" \
  '< Adiós'

echo "══ guion: cada fallo, con su línea y su motivo"
caso "llega otra línea" 1 "línea 3: se esperaba «Adiós» y llegó «Bienvenido al servidor eco»" \
  $'# comentario\n\n< Adiós\n< nunca se lee\n'
caso "el servidor cierra antes" 1 "línea 5: se esperaba «más» y el servidor cerró la conexión" \
  "$saludo"$'> /quit\n< ¡Adiós!\n< más\n'
caso "fin, y llega una línea" 1 "línea 4: se esperaba el cierre de la conexión y llegó «Eco: hola»" \
  "$saludo"$'> hola\nfin\n'
caso "silencio roto" 1 "línea 4: no debía llegar nada y llegó «Eco: hola»" \
  "$saludo"$'> hola\nsilencio\n'
caso "enviar tras cierra" 1 "línea 4: no hay conexión abierta (use «conecta» o «usa N»)" \
  "$saludo"$'cierra\n> hola\n'
caso "usa una conexión que no existe" 1 "línea 3: «usa 3»: no existe esa conexión" \
  "$saludo"$'usa 3\n'
caso "cierra una conexión que no existe" 1 "línea 1: «cierra x»: no existe esa conexión" \
  $'cierra x\n'
caso "orden desconocida" 1 "línea 1: orden desconocida «saluda» (ver lessons/CONVENCIONES.md)" \
  $'saluda\n'
caso "espera sin número" 1 "línea 1: «espera» necesita milisegundos" $'espera un rato\n'
caso "silencio sin número" 1 "línea 3: «silencio» admite milisegundos" "$saludo"$'silencio mucho\n'
caso "salida sin texto" 1 "línea 1: «salida» necesita el texto que se espera" $'salida\n'
caso "fin-de-linea desconocido" 1 "línea 1: «fin-de-linea» admite crlf o lf" $'fin-de-linea cr\n'
caso "nadie escucha en el puerto" 1 "línea 0: no se pudo conectar a 127.0.0.1:1" $'> hola\n' 1
caso "mal llamado" 2 "" "" 0

# Los que esperan su plazo entero, a la vez: cada uno escribe su línea en su archivo (la cuenta
# de un subshell no vuelve), y se cuentan por su ✔.
echo "══ guion: plazos de 5 s"
caso "no llega nada" 1 "línea 3: se esperaba «algo» y no llegó nada en 5 s" \
  "$saludo"$'< algo\n' >"$tmp/p1" &
p1=$!
caso "fin, y sigue abierta" 1 "línea 3: se esperaba que el servidor cerrara la conexión y sigue abierta tras 5 s" \
  "$saludo"$'fin\n' >"$tmp/p2" &
p2=$!
caso "salida que no llega" 1 "línea 1: el servidor no escribió «nunca escrito» en 5 s" \
  $'salida nunca escrito\n' >"$tmp/p3" &
p3=$!
wait "$p1" "$p2" "$p3"
for f in "$tmp"/p1 "$tmp"/p2 "$tmp"/p3; do
  cat "$f"
  if grep -q '✔' "$f"; then OK=$((OK + 1)); else MAL=$((MAL + 1)); fi
done

echo "prueba-guion: $OK pasan, $MAL fallan"
[ "$MAL" -eq 0 ]
