#!/usr/bin/env bash
# prueba-plataformas.sh — make prueba-plataformas: cada fila de la tabla de plataformas del
# README, probada donde dice, y una tabla con el resultado y el tiempo de cada una. Los
# registros quedan en build/plataformas/<fila>.log. Sale con 1 si falla alguna fila.
#
#   prueba-plataformas.sh [FILA…]   por omisión todas: compiladores editor cerrada
#                                   contenedor debian13 gradescope devcontainer
set -u
dir=$(cd "$(dirname "$0")" && pwd)
source "$dir/comun.sh"
cd "$RAIZ_CURSO" || exit 1
[ "$(id -u)" -eq 0 ] || { echo "make prueba-plataformas: hay que ser root (podman, debootstrap, /root)"; exit 1; }
filas=("$@")
[ ${#filas[@]} -gt 0 ] || filas=(compiladores editor sin-ptrace cerrada contenedor debian13 gradescope devcontainer)
declare -A que=(
  [compiladores]="gcc y clang, -O0 y -O2, con -Werror"
  [editor]=".vscode: JSON, tareas y gdb"
  [sin-ptrace]="root sin CAP_SYS_PTRACE (lab 08 y 11)"
  [cerrada]="el curso en una carpeta 0700, como root"
  [contenedor]="contenedor Debian 12, capacidades por omisión"
  [debian13]="Debian 13 (trixie), raíz de debootstrap"
  [gradescope]="Gradescope: setup.sh y run_autograder"
  [devcontainer]="contenedor de desarrollo (macOS/Windows)"
)
resumen=()
fallan=0
inicio_total=$(date +%s)
for f in "${filas[@]}"; do
  [ -f "$dir/$f.sh" ] || { echo "fila desconocida: $f"; exit 2; }
  echo "━━ $f: ${que[$f]:-}"
  inicio=$(date +%s)
  if bash "$dir/$f.sh" 2>&1 | tee "$PLAT_DIR/$f.log"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
    estado=ok
  else
    estado=FALLA; fallan=$((fallan + 1))
  fi
  s=$(($(date +%s) - inicio))
  resumen+=("$(printf '%-13s %-46s %-6s %5d s' "$f" "${que[$f]:-}" "$estado" "$s")")
done
echo
echo "Plataformas:"
printf '  %s\n' "${resumen[@]}"
echo "resumen: ${#filas[@]} filas, $fallan con fallos, $(($(date +%s) - inicio_total)) s"
[ $fallan -eq 0 ]
