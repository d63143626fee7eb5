#!/usr/bin/env bash
# prueba-plataformas.sh — make prueba-plataformas: cada fila de la tabla de plataformas del
# README, probada donde dice, y una tabla con el resultado, el tiempo y el presupuesto de
# cada una. Los registros quedan en build/plataformas/<fila>.log. Sale con 1 si falla alguna.
#
#   prueba-plataformas.sh [FILA…]   por omisión todas: compiladores editor sin-ptrace cerrada
#                                   contenedor debian13 gradescope vpl classroom devcontainer
#                                   deps-debian12 deps-debian13
#
# Las filas van en tres carriles a la vez, cada uno con sus filas en orden:
#   · anfitrión: compiladores, sin-ptrace, cerrada, editor, devcontainer (compilan aquí, o
#     construyen sobre la imagen de Debian 12 que hace el carril de bookworm), vpl (el
#     servidor de jaulas de Moodle VPL, desde la raíz mínima de Debian 12: en este carril,
#     el más corto), classroom (GitHub Classroom: el flujo de trabajo de la plantilla, paso a
#     paso en contenedores de Debian 12; usa la imagen con el perfil grade del carril de
#     bookworm);
#   · trixie:    debian13 (mmdebstrap de trixie, su imagen, y todo el curso dentro), después
#                deps-debian13 (cada perfil de dependencias.sh instalado en la raíz mínima);
#   · bookworm:  gradescope, contenedor (mmdebstrap de bookworm y la imagen con el perfil
#                grade, de la que salen Gradescope y el contenedor de desarrollo), después
#                deps-debian12 (lo mismo que deps-debian13, en bookworm).
# Los carriles se reparten lo que no es CPU (descargas, mmdebstrap, apt, esperas de los
# calificadores); cada imagen se hace una vez, bajo su cerrojo (imagen.sh). Cada fila tiene un
# presupuesto de tiempo (PRESUPUESTO_<fila> en segundos): si lo pasa, se corta y falla.
# Medido en CI (máquina limpia de 2 núcleos, sin raíces ni imágenes): 581 s en total; el
# presupuesto del conjunto era 2400 s (ver .ci/run). Las filas deps-debian12 y deps-debian13
# (cada perfil instalado desde nada, unos 900 paquetes el de test), las dos a la vez en una
# máquina de 2 núcleos con los .deb ya descargados: 319 y 311 s con carga 7 (el perfil test,
# unos 160 s), 1939 y 1929 s con carga 30–40 (el perfil test, unos 1100 s). Sus presupuestos
# cubren el segundo caso; el del conjunto pasa a 4800 s.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
source "$dir/comun.sh"
cd "$RAIZ_CURSO" || exit 1
[ "$(id -u)" -eq 0 ] || { echo "make prueba-plataformas: hay que ser root (podman, mmdebstrap, /root)"; exit 1; }
todas=(compiladores editor sin-ptrace cerrada contenedor debian13 gradescope vpl classroom devcontainer deps-debian12 deps-debian13)
filas=("$@")
[ ${#filas[@]} -gt 0 ] || filas=("${todas[@]}")
for f in "${filas[@]}"; do
  [ -f "$dir/$f.sh" ] && [ "$f" != comun ] && [ "$f" != imagen ] || { echo "fila desconocida: $f"; exit 2; }
done
declare -A que=(
  [compiladores]="gcc y clang, -O0 y -O2, con -Werror"
  [editor]=".vscode: JSON, tareas y gdb"
  [sin-ptrace]="root sin CAP_SYS_PTRACE (lab 08 y 11)"
  [cerrada]="el curso en una carpeta 0700, como root"
  [contenedor]="contenedor Debian 12, capacidades por omisión"
  [debian13]="Debian 13 (trixie), raíz de mmdebstrap"
  [gradescope]="Gradescope: setup.sh y run_autograder"
  [vpl]="Moodle VPL: jaula sin root ni red"
  [classroom]="GitHub Classroom: el flujo, paso a paso"
  [devcontainer]="contenedor de desarrollo (macOS/Windows)"
  [deps-debian12]="make deps-PERFIL en Debian 12 desnudo"
  [deps-debian13]="make deps-PERFIL en Debian 13 desnudo"
)
# Presupuestos (s), medidos con la máquina cargada y con margen; cuentan también lo que la
# fila espera a una imagen que hace otro carril.
declare -A presupuesto=(
  [compiladores]=1500 [sin-ptrace]=300 [cerrada]=600 [editor]=600 [devcontainer]=1200
  [debian13]=2100 [gradescope]=1800 [vpl]=1800 [classroom]=2400 [contenedor]=900 [deps-debian12]=3000 [deps-debian13]=3000
)
carriles=(
  "compiladores sin-ptrace cerrada editor devcontainer vpl classroom"
  "debian13 deps-debian13"
  "gradescope contenedor deps-debian12"
)
elegida() { local f; for f in "${filas[@]}"; do [ "$f" = "$1" ] && return 0; done; return 1; }

# fila F: la ejecuta con su presupuesto; deja «estado segundos» en $PLAT_DIR/F.estado.
fila() {
  local f=$1 p inicio rc s
  p=$(eval "echo \${PRESUPUESTO_${f//-/_}:-${presupuesto[$f]}}")
  echo "━━ $(date +%T) empieza $f: ${que[$f]} (presupuesto $p s)"
  inicio=$(date +%s)
  PLAT_ETIQUETA="$f-$$" timeout -k 30 "$p" bash "$dir/$f.sh" >"$PLAT_DIR/$f.log" 2>&1 </dev/null
  rc=$?
  # Lo que la fila dejó en marcha si se cortó: sus contenedores, por su etiqueta.
  pod ps -aq --filter "label=curso-plataformas=$f-$$" | xargs -r podman --runtime runc \
    --cgroup-manager=cgroupfs rm -f >/dev/null 2>&1
  s=$(($(date +%s) - inicio))
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && echo "✘ $f: pasó de su presupuesto de $p s y se cortó" >>"$PLAT_DIR/$f.log"
  echo "$([ $rc -eq 0 ] && echo ok || echo FALLA) $s $p" >"$PLAT_DIR/$f.estado"
  echo "━━ $(date +%T) termina $f: $([ $rc -eq 0 ] && echo ok || echo FALLA) en $s s"
}

inicio_total=$(date +%s)
rm -f "$PLAT_DIR"/*.estado
for c in "${carriles[@]}"; do
  (for f in $c; do elegida "$f" && fila "$f"; done) &
done
wait
total=$(($(date +%s) - inicio_total))

fallan=0
resumen=()
for f in "${filas[@]}"; do
  echo
  echo "━━━━ $f: ${que[$f]}"
  cat "$PLAT_DIR/$f.log"
  read -r estado s p <"$PLAT_DIR/$f.estado" 2>/dev/null || { estado=FALLA s=0 p=0; }
  [ "$estado" = ok ] || fallan=$((fallan + 1))
  resumen+=("$(printf '%-13s %-46s %-6s %5d s (presupuesto %d s)' "$f" "${que[$f]}" "$estado" "$s" "$p")")
done
echo
echo "Plataformas:"
printf '  %s\n' "${resumen[@]}"
echo "resumen: ${#filas[@]} filas, $fallan con fallos, $total s en total (presupuesto 4800 s)"
[ $fallan -eq 0 ]
