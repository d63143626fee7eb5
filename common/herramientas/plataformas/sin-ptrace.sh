#!/usr/bin/env bash
# sin-ptrace.sh — root sin CAP_SYS_PTRACE (lo que tiene root en un contenedor con las
# capacidades por omisión), en esta máquina y con bubblewrap: las verificaciones que miran
# /proc/<pid>/fd del programa (limite_j del 08, cierra_archivos y estancada del 11) deben juzgar igual.
# Antes de leerlos como el usuario de la caja, la solución del 08 sacaba 91/100.
set -u
source "$(dirname "$0")/comun.sh"
cd "$RAIZ_CURSO" || exit 1
command -v capsh >/dev/null || { echo "✘ sin-ptrace: falta capsh (libcap2-bin)"; exit 1; }
sal="$PLAT_DIR/sin-ptrace"
rm -rf "$sal" && mkdir -p "$sal"
mal=0
for lab in 08 11; do
  capsh --drop=cap_sys_ptrace -- -c "make --no-print-directory grade LAB=$lab SOLUCIONES=1 \
    SALIDA='$sal/$lab' HISTORIAL='$sal/h.json'" >"$sal/$lab.log" 2>&1
  python3 "$(dirname "$0")/notas.py" soluciones "$sal/$lab/results.json" laboratorios 1 || mal=1
done
exit $mal
