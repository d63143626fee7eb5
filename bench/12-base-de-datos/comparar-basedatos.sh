#!/usr/bin/env bash
# comparar-basedatos.sh — N inserciones en PostgreSQL, en la misma ejecución y contra el mismo
# servidor de usar y tirar (common/herramientas/postgres.sh, que lo para y lo borra siempre):
#
#   1. el pool del laboratorio 12 (solución en C sobre libuv y curso/bd.h), con -p TAMAÑO;
#   2. un pool de asyncpg de TAMAÑO conexiones (pool_asyncpg.py, /usr/bin/python3);
#   3. el bucle secuencial de libpq de toda la vida (carga_bd secuencial);
#   4. aparte: el modo pipeline de libpq por una sola conexión (carga_bd pipeline).
#
# Uso: comparar-basedatos.sh DIR_BUILD [N=10000] [TAMAÑO=10] [durable|rapido] [REPETICIONES=3]
#        [IDA_VUELTA_MS=1]
#
# Cada contrincante corre dos veces: directo por el socket de Unix (la ida y vuelta cuesta
# microsegundos: lo que se mide es CPU) y a través del relé retardo, que añade IDA_VUELTA_MS
# de red (la de un servidor en otra máquina: lo que un pool esconde).
#
# «durable» arranca el servidor con fsync=on y synchronous_commit=on: cada inserción es una
# transacción que espera a que su commit llegue al disco, el caso real en el que un pool
# compensa (los commits de varias conexiones se escriben juntos). «rapido» (el de `make bd` y
# del calificador: sin fsync) es para la versión diminuta de `make test`.
# Todos miden lo mismo: desde antes de abrir la primera conexión hasta la última respuesta.
# Cada contrincante debe dejar exactamente sus N filas (si no, sale con 1). Las razones se
# informan, no se exigen: dependen de la máquina.
set -u
aqui=$(cd "$(dirname "$0")" && pwd)
raiz=$(cd "$aqui/../.." && pwd)

