#!/usr/bin/env bash
# prueba-vivos: la precarga vivos (vivos.c) y su traducción (vivos.sh) tienen dientes. Cinco
# programas colgados a propósito (prueba/*.c): un temporizador que se repite, un servidor que
# no cierra su uv_tcp_t, un uv_signal_t sin cerrar y un uv_fs_read en curso para siempre. De
# cada uno, el informe tiene que nombrar lo que lo mantiene vivo y las líneas del fuente
# marcadas con «vivos: creado|arrancado|pedida» (el número de línea sale del fuente, no de
# esta prueba). Y muchas.c, un temporizador creado con 12000 uv_write en curso (más que la
# tabla de la precarga): las peticiones que no caben no le quitan el sitio. Un programa que termina bien (bien.c) no deja informe y sale con 0. Y con
# VIVOS_CIERRE=1, red.c y para.c (dejan dos handles a su propia red de seguridad; para.c tras
# un uv_stop, con el bucle aún vivo) y otro_bucle.c (no los cierra nunca y pasa por un bucle
# vacío aparte: se nombran al salir) y run_ajeno.c (como para.c, con otro hilo en el uv_run de
# su propio bucle) los nombra con las líneas marcadas «vivos: cierre», y bien.c no nombra
# ninguno. Y eco.c, las cuentas del tráfico (VIVOS_CLAVE): lo leído y lo escrito por libuv en
# la conexión de cada cliente de 127.0.0.1, y los uv_poll. Las líneas del testigo y de las
# cuentas van firmadas con la llave de la clave (firma.h): firma.c las comprueba.
# Uso: prueba.sh CARPETA_DE_LOS_BINARIOS LIBVIVOS.so
set -u
bins=$1 so=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
aqui=$(cd "$(dirname "$0")" && pwd)
raiz=$(cd "$aqui/../../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vivos.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
pasan=0 fallan=0
bien() { pasan=$((pasan + 1)); echo "  ✔ $1"; }
mal() { fallan=$((fallan + 1)); echo "  ✘ $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/      │ /'; }

# ejecutar NOMBRE: deja el estado en RC y el informe traducido en INFORME.
ejecutar() {
  local n=$1
  rm -f "$tmp/$n.crudo"
  VIVOS_INFORME="$tmp/$n.crudo" LD_PRELOAD="$so" timeout -s RTMIN+4 -k 3 1 "$bins/$n" >/dev/null 2>&1
  RC=$?
  INFORME=""
  [ -e "$tmp/$n.crudo" ] && INFORME=$(bash "$aqui/vivos.sh" traducir "$bins/$n" "$tmp/$n.crudo" "$raiz")
}

# colgado NOMBRE FRASE: el informe dice FRASE y cada línea marcada del fuente.
colgado() {
  local n=$1 frase=$2 fuente="common/herramientas/vivos/prueba/$1.c" linea que
  ejecutar "$n"
  if [ "$RC" != 124 ]; then mal "$n: salió con $RC; se esperaba que no terminara (124)"; return; fi
  if ! grep -qF -- "$frase" <<<"$INFORME"; then mal "$n: el informe no dice «$frase»" "$INFORME"; return; fi
  while IFS=: read -r linea que; do
    que=${que##*vivos: }; que=${que%% *}
    if ! grep -qF -- "$que en $fuente:$linea" <<<"$INFORME"; then
      mal "$n: el informe no dice «$que en $fuente:$linea»" "$INFORME"; return
    fi
  done < <(grep -n 'vivos: [a-z]*' "$raiz/$fuente")
  bien "$n: «$frase» y sus líneas ($(grep -c 'vivos: [a-z]*' "$raiz/$fuente") lugares)"
}

colgado temporizador "uv_timer_t activo (se repite cada 100 ms)"
colgado servidor "uv_tcp_t escuchando"
colgado senal "uv_signal_t esperando SIGINT"
colgado lectura "uv_fs_t en curso (uv_fs_read)"
colgado muchas "uv_timer_t activo (se repite cada 100 ms)"

ejecutar bien
if [ "$RC" = 0 ] && [ -z "$INFORME" ] && [ ! -e "$tmp/bien.crudo" ]; then
  bien "bien: termina con 0 y no deja informe"
else
  mal "bien: salió con $RC (se esperaba 0) o dejó informe" "$INFORME"
fi
# Con VIVOS_CIERRE=1: lo que sigue abierto y sin uv_close cuando uv_run acaba sin nada vivo
# (lo que después cierra la red de seguridad), con su línea; y nada si todo se cerró a tiempo.
cierre() {
  local n=$1 esperadas=$2 fuente="common/herramientas/vivos/prueba/$1.c" linea lineas
  rm -f "$tmp/$n.crudo"
  VIVOS_CIERRE=1 VIVOS_INFORME="$tmp/$n.crudo" LD_PRELOAD="$so" timeout -k 3 5 "$bins/$n" >/dev/null 2>&1
  RC=$?
  INFORME=""
  [ -e "$tmp/$n.crudo" ] && INFORME=$(bash "$aqui/vivos.sh" traducir "$bins/$n" "$tmp/$n.crudo" "$raiz")
  lineas=$(grep -c '^cierre: ' <<<"$INFORME")
  if [ "$RC" != 0 ] || [ "$lineas" != "$esperadas" ]; then
    mal "$n con VIVOS_CIERRE=1: salió con $RC (se esperaba 0) y dio $lineas líneas «cierre:» (se esperaban $esperadas)" "$INFORME"
    return
  fi
  while IFS=: read -r linea _; do
    if ! grep -qF -- "creado en $fuente:$linea" <<<"$INFORME"; then
      mal "$n con VIVOS_CIERRE=1: el informe no dice «creado en $fuente:$linea»" "$INFORME"; return
    fi
  done < <(grep -n 'vivos: cierre' "$raiz/$fuente")
  bien "$n con VIVOS_CIERRE=1: termina con 0 y nombra $esperadas handles sin cerrar al acabar uv_run"
}
cierre red 2
cierre bien 0
cierre para 2
cierre otro_bucle 2
cierre run_ajeno 2
# La firma: SipHash-2-4 da el vector de referencia, y una línea firmada con otra clave o
# cambiada después de firmar no pasa.
if "$bins/firma" --prueba; then
  bien "la firma (SipHash-2-4) da el vector de referencia"
else
  mal "la firma (SipHash-2-4) no da el vector de referencia" ""
fi
# Con una clave en VIVOS_CIERRE (la del calificador): la precarga la borra del entorno al
# cargarse y, al salir, da su testigo firmado «cierre-fin <líneas> <bucles> <dentro> <firma>».
clave=prueba$RANDOM$RANDOM
# firmadas ARCHIVO: las líneas de ARCHIVO con la firma buena de $clave, sin la firma.
firmadas() { "$bins/firma" "$clave" <"$1" 2>/dev/null; }
rm -f "$tmp/para.crudo"
salida=$(VIVOS_CIERRE=$clave VIVOS_INFORME="$tmp/para.crudo" LD_PRELOAD="$so" timeout -k 3 5 "$bins/para" 2>/dev/null)
if firmadas "$tmp/para.crudo" | grep -q "^cierre-fin 2 1 0$" && ! grep -q "$clave" "$tmp/para.crudo" &&
  [ "$(grep -c '^cierre: ' "$tmp/para.crudo")" = 2 ] && [ -n "$salida" ] &&
  ! grep -q "$clave" <<<"$salida"; then
  bien "para con una clave: testigo firmado «cierre-fin 2 1 0», sin la clave, y la clave ya no está en su entorno"
else
  mal "para con una clave: sin el testigo que cuadra, o la clave seguía en su entorno ($salida)" "$(cat "$tmp/para.crudo" 2>/dev/null)"
fi
# La clave por un descriptor (VIVOS_CIERRE=@8, lo que hace el calificador): la precarga la lee
# de ahí y lo cierra; el programa no la ve ni en su entorno ni en ese descriptor.
rm -f "$tmp/para.crudo"
salida=$(VIVOS_CIERRE=@8 VIVOS_INFORME="$tmp/para.crudo" LD_PRELOAD="$so" timeout -k 3 5 "$bins/para" 8< <(printf %s "$clave") 2>/dev/null)
if firmadas "$tmp/para.crudo" | grep -q "^cierre-fin 2 1 0$" && ! grep -q "$clave" "$tmp/para.crudo" && ! grep -q "$clave" <<<"$salida"; then
  bien "para con la clave por el descriptor 8: testigo firmado «cierre-fin 2 1 0»"
else
  mal "para con la clave por el descriptor 8: sin el testigo que cuadra ($salida)" "$(cat "$tmp/para.crudo" 2>/dev/null)"
fi
# El testigo cambiado después de firmar («0 líneas» en vez de 2), o firmado con otra clave, no vale.
if ! sed 's/^cierre-fin 2 /cierre-fin 0 /' "$tmp/para.crudo" | "$bins/firma" "$clave" | grep -q '^cierre-fin' &&
  ! "$bins/firma" "otra$clave" <"$tmp/para.crudo" | grep -q '^cierre-fin'; then
  bien "un testigo cambiado después de firmar, o comprobado con otra clave, no vale"
else
  mal "un testigo cambiado o con otra clave pasó por bueno" "$(cat "$tmp/para.crudo" 2>/dev/null)"
fi
# Con una clave, otro_bucle.c: las dos líneas salen al salir del programa y el testigo cuenta
# los dos bucles (el vacío, revisado al volver su uv_run; el otro, al salir).
rm -f "$tmp/otro_bucle.crudo"
VIVOS_CIERRE=$clave VIVOS_INFORME="$tmp/otro_bucle.crudo" LD_PRELOAD="$so" timeout -k 3 5 "$bins/otro_bucle" >/dev/null 2>&1
if firmadas "$tmp/otro_bucle.crudo" | grep -q "^cierre-fin 2 2 0$" &&
  [ "$(grep -c '^cierre: .* sin cerrar al salir del programa' "$tmp/otro_bucle.crudo")" = 2 ]; then
  bien "otro_bucle con una clave: los dos handles, al salir, y testigo «cierre-fin 2 2 0»"
else
  mal "otro_bucle con una clave: sin las dos líneas al salir o sin el testigo «cierre-fin 2 2 0»" "$(cat "$tmp/otro_bucle.crudo" 2>/dev/null)"
fi
# Un exit() desde una callback (sale.c): uv_run no llega a volver; el testigo lo dice con
# «dentro» = 1 y ninguna línea (el bucle sin cerrar lo juzga valgrind, no esto).
rm -f "$tmp/sale.crudo"
VIVOS_CIERRE=$clave VIVOS_INFORME="$tmp/sale.crudo" LD_PRELOAD="$so" timeout -k 3 5 "$bins/sale" >/dev/null 2>&1
if firmadas "$tmp/sale.crudo" | grep -q "^cierre-fin 0 0 1$"; then
  bien "sale (exit desde una callback): testigo firmado «cierre-fin 0 0 1»"
else
  mal "sale (exit desde una callback): sin el testigo «cierre-fin 0 0 1»" "$(cat "$tmp/sale.crudo" 2>/dev/null)"
fi
# Quien no usa libuv (timeout, strace o la puerta delante del programa) no toca la clave: la
# deja pasar entera a sus hijos.
pasa=$(VIVOS_CIERRE=$clave VIVOS_INFORME=/dev/null LD_PRELOAD="$so" \
  bash -c 'bash -c "printf %s \"\$VIVOS_CIERRE\""' 2>&1)
if [ "$pasa" = "$clave" ]; then
  bien "la clave pasa entera por un proceso sin libuv"
else
  mal "la clave no pasa entera por un proceso sin libuv («$pasa»)" ""
fi

# Las cuentas del tráfico (VIVOS_CLAVE=@8 y el informe por el descriptor 7, lo que hace el
# calificador con .trafico): eco.c devuelve lo que lee; un cliente le manda 33 bytes y lee el
# eco; con SIGRTMIN+5 la precarga escribe, firmadas, «conexion <vez> <puerto del cliente>
# <leídos> <escritos>» y «cuentas <vez> <conexiones> <uv_poll> <rápidos> <sitios>», y el programa
# sigue; al salir (SIGTERM, que cierra todo), otra vez, con <vez> «fin». Y la clave no sale en
# ninguna. <sitios>, las llamadas de libuv a read, readv, write y writev que encontró: en x86-64,
# alguna (24 con la libuv 1.44 de Debian 12, 23 con la 1.50 de Debian 13); 0 es que no las
# encontró y se conforma con el código de libuv entero (otra arquitectura, donde no las busca).
if [ "$(uname -m)" = x86_64 ]; then sitios='[1-9][0-9]*'; else sitios='0'; fi
# El archivo del puerto se borra antes de lanzar cada eco: si no, la espera leía el puerto del
# eco anterior (ya muerto) antes de que el nuevo vaciara el archivo, y el cliente no conectaba.
# Con la máquina libre el hijo siempre llegaba antes; con make test y dos bucles ocupados al lado
# (29-11-2026), no: 0 conexiones, y la prueba no decía por qué (ahora lo dice: «preparacion»).
cuentas() {
  local modo=$1 bytes=$2 resto=$3 puerto="" pid lineas conexiones cliente preparacion=""
  rm -f "$tmp/eco.crudo" "$tmp/eco.puerto"
  VIVOS_CLAVE=@8 VIVOS_INFORME=7 LD_PRELOAD="$so" "$bins/eco" "$modo" >"$tmp/eco.puerto" 2>/dev/null \
    7>"$tmp/eco.crudo" 8< <(printf %s "$clave") &
  pid=$!
  for _ in $(seq 50); do
    puerto=$(head -n1 "$tmp/eco.puerto" 2>/dev/null)
    [ -n "$puerto" ] && break
    sleep 0.1
  done
  [ -n "$puerto" ] || preparacion="eco no dijo su puerto en 5 s; "
  cliente=$(python3 - "$puerto" <<'PY' 2>/dev/null
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
print(s.getsockname()[1])
recibido = b""
for k, trozo in enumerate((b"hola mundo\n", b"adios mund\n", b"otra vez!!\n"), 1):
    s.sendall(trozo)
    while len(recibido) < 11 * k:
        recibido += s.recv(64)
s.close()
PY
)
  [ -n "$cliente" ] || [ -n "$preparacion" ] || preparacion="el cliente no pudo hablar con eco (puerto $puerto); "
  sleep 0.2
  kill -s RTMIN+5 "$pid" 2>/dev/null
  sleep 0.3
  kill -s TERM "$pid" 2>/dev/null
  wait "$pid"
  RC=$?
  conexiones=$(firmadas "$tmp/eco.crudo" | grep -cE "^conexion (0|fin) ${cliente:-x} $bytes\$")
  lineas=$(firmadas "$tmp/eco.crudo" | grep -cE "^cuentas (0|fin) 1 $resto $sitios\$")
  if [ "$RC" = 0 ] && [ "$conexiones" = 2 ] && [ "$lineas" = 2 ] && ! grep -q "$clave" "$tmp/eco.crudo"; then
    bien "eco $modo: «conexion <vez> <puerto> $bytes» y «cuentas <vez> 1 $resto <sitios>», firmadas, al pedirlas (SIGRTMIN+5, sin morir) y al salir"
  else
    mal "eco $modo: ${preparacion}salió con $RC (se esperaba 0) y dio $conexiones veces «conexion <vez> ${cliente:-?} $bytes» y $lineas «cuentas <vez> 1 $resto $sitios» firmadas (se esperaban 2 y 2, sin la clave)" "$(cat "$tmp/eco.crudo" 2>/dev/null)"
  fi
}
cuentas libuv "33 33" "0 0"
cuentas prueba "33 33" "0 0"
cuentas crudo "33 0" "0 0"
cuentas fs "33 0" "0 0"
cuentas vuelta "33 0" "0 0"
cuentas sondeo "33 33" "1 0"
cuentas reloj "33 33" "0 1"

# La tabla de pista_libcurso (autograder/lib/vivos.c: de un archivo de libcurso a la función que
# abrió el handle y la que lo cierra) sigue a libcurso: cada archivo existe, cada función que
# nombra está declarada en common/include/curso/, y cada archivo de common/src que crea handles
# en el bucle de quien lo llama (uv_*_init sin un uv_loop_init propio) tiene su fila. Un
# archivo renombrado dejaría sin pista al estudiante sin que nada fallara.
tabla=$(python3 - "$raiz" <<'PY'
import glob, os, re, sys
raiz = sys.argv[1]
fuente = open(os.path.join(raiz, "autograder/lib/vivos.c"), encoding="utf-8").read()
cuerpo = fuente[fuente.index("pista_libcurso("):]
cuerpo = cuerpo[:cuerpo.index("};")]
# Cada fila: {"archivo", "pista" "que sigue"} (las cadenas seguidas se juntan).
filas = re.findall(r'\{"(common/src/[^"]+)",((?:\s*"[^"]*")+)\}', cuerpo)
cabeceras = "".join(open(f, encoding="utf-8").read()
                    for f in glob.glob(os.path.join(raiz, "common/include/curso/*.h")))
malos = []
for archivo, pista in filas:
    texto = "".join(re.findall(r'"([^"]*)"', pista))
    if not os.path.exists(os.path.join(raiz, archivo)):
        malos.append(f"{archivo}: no existe")
    for f in re.findall(r"\b[a-z]+_[a-z_]+\b", texto):
        if not re.search(r"\b%s\s*\(" % f, cabeceras):
            malos.append(f"{archivo}: «{f}» no está declarada en common/include/curso/")
con_fila = {a for a, _ in filas}
for c in sorted(glob.glob(os.path.join(raiz, "common/src/*.c"))):
    t = open(c, encoding="utf-8").read()
    rel = os.path.relpath(c, raiz)
    if re.search(r"\buv_[a-z_]+_init\w*\s*\(", t) and "uv_loop_init" not in t and rel not in con_fila:
        malos.append(f"{rel}: crea handles y no tiene fila")
print(len(filas))
print("\n".join(malos))
PY
)
filas=$(head -n1 <<<"$tabla")
malos=$(tail -n +2 <<<"$tabla")
if [ "${filas:-0}" -ge 4 ] && [ -z "$malos" ]; then
  bien "la tabla de pista_libcurso ($filas filas) sigue a libcurso: archivos, funciones y handles"
else
  mal "la tabla de pista_libcurso no sigue a libcurso (${filas:-0} filas)" "$malos"
fi

echo "resumen: $((pasan + fallan)) comprobaciones, $pasan pasan, $fallan fallan"
[ "$fallan" -eq 0 ]
