#!/usr/bin/env bash
# gradescope.sh — fila «Gradescope», tal como Gradescope lo ejecuta: para cada laboratorio,
# el zip de `make gradescope LAB=NN` se descomprime en /autograder/source de un contenedor
# nuevo de Debian 12 (la raíz mínima de debootstrap, sin nada del curso instalado), setup.sh
# corre como root (instala el perfil grade y construye) y la imagen resultante se guarda;
# después, cada entrega va en otro contenedor nuevo de esa imagen: /autograder/submission
# con sus archivos, run_autograder, y /autograder/results/results.json se valida:
#   · la solución de referencia: 100 %;   · la partida: ≤ 20 %;
#   · (laboratorio 07) una entrega hostil (autograder/hostiles/escribe.c con las rutas de
#     Gradescope) que intenta escribir en el curso y forjar results.json: nota baja, ningún
#     resultado forjado, el curso intacto.
#   gradescope.sh [NN…]    por omisión, todos los laboratorios
set -u -o pipefail
source "$(dirname "$0")/comun.sh"
cd "$RAIZ_CURSO" || exit 1
imagen=$(bash "$(dirname "$0")/imagen.sh" raiz bookworm) || exit 1
mal=0
labs=("$@")
if [ ${#labs[@]} -eq 0 ]; then
  mapfile -t labs < <(build/bin/calificar --raiz . --lista | awk -F'\t' '$2=="programa"{print substr($1,1,2)}')
fi
for n in "${labs[@]}"; do
  carpeta=$(basename labs/"$n"-*)
  sal="$PLAT_DIR/gradescope/$carpeta"
  rm -rf "$sal" && mkdir -p "$sal/zip" "$sal/entregas"
  inicio=$(date +%s)
  make --no-print-directory gradescope LAB="$n" >"$sal/zip.log" 2>&1 &&
    unzip -q "build/gradescope/$carpeta.zip" -d "$sal/zip" || { echo "✘ $carpeta: make gradescope falló"; mal=1; continue; }
  # Las entregas: la solución, la partida y (07) la hostil.
  mapfile -t archivos < <(build/bin/calificar --raiz . --lista --lab "$n" | awk -F'\t' '$2=="archivo"{print $3}')
  mkdir -p "$sal/entregas/solucion" "$sal/entregas/partida"
  for a in "${archivos[@]}"; do
    cp "solutions/$carpeta/$a" "$sal/entregas/solucion/"
    cp "labs/$carpeta/$a" "$sal/entregas/partida/"
  done
  entregas=(solucion partida)
  if [ "$n" = 07 ]; then
    mkdir -p "$sal/entregas/hostil"
    cp "$sal/entregas/partida/"* "$sal/entregas/hostil/"
    sed -e 's|@RAIZ@|/autograder/source/curso|g' -e 's|@SALIDA@|/autograder/results|g' \
      autograder/hostiles/escribe.c >"$sal/entregas/hostil/monitor.c"
    entregas+=(hostil)
  fi
  # setup.sh una vez, en un contenedor nuevo; su resultado es la imagen del autograder.
  id="curso-gs-$n-$$"
  if ! pod_run --rm=false --name "$id" -v "$sal/zip:/zip:ro" -v "$PLAT_DIR/apt:/var/cache/apt/archives" \
    "$imagen" bash -c 'mkdir -p /autograder/source /autograder/submission /autograder/results &&
      cp -a /zip/. /autograder/source/ && bash /autograder/source/setup.sh' >"$sal/setup.log" 2>&1; then
    echo "✘ $carpeta: setup.sh falló"; tail -n 20 "$sal/setup.log" | sed 's/^/    /'; mal=1
    pod rm -f "$id" >/dev/null 2>&1; continue
  fi
  pod commit -q "$id" "localhost/curso-gradescope-$n:prueba" >/dev/null
  pod rm -f "$id" >/dev/null
  for e in "${entregas[@]}"; do
    mkdir -p "$sal/resultados/$e"
    pod_run -v "$sal/entregas/$e:/entrega:ro" -v "$sal/resultados/$e:/salida" \
      "localhost/curso-gradescope-$n:prueba" bash -c '
        cp /entrega/* /autograder/submission/ && /autograder/source/run_autograder >/salida/stdout.txt 2>&1
        cp /autograder/results/results.json /salida/results.json
        ls -R /autograder/results >/salida/results-ls.txt
        grep -rl HACKEADO /autograder/source/curso/labs /autograder/source/curso/autograder 2>/dev/null >/salida/hackeado.txt
        true' >"$sal/resultados/$e/podman.log" 2>&1
  done
  python3 "$(dirname "$0")/notas.py" soluciones "$sal/resultados/solucion/results.json" \
    partidas "$sal/resultados/partida/results.json" laboratorios 1 | sed "s/^/  $carpeta: /" || mal=1
  if [ "$n" = 07 ]; then
    h="$sal/resultados/hostil"
    if python3 "$(dirname "$0")/notas.py" partidas "$h/results.json" laboratorios 1 >/dev/null &&
      ! grep -q FORJADO "$h/results.json" && [ ! -s "$h/hackeado.txt" ]; then
      echo "✔ $carpeta: la entrega hostil no forja results.json ni cambia el curso (nota baja, JSON válido)"
    else
      echo "✘ $carpeta: la entrega hostil no quedó contenida: $(cat "$h/hackeado.txt" 2>/dev/null)"; mal=1
    fi
  fi
  pod rmi -f "localhost/curso-gradescope-$n:prueba" >/dev/null 2>&1
  echo "  $carpeta: $(($(date +%s) - inicio)) s"
done
exit $mal
