#!/usr/bin/env bash
# editor.sh — la configuración del editor (.vscode/) funciona de verdad:
#   · los JSON son válidos (sin los comentarios //, si los hubiera) y lo que nombran existe
#     (tareas previas, entradas ${input:…});
#   · cada tarea se ejecuta con sus variables sustituidas como lo haría VS Code (el ejemplo
#     abierto es EJEMPLO, por omisión lessons/08-clientes-http-json/mini_multi.c, que habla con
#     el servidor de práctica; el laboratorio,
#     el de la entrada por omisión) y termina con 0; las de fondo (servidor, vigilar) arrancan
#     y dan su primera señal de vida, y se paran;
#   · cada configuración de depuración arranca su programa en gdb en modo batch, contra el
#     servidor de práctica, y gdb lo ve terminar.
# La tarea «compile_commands.json» (make compile_commands.json) rehace todo el curso bajo bear
# (make -B programas: tanto como un make entero). Aquí se comprueba más barato, salvo con
# EDITOR_COMPLETO=1: que la tarea es «make compile_commands.json», que esa regla del Makefile
# llama a bear (se lee la receta: make -n ejecutaría igual la línea con $(MAKE)) y que bear
# funciona de verdad con nuestro make, sobre el ejemplo (recompilado bajo bear, su entrada
# en la base que escribe); build/compile_commands.json, si ya existe, se reutiliza y se valida.
# Necesita el curso construido (make) y gdb. Sale con 0 si todo está bien.
set -u
raiz=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$raiz" || exit 1
EJEMPLO=${EJEMPLO:-lessons/08-clientes-http-json/mini_multi.c}
mkdir -p build/plataformas
T=$(mktemp -d "${TMPDIR:-/tmp}/editor.XXXXXX")
mal=0
pgids=()
terminar() { local g; for g in "${pgids[@]}"; do kill -TERM -- "-$g" 2>/dev/null; done; rm -rf "$T"; }
trap terminar EXIT
trap 'exit 130' INT TERM
bien() { echo "✔ $*"; }
falla() { echo "✘ $*"; mal=$((mal + 1)); }

# 1. JSON válido; tareas y configuraciones a un archivo por línea, con las variables puestas.
python3 - "$raiz" "$EJEMPLO" "$T" <<'FIN' || { echo "✘ .vscode/: JSON inválido o incoherente"; exit 1; }
import json, os, re, sys
raiz, ejemplo, t = sys.argv[1:4]
def leer(nombre):
    texto = open(os.path.join(raiz, ".vscode", nombre), encoding="utf-8").read()
    texto = re.sub(r'^\s*//.*$', '', texto, flags=re.M)
    return json.loads(texto)
for f in sorted(os.listdir(os.path.join(raiz, ".vscode"))):
    leer(f)
    print("✔ .vscode/%s: JSON válido" % f)
tareas, lanz = leer("tasks.json"), leer("launch.json")
def entradas(doc):
    return {i["id"]: i for i in doc.get("inputs", [])}
def poner(s, ent, valores=None):
    d, base = os.path.split(ejemplo)
    v = {"workspaceFolder": raiz, "relativeFileDirname": d, "fileBasenameNoExtension":
         os.path.splitext(base)[0], "file": os.path.join(raiz, ejemplo),
         "fileDirname": os.path.join(raiz, d)}
    def sub(m):
        n = m.group(1)
        if n.startswith("input:"):
            i = ent[n[6:]]  # KeyError: una entrada que no existe
            return (valores or {}).get(n[6:], i.get("default", ""))
        if n not in v:
            raise SystemExit("variable desconocida ${%s}" % n)
        return v[n]
    return re.sub(r"\$\{([^}]+)\}", sub, s)
et, el = entradas(tareas), entradas(lanz)
nombres = {x["label"] for x in tareas["tasks"]}
with open(os.path.join(t, "tareas.tsv"), "w") as out:
    for x in tareas["tasks"]:
        for d in x.get("dependsOn", []):
            assert d in nombres, "dependsOn desconocido: " + d
        if "command" in x:
            out.write("%s\t%s\t%s\n" % (x["label"], "fondo" if x.get("isBackground") else "primer",
                                         poner(x["command"], et)))
with open(os.path.join(t, "lanzar.tsv"), "w") as out:
    for c in lanz["configurations"]:
        assert c.get("preLaunchTask") in nombres, "preLaunchTask desconocida"
        assert c.get("MIMode") == "gdb"
        opciones = [None]
        for m in re.findall(r"\$\{input:([^}]+)\}", c["program"]):
            opciones = [{m: o} for o in el[m]["options"]]
        for o in opciones:
            env = " ".join("%s=%s" % (e["name"], e["value"]) for e in c.get("environment", []))
            out.write("%s\t%s\t%s\t%s\n" % (c["name"], poner(c["program"], el, o),
                                             poner(c.get("cwd", raiz), el, o), env))
FIN

