# comun.sh — funciones que comparten prueba-labs.sh y prueba-autograder.sh (se carga con
# «source»). Necesita: RAIZ, B (carpeta de construcción, absoluta), CC, CALIF_CFLAGS y
# CALIF_LIBS (los pone autograder.mk).

CALIFICAR="$B/bin/calificar"
SALIDAS="$B/pruebas-calificador"
pasan=0
fallan=0
saltadas=0
fallidas=()

bien() { pasan=$((pasan + 1)); printf '  ✔ %s\n' "$*"; }
# salta MOTIVO: lo que aquí no se puede comprobar (p. ej. una solución aún sin publicar en la
# edición del estudiante). Se cuenta aparte y se ve en el resumen: nunca pasa por aprobada.
salta() { saltadas=$((saltadas + 1)); printf '  – saltada: %s\n' "$*"; }
mal() { fallan=$((fallan + 1)); fallidas+=("$1"); printf '  ✘ %s\n' "$*"; }

# calificar_en NOMBRE [argumentos del ejecutor…]: califica con la salida en
# $SALIDAS/NOMBRE; deja el texto en $SALIDAS/NOMBRE.txt, el código en $rc, los segundos de
# reloj en $segundos y los segundos con CPU en $segundos_cpu. Con todo el detalle en la terminal (--detalle), que es lo que miran las
# pruebas; RESUMIDO=1 deja el informe resumido que ve el estudiante.
calificar_en() {
  local nombre=$1
  shift
  mkdir -p "$SALIDAS"
  local inicio fin muestreo carga="$SALIDAS/$nombre.carga"
  inicio=$(date +%s.%N)
  # Las tareas listas para correr, cada 0.2 s mientras califica (mientras viva este guion):
  # para segundos_cpu, el mismo reloj de los topes que el ejecutor (base/reloj.c). Al matarlo
  # se lleva su sleep: suelto, con la marca de la prueba en su entorno, «supervivientes» lo
  # contaba como un proceso de la entrega (medios_08_contexto y bd_colgado, sesión 45).
  (trap 'kill $! 2>/dev/null; exit 0' TERM
  while kill -0 $$ 2>/dev/null; do
    cut -d' ' -f4 /proc/loadavg
    sleep 0.2 &
    wait $!
  done) >"$carga" 2>/dev/null &
  muestreo=$!
  "$CALIFICAR" --raiz "$RAIZ" --construccion "$B" --cc "$CC" --cflags "$CALIF_CFLAGS" \
    --libs "$CALIF_LIBS" --salida "$SALIDAS/$nombre" \
    $([ -z "${RESUMIDO:-}" ] && echo --detalle) "$@" >"$SALIDAS/$nombre.txt" 2>&1
  rc=$?
  kill "$muestreo" 2>/dev/null
  wait "$muestreo" 2>/dev/null
  fin=$(date +%s.%N)
  segundos=$(awk -v a="$inicio" -v b="$fin" 'BEGIN{printf "%.1f", b-a}')
  # segundos_cpu: los segundos de reloj por la parte media de la máquina que le tocó (con más
  # tareas listas que núcleos, núcleos/listas), como los topes del ejecutor.
  segundos_cpu=$(awk -F/ -v n="$(getconf _NPROCESSORS_ONLN)" -v s="$segundos" '
    $1 > 0 { f += ($1 > n ? n / $1 : 1); k++ }
    END { printf "%.1f", k ? s * f / k : s }' "$carga")
}

# mostrar NOMBRE: las líneas con ✘ del informe de esa calificación, para ver por qué falló.
mostrar() {
  grep -E '✘|Obtenido|ERROR' "$SALIDAS/$1.txt" | head -n 20 | sed 's/^/      /'
}

# nota NOMBRE: «puntos máximo» de results.json (o «- -» si no existe o no es JSON).
nota() {
  python3 - "$SALIDAS/$1/results.json" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    print(d["score"], d["extra_data"]["max_score"])
except Exception:
    print("- -")
PY
}

# fallidas_de NOMBRE: ids de las verificaciones que no pasaron (una por línea).
fallidas_de() {
  python3 - "$SALIDAS/$1/results.json" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(0)
for t in d["tests"]:
    if t["status"] != "passed":
        print(t["name"].split(" · ", 1)[1] if " · " in t["name"] else t["name"])
PY
}

# id_fallidas NOMBRE LAB: ids de las verificaciones fallidas. El nombre que da el informe se
# traduce a su id con los datos del manifiesto, que solo lee el ejecutor (calificar --lista).
id_fallidas() {
  fallidas_de "$1" | awk -F'\t' 'NR == FNR { id[$5] = $3; next } { print(($0 in id) ? id[$0] : $0) }' \
    <("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$2" | awk -F'\t' '$2 == "verificacion"') -
}

# informe_valido NOMBRE: results.json con la forma de Gradescope y junit.xml bien formado,
# toda verificación fallida con un «Obtenido» no vacío, y ni en ellos ni en informe.txt un
# carácter que cambie cómo se ve lo demás en una terminal: controles (salvo \n y \t), C1,
# de formato (los de dirección, los invisibles), separadores de línea o párrafo, de uso privado
# (categorías Cc, Cf, Zl, Zp, Co, Cs de Unicode: texto_sanear solo deja pasar una lista de
# permitidos). El programa escribe lo que quiera en su salida, y parte acaba en el informe.
informe_valido() {
  python3 - "$SALIDAS/$1/results.json" "$SALIDAS/$1/junit.xml" "$SALIDAS/$1/informe.txt" <<'PY'
import json, sys, unicodedata
import xml.dom.minidom
def limpio(ruta, texto):
    for i, c in enumerate(texto):
        if c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs"):
            raise SystemExit("%s: U+%04X (%s) en la posición %d" % (ruta, ord(c), unicodedata.category(c), i))
def cadenas(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for k, w in v.items():
            yield k
            yield from cadenas(w)
    elif isinstance(v, list):
        for w in v:
            yield from cadenas(w)
for ruta in sys.argv[1:]:
    limpio(ruta, open(ruta, encoding="utf-8", errors="strict").read())
d = json.load(open(sys.argv[1]))
for cadena in cadenas(d):  # también lo escrito con \uXXXX
    limpio(sys.argv[1], cadena)
assert isinstance(d["score"], int) and isinstance(d["execution_time"], float)
assert d["tests"], "sin tests"
for t in d["tests"]:
    for k in ("name", "score", "max_score", "output", "visibility"):
        assert k in t, k
    if t["status"] != "passed":
        obt = t["output"].split("Obtenido: ", 1)[1].split("\n")[0] if "Obtenido: " in t["output"] else ""
        assert obt.strip(), "sin «Obtenido» en " + t["name"]
xml.dom.minidom.parse(sys.argv[2])
PY
}

resumen_final() {
  [ "$fallan" -gt 0 ] && echo "Fallan: ${fallidas[*]}"
  echo "resumen: $((pasan + fallan)) comprobaciones, $pasan pasan, $fallan fallan$([ "$saltadas" -gt 0 ] && echo ", $saltadas saltadas")"
  [ "$fallan" -eq 0 ]
}
