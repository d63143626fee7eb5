#!/usr/bin/env bash
# prueba-registro.sh — el lector del registro del servidor de práctica (registro.c), con un
# registro escrito a mano: qué peticiones elige, en qué orden, qué conexión da a cada una y qué
# hace con la línea a medio escribir. Cada caso exige la salida exacta.
#
#   bash lessons/verificar/prueba-registro.sh [BUILD]     (lo lanza `make prueba-registro`)
set -u
B=${1:-build}
raiz=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$raiz" || exit 2
registro="$B/lessons/verificar/registro"
[ -x "$registro" ] || { echo "prueba-registro: falta $registro (make prueba-registro lo construye)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prueba-registro.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# Como lo escribe el servidor (una línea compacta por respuesta, al terminarla): la primera no
# es de las pedidas, la 2.ª y la 3.ª llegaron al revés, la 3.ª y la 4.ª comparten conexión y
# empiezan a la vez, la ruta de la 5.ª lleva comillas, y la última está a medio escribir. Entre
# medias: una con el texto fuera de la ruta (en «rango»), JSON que no es un objeto, y una
# petición sin campos numéricos (cuenta como inicio 0 y estado 0, puerto 0).
cat >"$tmp/registro.jsonl" <<'FIN'
{"inicio_ms":1000,"fin_ms":1200,"metodo":"GET","ruta":"/otra","estado":200,"bytes":3,"puerto_cliente":5000}
{"inicio_ms":1450,"fin_ms":1460,"metodo":"GET","ruta":"/otra","estado":206,"bytes":3,"puerto_cliente":5009,"rango":"/delay"}
["/delay/9"]
{"inicio_ms":1500,"fin_ms":1600,"metodo":"GET","ruta":"/delay/1?x=2","estado":200,"bytes":3,"puerto_cliente":5001}
{"inicio_ms":1400,"fin_ms":1700,"metodo":"POST","ruta":"/delay/2","estado":503,"bytes":3,"puerto_cliente":5002}
{"inicio_ms":1500,"fin_ms":1800,"metodo":"GET","ruta":"/delay/3","estado":200,"bytes":3,"puerto_cliente":5001}
{"inicio_ms":2500,"fin_ms":2800,"metodo":"GET","ruta":"/delay/\"4\"","estado":404,"bytes":3,"puerto_cliente":5003,"abortada":true}
{"inicio_ms":2600,"fin_ms":2
FIN
printf '%s\n' '{"metodo":"GET","ruta":"/sin-campos"}' >"$tmp/sin-campos.jsonl"
desde2=$(head -n 4 "$tmp/registro.jsonl" | wc -c)

OK=0
MAL=0
caso() { # NOMBRE ESTADO ESPERADO ARGS...   (con estado 0, stderr debe quedar vacío)
  local nombre=$1 estado=$2 esperado=$3 obtenido r err
  shift 3
  obtenido=$("$registro" "$@" 2>"$tmp/err")
  r=$?
  err=$(cat "$tmp/err")
  [ "$estado" != 0 ] && err=""
  if [ "$r" = "$estado" ] && [ "$obtenido" = "$esperado" ] && [ -z "$err" ]; then
    OK=$((OK + 1))
    printf '  ✔ %s\n' "$nombre"
  else
    MAL=$((MAL + 1))
    printf '  ✘ %s: se esperaba estado %s y\n%s\n    salió %s con\n%s\n%s' "$nombre" "$estado" \
      "$esperado" "$r" "$obtenido" "${err:+    stderr: $err
}"
  fi
}

echo "══ registro"
caso "por llegada, conexiones por puerto, comillas, sin la línea a medias" 0 \
  'servidor: 0.00 s POST /delay/2 → 503 (conexión 1)
servidor: 0.10 s GET /delay/1?x=2 → 200 (conexión 2)
servidor: 0.10 s GET /delay/3 → 200 (conexión 2)
servidor: 1.10 s GET /delay/"4" → 404 (conexión 3)' "$tmp/registro.jsonl" 0 /delay
caso "desde un byte: lo anterior no cuenta" 0 \
  'servidor: 0.00 s POST /delay/2 → 503 (conexión 1)
servidor: 0.10 s GET /delay/3 → 200 (conexión 2)
servidor: 1.10 s GET /delay/"4" → 404 (conexión 3)' "$tmp/registro.jsonl" "$desde2" /delay
caso "el texto se busca en cualquier parte de la ruta" 0 \
  'servidor: 0.00 s GET /delay/1?x=2 → 200 (conexión 1)' "$tmp/registro.jsonl" 0 'x=2'
caso "ninguna pedida: nada" 0 '' "$tmp/registro.jsonl" 0 /nunca
caso "desde más allá del final: nada" 0 '' "$tmp/registro.jsonl" 999999 /delay
caso "sin campos numéricos: ceros" 0 'servidor: 0.00 s GET /sin-campos → 0 (conexión 1)' \
  "$tmp/sin-campos.jsonl" 0 /sin
caso "el archivo no existe" 1 '' "$tmp/no-existe.jsonl" 0 /delay
caso "mal llamado" 2 '' "$tmp/registro.jsonl" menos /delay

echo "prueba-registro: $OK pasan, $MAL fallan"
[ "$MAL" -eq 0 ]