if [ "${1:-}" = --dentro ]; then
  shift
  dir=$1; n=$2; tam=$3; modo=$4; rep=$5; ida_vuelta=$6
  psql=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n1)
  filas() { "$psql" "$BD_SOCKET" -Atqc 'SELECT count(*), count(DISTINCT id) FROM usuarios'; }
  fallo=0
  campo() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | tail -n1; }
  mediana() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
  source "$raiz/bench/comun.sh"
  por_s() { awk -v n="$n" -v ms="$1" 'BEGIN{ if (ms>0) printf "%.0f", n*1000/ms; else print "-" }'; }

  # ronda CONEXION ETIQUETA: los cuatro contrincantes REP veces contra CONEXION; deja las
  # medianas en ms_c, ms_c_sec, ms_py, ms_sec y ms_pip e imprime su tabla.
  ronda() {
    local s=$1 etiqueta=$2 salida
    local v_c=() v_csec=() v_py=() v_sec=() v_pip=()
    for _ in $(seq "$rep"); do
      # solución del laboratorio (hace también su fase secuencial y sus consultas: se usa su
      # línea CONCURRENTE, que mide lo mismo que los demás)
      salida=$("$dir/soluciones/12-base-de-datos/basedatos" -n "$n" -p "$tam" "$s") ||
        { echo "la solución falló: $salida" >&2; fallo=1; }
      ms_c=$(echo "$salida" | sed -n 's/^CONCURRENTE [0-9]* inserciones en \([0-9]*\) ms$/\1/p')
      ms_c_sec=$(echo "$salida" | sed -n 's/^SECUENCIAL [0-9]* inserciones en \([0-9]*\) ms$/\1/p')
      [ "$(filas)" = "$((2 * n))|$((2 * n))" ] || { echo "la solución no dejó sus $((2 * n)) filas" >&2; fallo=1; }
      salida=$(/usr/bin/python3 "$aqui/pool_asyncpg.py" "$n" "$tam" "$s") ||
        { echo "asyncpg falló: $salida" >&2; fallo=1; }
      ms_py=$(campo ms "$salida")
      [ "$(filas)" = "$n|$n" ] || { echo "asyncpg no dejó sus $n filas" >&2; fallo=1; }
      salida=$("$dir/bench/carga_bd" secuencial "$n" "$s") || { echo "secuencial falló" >&2; fallo=1; }
      ms_sec=$(campo ms "$salida")
      [ "$(filas)" = "$n|$n" ] || { echo "el bucle secuencial no dejó sus $n filas" >&2; fallo=1; }
      salida=$("$dir/bench/carga_bd" pipeline "$n" "$s") || { echo "pipeline falló" >&2; fallo=1; }
      ms_pip=$(campo ms "$salida")
      [ "$(filas)" = "$n|$n" ] || { echo "el pipeline no dejó sus $n filas" >&2; fallo=1; }
      v_c+=("${ms_c:-0}"); v_csec+=("${ms_c_sec:-0}"); v_py+=("${ms_py:-0}"); v_sec+=("${ms_sec:-0}")
      v_pip+=("${ms_pip:-0}")
    done
    ms_c=$(mediana "${v_c[@]}"); ms_c_sec=$(mediana "${v_csec[@]}"); ms_py=$(mediana "${v_py[@]}")
    ms_sec=$(mediana "${v_sec[@]}"); ms_pip=$(mediana "${v_pip[@]}")
    echo "── $etiqueta"
    printf '  %-44s %9s %10s\n' "contrincante" "tiempo" "filas/s"
    printf '  %-44s %6s ms %10s\n' \
      "curso: pool en C (libuv + curso/bd.h)" "${ms_c:-?}" "$(por_s "${ms_c:-0}")" \
      "asyncpg: create_pool(max_size=$tam)" "${ms_py:-?}" "$(por_s "${ms_py:-0}")" \
      "libpq secuencial (PQexecParams en bucle)" "${ms_sec:-?}" "$(por_s "${ms_sec:-0}")"
    echo "  asyncpg / curso: $(cociente "${ms_py:-0}" "${ms_c:-0}")×  (objetivo ≥ 1: el curso no más lento)"
    echo "  secuencial / curso: $(cociente "${ms_sec:-0}" "${ms_c:-0}")×"
    echo "  (la fase secuencial de la propia solución, por curso/bd.h: ${ms_c_sec:-?} ms)"
    printf '  %-44s %6s ms %10s\n' "aparte: pipeline de libpq (1 conexión)" "${ms_pip:-?}" \
      "$(por_s "${ms_pip:-0}")"
    echo "  secuencial / pipeline: $(cociente "${ms_sec:-0}" "${ms_pip:-0}")×"
  }

  echo "Base de datos: $n inserciones (una transacción cada una), pool de $tam; servidor $modo;" \
    "mediana de $rep"
  ronda "$BD_SOCKET" "directo (socket de Unix: la ida y vuelta cuesta microsegundos)"
  sec_0=$ms_sec curso_0=$ms_c

  # La misma ronda con una red de verdad en medio: el relé retardo (common/herramientas/
  # retardo) entre los programas y el socket del servidor, con ida_vuelta/2 ms en cada sentido.
  loc=$(echo "$BD_SOCKET" | tr ' ' '\n' | sed -n 's/^host=//p')
  puerto=$(echo "$BD_SOCKET" | tr ' ' '\n' | sed -n 's/^port=//p')
  resto=$(echo "$BD_SOCKET" | tr ' ' '\n' | grep -v -E '^(host|port)=' | tr '\n' ' ')
  retardo_ms=$(awk -v r="$ida_vuelta" 'BEGIN{printf "%g", r / 2}')
  "$dir/bin/retardo" --destino "unix:$loc/.s.PGSQL.$puerto" --retardo-ms "$retardo_ms" \
    >"$TMP_BENCH/retardo.txt" 2>&1 &
  rele=$!
  for _ in $(seq 100); do grep -q '^ESCUCHA ' "$TMP_BENCH/retardo.txt" && break; sleep 0.05; done
  p_rele=$(sed -n 's/^ESCUCHA //p' "$TMP_BENCH/retardo.txt")
  if [ -z "$p_rele" ]; then
    echo "✘ el relé no arrancó: $(cat "$TMP_BENCH/retardo.txt")"; kill "$rele" 2>/dev/null; exit 1
  fi
  ronda "host=127.0.0.1 port=$p_rele $resto" "con $ida_vuelta ms de ida y vuelta (relé retardo, $retardo_ms ms en cada sentido)"
  kill -INT "$rele" 2>/dev/null; wait "$rele" || { echo "✘ el relé no paró limpio"; fallo=1; }
  # Lo que el relé añadió de verdad a cada consulta (el bucle secuencial hace una por fila).
  echo "  ida y vuelta añadida, medida: $(awk -v a="$ms_sec" -v b="$sec_0" -v n="$n" 'BEGIN{printf "%.2f", (a-b)/n}') ms por consulta"
  echo "── lo que muestra: con la red en medio, el pool espera $tam idas y vueltas a la vez y el bucle una a una"
  echo "  secuencial / curso, directo: $(cociente "$sec_0" "$curso_0")×;" \
    "con $ida_vuelta ms: $(cociente "${ms_sec:-0}" "${ms_c:-0}")×  (objetivo ≥ 5× con $ida_vuelta ms)"
  if [ "$fallo" != 0 ]; then echo "✘ la comparación tuvo errores (ver arriba)"; exit 1; fi
  exit 0
fi

dir=$(cd "${1:?uso: comparar-basedatos.sh DIR_BUILD [N] [TAMAÑO] [durable|rapido] [REP] [IDA_VUELTA_MS]}" && pwd)
n=${2:-10000}; tam=${3:-10}; modo=${4:-durable}; rep=${5:-3}; ida_vuelta=${6:-1}
case "$modo" in
  durable) opciones="-c fsync=on -c synchronous_commit=on -c full_page_writes=on" ;;
  rapido) opciones="" ;;
  *) echo "modo desconocido: $modo (durable o rapido)" >&2; exit 2 ;;
esac
mkdir -p "${TMPDIR:-/tmp}"
POSTGRES_OPCIONES="$opciones" exec bash "$raiz/common/herramientas/postgres.sh" ejecutar \
  "$(mktemp -u "${TMPDIR:-/tmp}/bench-bd.XXXXXX")" bash "$0" --dentro "$dir" "$n" "$tam" "$modo" "$rep" "$ida_vuelta"
