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
crudo=""
limpiar() {
  [ -z "$servidor" ] || { kill "$servidor" 2>/dev/null; wait "$servidor" 2>/dev/null; }
  [ -z "$crudo" ] || { kill "$crudo" 2>/dev/null; wait "$crudo" 2>/dev/null; }
  rm -rf "$tmp"
}
trap limpiar EXIT
trap 'exit 130' INT TERM HUP

"$eco" --puerto 0 </dev/null >"$tmp/salida.txt" 2>"$tmp/errores.txt" &
servidor=$!
puerto=""
for _ in $(seq 100); do
  if [[ "$(head -n 1 "$tmp/salida.txt" 2>/dev/null)" =~ 127\.0\.0\.1:([0-9]+) ]]; then
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

# El otro servidor: uno en Python que hace lo que el eco no hace. Guarda en crudo.bin los bytes
# que recibe (para ver el \r\n) y, si recibe «medias», envía «sin fin» sin '\n'; si «larga»,
# 9000 bytes sin '\n'. Atiende las conexiones una tras otra.
python3 - "$tmp" <<'PY' &
import socket, sys, os
d = sys.argv[1]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
with open(os.path.join(d, "crudo.puerto.tmp"), "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(os.path.join(d, "crudo.puerto.tmp"), os.path.join(d, "crudo.puerto"))
while True:
    c, _ = s.accept()
    with c, open(os.path.join(d, "crudo.bin"), "ab") as crudo:
        try:
            while True:
                b = c.recv(4096)
                if not b:
                    break
                crudo.write(b)
                crudo.flush()
                if b"medias" in b:
                    c.sendall(b"sin fin")
                if b"larga" in b:
                    c.sendall(b"A" * 9000)
        except OSError:  # el guion cerró sin leerlo todo: la conexión se corta, y a por otra
            pass
PY
crudo=$!
for _ in $(seq 100); do
  [ -f "$tmp/crudo.puerto" ] && break
  sleep 0.1
done
puerto_crudo=$(cat "$tmp/crudo.puerto" 2>/dev/null)
[ -n "$puerto_crudo" ] || { echo "prueba-guion: el servidor en Python no arrancó" >&2; exit 1; }

OK=0
MAL=0
n=0
# caso NOMBRE ESTADO MENSAJE GUION [PUERTO [FACTOR [MÍNIMO_MS]]]: ejecuta GUION (texto tal cual,
# sin añadirle nada) y exige el estado de salida y el mensaje exactos (vacío: ninguno), sin
# nada en stderr salvo al llamarlo mal, y que tarde al menos MÍNIMO_MS (un plazo que no espera
# lo que dice es un fallo).
caso() {
  local nombre=$1 estado=$2 mensaje=$3 texto=$4 p=${5:-$puerto} factor=${6:-1} minimo=${7:-0}
  local obtenido r t0 ms err
  n=$((n + 1))
  local archivo="$tmp/caso-$n-$BASHPID" # $BASHPID: los casos a la vez no comparten archivo
  printf '%s' "$texto" >"$archivo.guion"
  t0=$(date +%s%N)
  obtenido=$("$guion_bin" "$p" "$archivo.guion" "$tmp/salida.txt" "$factor" \
    lessons/verificar/comparar.awk 2>"$archivo.err")
  r=$?
  ms=$((($(date +%s%N) - t0) / 1000000))
  err=$(cat "$archivo.err")
  [ "$estado" != 2 ] || err=""
  if [ "$r" = "$estado" ] && [ "$obtenido" = "$mensaje" ] && [ -z "$err" ] && [ "$ms" -ge "$minimo" ]; then
    OK=$((OK + 1))
    printf '  ✔ %s\n' "$nombre"
  else
    MAL=$((MAL + 1))
    printf '  ✘ %s: se esperaba estado %s y «%s» (al menos %s ms); salió %s con «%s» en %s ms%s\n' \
      "$nombre" "$estado" "$mensaje" "$minimo" "$r" "$obtenido" "$ms" "${err:+; stderr: $err}"
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
caso "fin-de-linea crlf y lf (el servidor en Python guarda los bytes)" 0 "" \
  $'fin-de-linea crlf\n> uno\nfin-de-linea lf\n> dos\nfin-de-linea crlf\n>\n' "$puerto_crudo"
bytes_crudos() { od -An -c "$tmp/crudo.bin" 2>/dev/null | tr -s ' \n' ' '; }
esperados=" u n o \\r \\n d o s \\n \\r \\n "
for _ in $(seq 50); do # el servidor en Python los escribe cuando le llegan
  [ "$(bytes_crudos)" = "$esperados" ] && break
  sleep 0.1
done
if [ "$(bytes_crudos)" = "$esperados" ]; then
  OK=$((OK + 1))
  echo "  ✔ el servidor recibió «uno\\r\\n», «dos\\n» y «\\r\\n», byte a byte"
else
  MAL=$((MAL + 1))
  echo "  ✘ el servidor debía recibir «uno\\r\\ndos\\n\\r\\n» y recibió: $(bytes_crudos)"
fi
caso "espera multiplica por FACTOR (200 ms × 3)" 0 "" $'espera 200\n' "$puerto" 3 600
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
caso "silencio roto (vuelve en cuanto llega)" 1 "línea 4: no debía llegar nada y llegó «Eco: hola»" \
  "$saludo"$'> hola\nsilencio 3000\n'
caso "silencio roto sin fin de línea" 1 "línea 2: no debía llegar nada y llegó «sin fin» (sin fin de línea)" \
  $'> medias\nsilencio 3000\n' "$puerto_crudo"
caso "una línea de más de 8 KiB" 1 "línea 2: llegaron 8192 bytes sin fin de línea (el guion no admite líneas tan largas)" \
  $'> larga\n< A…\n' "$puerto_crudo"
caso "enviar tras cierra" 1 "línea 4: no hay conexión abierta (use «conecta» o «usa N»)" \
  "$saludo"$'cierra\n> hola\n'
caso "usa una conexión que no existe" 1 "línea 3: «usa 3»: no existe esa conexión" \
  "$saludo"$'usa 3\n'
caso "cierra una conexión que no existe" 1 "línea 1: «cierra x»: no existe esa conexión" \
  $'cierra x\n'
caso "orden desconocida" 1 "línea 1: orden desconocida «saluda» (ver lessons/CONVENCIONES.md)" \
  $'saluda\n'
caso "espera sin número" 1 "línea 1: «espera» necesita milisegundos" $'espera un rato\n'
caso "silencio sin número" 1 "línea 3: «silencio» necesita milisegundos, o nada (300)" "$saludo"$'silencio mucho\n'
obtenido=$("$guion_bin" "$puerto" "$tmp/no-existe.guion" "$tmp/salida.txt" 1 lessons/verificar/comparar.awk)
if [ $? = 1 ] && [ "$obtenido" = "línea 0: no se pudo abrir el guion $tmp/no-existe.guion (No such file or directory)" ]; then
  OK=$((OK + 1))
  echo "  ✔ el guion no existe"
else
  MAL=$((MAL + 1))
  echo "  ✘ el guion no existe: salió «$obtenido»"
fi
caso "salida sin texto" 1 "línea 1: «salida» necesita el texto que se espera" $'salida\n'
caso "fin-de-linea desconocido" 1 "línea 1: «fin-de-linea» admite crlf o lf" $'fin-de-linea cr\n'
caso "nadie escucha en el puerto" 1 "línea 0: no se pudo conectar a 127.0.0.1:1" $'> hola\n' 1
caso "el puerto 0 (el servidor anunció el que pidió, no el suyo)" 1 \
  "línea 0: no se pudo conectar a 127.0.0.1:0" $'> hola\n' 0
caso "mal llamado" 2 "" "" 70000

# Los que esperan su plazo entero, a la vez: cada uno escribe su línea en su archivo (la cuenta
# de un subshell no vuelve), y se cuentan por su ✔.
echo "══ guion: plazos de 5 s"
caso "no llega nada" 1 "línea 3: se esperaba «algo» y no llegó nada en 5 s" \
  "$saludo"$'< algo\n' "$puerto" 1 4500 >"$tmp/p1" &
p1=$!
caso "fin, y sigue abierta" 1 "línea 3: se esperaba que el servidor cerrara la conexión y sigue abierta tras 5 s" \
  "$saludo"$'fin\n' "$puerto" 1 4500 >"$tmp/p2" &
p2=$!
caso "salida que no llega" 1 "línea 1: el servidor no escribió «nunca escrito» en 5 s" \
  $'salida nunca escrito\n' "$puerto" 1 4500 >"$tmp/p3" &
p3=$!
wait "$p1" "$p2" "$p3"
for f in "$tmp"/p1 "$tmp"/p2 "$tmp"/p3; do
  cat "$f"
  if grep -q '✔' "$f"; then OK=$((OK + 1)); else MAL=$((MAL + 1)); fi
done

echo "prueba-guion: $OK pasan, $MAL fallan"
[ "$MAL" -eq 0 ]
