#!/usr/bin/env bash
# contenedor.sh — fila «un contenedor con las capacidades por omisión» (lo que dan Docker,
# Podman, Codespaces y Gradescope: sin CAP_SYS_PTRACE ni CAP_SYS_ADMIN, bubblewrap no puede
# crear espacios de nombres). Un contenedor nuevo de Debian 12 (raíz de mmdebstrap), el curso
# en /root/curso (carpeta 0700) y, como root, `apt-get install make` (lo único que falta en
# una imagen mínima) y después `make grade SOLUCIONES=1` y `make grade`:
#   · make grade instala solo lo que necesita para calificar (ni Chromium, ni Java, ni pandoc);
#   · cada solución saca el 100 % y cada partida ≤ 20 %;
#   · el informe dice que no hay caja de arena (no es un 0 silencioso ni una caja fingida).
set -u
source "$(dirname "$0")/comun.sh"
imagen=$(bash "$(dirname "$0")/imagen.sh" raiz bookworm) || exit 1
sal="$PLAT_DIR/contenedor"
rm -rf "$sal" && mkdir -p "$sal"
tar=$(copia_curso)
cache=$(copia_cache_apt bookworm) || exit 1
trap 'rm -rf "$cache"' EXIT
pod_run -v "$tar:/curso.tar:ro" -v "$sal:/salida" -v "$cache:/var/cache/apt/archives" \
  -e CI=true "$imagen" bash -c '
    mkdir -p /root/curso && chmod 700 /root && tar -C /root/curso -xf /curso.tar && cd /root/curso
    grep Cap /proc/self/status >/salida/capacidades.txt
    # Lo único que hace falta a mano en una imagen mínima de Debian: make (lo demás lo
    # instala make grade, solo lo suyo).
    apt-get update -q >/salida/apt.log 2>&1 && apt-get install -y -q --no-install-recommends make >>/salida/apt.log 2>&1
    make --no-print-directory grade SOLUCIONES=1 >/salida/soluciones.log 2>&1; echo $? >/salida/soluciones.rc
    cp build/calificacion/results.json /salida/soluciones.json
    make --no-print-directory grade >/salida/partidas.log 2>&1
    cp build/calificacion/results.json /salida/partidas.json
    for o in chromium java pandoc nginx epubcheck clang wrk; do command -v $o; done >/salida/sobra.txt
    for o in python3 strace bwrap valgrind; do command -v $o >/dev/null || echo $o; done >/salida/falta.txt
  ' >"$sal/contenedor.log" 2>&1
mal=0
python3 "$(dirname "$0")/notas.py" soluciones "$sal/soluciones.json" partidas "$sal/partidas.json" || mal=1
if [ -s "$sal/sobra.txt" ]; then
  echo "✘ make grade instaló más de lo que necesita para calificar: $(tr '\n' ' ' <"$sal/sobra.txt")"; mal=1
else
  echo "✔ make grade instaló solo el perfil grade (ni chromium, ni java, ni pandoc, ni nginx, ni clang)"
fi
if [ -s "$sal/falta.txt" ] || grep -q "aún falta" "$sal/soluciones.log"; then
  echo "✘ make grade no instaló todo lo de calificar: $(tr '\n' ' ' <"$sal/falta.txt")"; mal=1
else
  echo "✔ make grade instaló lo de calificar (python3, strace, bwrap y valgrind incluidos)"
fi
if grep -q "SIN caja de arena" "$sal/soluciones.log"; then
  echo "✔ el informe avisa: «SIN caja de arena» (bwrap no puede crear espacios de nombres aquí)"
else
  echo "✘ el informe no dice que falta la caja de arena"; mal=1
fi
exit $mal