# 2. Las tareas. Las de fondo se lanzan en su propio grupo de procesos y se paran al final.
fondo() {  # fondo NOMBRE ORDEN SEÑAL: arranca y espera (60 s) a ver SEÑAL en su salida
  local log="$T/fondo-$RANDOM.log"
  setsid bash -c "$2" >"$log" 2>&1 </dev/null &
  pgids+=($!)
  for _ in $(seq 1 600); do
    grep -q "$3" "$log" && { bien "tarea «$1»: arrancó ($3)"; return 0; }
    sleep 0.1
  done
  falla "tarea «$1»: no dio «$3» en 60 s"; tail -n 15 "$log" | sed 's/^/    /'
}
# compile_commands_barato NOMBRE ORDEN: la tarea de bear sin rehacer el curso (ver arriba).
compile_commands_barato() {
  local inicio=$(date +%s) obj="build/${EJEMPLO%.c}"
  if [ "$2" != "make compile_commands.json" ] ||
    ! awk '/^compile_commands.json:/{r=1;next} r&&/^\t/{print;next} {r=0}' Makefile |
    grep -q 'bear --output build/compile_commands.json -- \$(MAKE)'; then
    falla "tarea «$1»: no es make compile_commands.json o esa regla no llama a bear"; return
  fi
  touch "$EJEMPLO"
  if ! bear --output "$T/cc.json" -- make --no-print-directory "$obj" >"$T/bear.log" 2>&1; then
    falla "tarea «$1»: bear no construye $obj"; tail -n 15 "$T/bear.log" | sed 's/^/    /'; return
  fi
  if python3 - "$T/cc.json" "$raiz/$EJEMPLO" build/compile_commands.json <<'FIN'; then
import json, os, sys
ej = os.path.realpath(sys.argv[2])
def tiene(ruta):
    return any(os.path.realpath(os.path.join(e.get("directory", ""), e["file"])) == ej
               for e in json.load(open(ruta)))
assert tiene(sys.argv[1]), "bear no anotó el ejemplo"
if os.path.exists(sys.argv[3]):
    assert tiene(sys.argv[3]), sys.argv[3] + " sin el ejemplo"
FIN
    bien "tarea «$1»: la regla llama a bear; bear anota el ejemplo ($(($(date +%s) - inicio)) s; sin rehacer el curso: EDITOR_COMPLETO=1 lo rehace)"
  else
    falla "tarea «$1»: la base de compilación no tiene el ejemplo"
  fi
}
while IFS=$'\t' read -r nombre tipo orden; do
  case "$tipo" in
    fondo)
      case "$orden" in
        *servidor*) fondo "$nombre" "$orden" "escuchando en http://" ;;
        *vigilar*) fondo "$nombre" "$orden" "↑ empieza por aquí" ;;
        *) falla "tarea de fondo «$nombre» sin comprobación conocida" ;;
      esac
      ;;
    *)
      inicio=$(date +%s)
      if [[ "$orden" == *compile_commands.json* ]] && [ "${EDITOR_COMPLETO:-0}" != 1 ]; then
        compile_commands_barato "$nombre" "$orden"
        continue
      fi
      if timeout 900 bash -c "$orden" >"$T/tarea.log" 2>&1 </dev/null; then
        bien "tarea «$nombre» ($(($(date +%s) - inicio)) s)"
      else
        falla "tarea «$nombre» salió mal: $orden"; tail -n 15 "$T/tarea.log" | sed 's/^/    /'
      fi
      ;;
  esac
done <"$T/tareas.tsv"
if [ "${EDITOR_COMPLETO:-0}" = 1 ]; then
  [ -s build/compile_commands.json ] && bien "build/compile_commands.json existe (lo lee el editor)" ||
    falla "no hay build/compile_commands.json"
fi

# 3. Cada configuración de depuración, en gdb por lotes, contra el servidor de la tarea. Un
# programa que no termina solo (un servidor, como el chat del 09) recibe SIGTERM a los 5 s,
# que gdb le pasa sin pararse: debe terminar igual, por su cuenta.
while IFS=$'\t' read -r nombre programa carpeta entorno; do
  if [ ! -x "$programa" ]; then falla "«$nombre»: no existe $programa"; continue; fi
  (cd "$carpeta" && exec env $entorno gdb -nx -batch -ex 'set pagination off' \
    -ex 'handle SIGPIPE nostop noprint pass' -ex 'handle SIGTERM nostop noprint pass' \
    -ex run -ex bt --args "$programa" >"$T/gdb.log" 2>&1 </dev/null) &
  gdbpid=$!
  for i in $(seq 1 1200); do
    kill -0 "$gdbpid" 2>/dev/null || break
    if [ "$i" -eq 50 ]; then
      for inferior in $(pgrep -P "$gdbpid"); do kill -TERM "$inferior" 2>/dev/null; done
    fi
    sleep 0.1
  done
  kill -KILL "$gdbpid" 2>/dev/null
  wait "$gdbpid" 2>/dev/null
  salida=$(cat "$T/gdb.log")
  if grep -Eq '\[Inferior 1 \(process [0-9]+\) exited (normally|with code [0-9]+)\]' <<<"$salida"; then
    bien "«$nombre»: gdb arranca ${programa#"$raiz"/} y lo ve terminar ($(grep -Eo 'exited[^]]*' <<<"$salida"))"
  else
    falla "«$nombre»: gdb no vio terminar ${programa#"$raiz"/}"; tail -n 10 <<<"$salida" | sed 's/^/    /'
  fi
done <"$T/lanzar.tsv"
echo "resumen: editor, $mal fallos"
[ $mal -eq 0 ]
