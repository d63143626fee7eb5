#!/usr/bin/env bash
# gradescope.sh — fila «Gradescope», tal como Gradescope lo ejecuta: para cada laboratorio,
# el zip de `make gradescope LAB=NN` se descomprime en /autograder/source de un contenedor
# nuevo de Debian 12, setup.sh corre como root y la imagen resultante se guarda; después,
# cada entrega va en otro contenedor nuevo de esa imagen: /autograder/submission con sus
# archivos, run_autograder, y /autograder/results/results.json se valida:
#   · la solución de referencia: 100 %;   · la partida: ≤ 20 %;
#   · (laboratorio 07) una entrega hostil (autograder/hostiles/escribe.c con las rutas de
#     Gradescope) que intenta escribir en el curso y forjar results.json: nota baja, ningún
#     resultado forjado, el curso intacto.
#
# La imagen de partida: para el laboratorio 07, la raíz mínima de mmdebstrap, sin nada del
# curso (setup.sh lo instala todo, como en una imagen recién creada de Gradescope); para los
# demás, esa misma raíz con el perfil grade ya instalado una vez (imagen.sh curso bookworm
# grade): su setup.sh corre entero igual, pero lo encuentra todo instalado y solo construye.
# Dos laboratorios a la vez (cada uno espera mucho: contenedores, arranques, plazos).
#
#   gradescope.sh [NN…]    por omisión, todos los laboratorios
set -u -o pipefail
source "$(dirname "$0")/comun.sh"
cd "$RAIZ_CURSO" || exit 1
PLAT=$(cd "$(dirname "$0")" && pwd)
labs=("$@")
if [ ${#labs[@]} -eq 0 ]; then
  mapfile -t labs < <(build/bin/calificar --raiz . --lista | awk -F'\t' '$2=="programa"{print substr($1,1,2)}')
fi
[ ${#labs[@]} -gt 0 ] || { echo "✘ gradescope: ningún laboratorio (¿falta build/bin/calificar?)"; exit 1; }
A_LA_VEZ=${GRADESCOPE_A_LA_VEZ:-2}

# un_lab NN: todo lo de un laboratorio; escribe su informe en $sal/informe.txt y sale con 1
# si algo no cumple.
un_lab() {
  local n=$1 carpeta sal inicio imagen id e a h mal=0
  carpeta=$(basename labs/"$n"-*)
  sal="$PLAT_DIR/gradescope/$carpeta"
  inicio=$(date +%s)
  # Los zips se hacen antes, de uno en uno (make en la misma carpeta build/).
  unzip -q "$sal/$carpeta.zip" -d "$sal/zip" || { echo "✘ $carpeta: el zip no se descomprime"; return 1; }
  # Las entregas: la solución, la partida y (07) la hostil.
  mapfile -t archivos < <(build/bin/calificar --raiz . --lista --lab "$n" | awk -F'\t' '$2=="archivo"{print $3}')
  mkdir -p "$sal/entregas/solucion" "$sal/entregas/partida"
  for a in "${archivos[@]}"; do
    cp "solutions/$carpeta/$a" "$sal/entregas/solucion/"
    cp "labs/$carpeta/$a" "$sal/entregas/partida/"
  done
  local entregas=(solucion partida)
  imagen=$con_grade
  if [ "$n" = 07 ]; then
    mkdir -p "$sal/entregas/hostil"
    cp "$sal/entregas/partida/"* "$sal/entregas/hostil/"
    sed -e 's|@RAIZ@|/autograder/source/curso|g' -e 's|@SALIDA@|/autograder/results|g' \
      autograder/hostiles/escribe.c >"$sal/entregas/hostil/monitor.c"
    entregas+=(hostil)
    imagen=$raiz
  fi
  # setup.sh una vez, en un contenedor nuevo; su resultado es la imagen del autograder.
  id="curso-gs-$n-$$"
  local cache
  cache=$(copia_cache_apt bookworm) || return 1
  if ! pod_run --rm=false --name "$id" -v "$sal/zip:/zip:ro" -v "$cache:/var/cache/apt/archives" \
    "$imagen" bash -c 'mkdir -p /autograder/source /autograder/submission /autograder/results &&
      cp -a /zip/. /autograder/source/ && bash /autograder/source/setup.sh' >"$sal/setup.log" 2>&1; then
    echo "✘ $carpeta: setup.sh falló"; tail -n 20 "$sal/setup.log" | sed 's/^/    /'
    pod rm -f "$id" >/dev/null 2>&1
    rm -rf "$cache"
    return 1
  fi
  rm -rf "$cache"
  pod commit -q "$id" "localhost/curso-gradescope-$n:prueba" >/dev/null
  pod rm -f "$id" >/dev/null
  echo "  $carpeta: setup.sh en $(($(date +%s) - inicio)) s (sobre $([ "$imagen" = "$raiz" ] && echo "la raíz mínima: lo instala todo" || echo "la imagen con el perfil grade"))"
  for e in "${entregas[@]}"; do
    mkdir -p "$sal/resultados/$e"
    pod_run -v "$sal/entregas/$e:/entrega:ro" -v "$sal/resultados/$e:/salida" \
      "localhost/curso-gradescope-$n:prueba" bash -c '
        # Cuántas veces nombra HACKEADO cada archivo del curso (las pruebas que lo buscan viajan
        # en el zip): lo que cuenta es que la entrega no lo escriba en ninguno, nuevo o no.
        grep -rc HACKEADO /autograder/source/curso/labs /autograder/source/curso/autograder 2>/dev/null |
          grep -v ":0$" | sort >/salida/hackeado-antes.txt
        cp /entrega/* /autograder/submission/ && /autograder/source/run_autograder >/salida/stdout.txt 2>&1
        cp /autograder/results/results.json /salida/results.json
        ls -R /autograder/results >/salida/results-ls.txt
        grep -rc HACKEADO /autograder/source/curso/labs /autograder/source/curso/autograder 2>/dev/null |
          grep -v ":0$" | sort | comm -13 /salida/hackeado-antes.txt - >/salida/hackeado.txt
        true' >"$sal/resultados/$e/podman.log" 2>&1
  done
  python3 "$PLAT/notas.py" soluciones "$sal/resultados/solucion/results.json" \
    partidas "$sal/resultados/partida/results.json" laboratorios 1 | sed "s/^/  $carpeta: /" || mal=1
  if [ "$n" = 07 ]; then
    h="$sal/resultados/hostil"
    if python3 "$PLAT/notas.py" partidas "$h/results.json" laboratorios 1 >/dev/null &&
      ! grep -q FORJADO "$h/results.json" && [ ! -s "$h/hackeado.txt" ]; then
      echo "✔ $carpeta: la entrega hostil no forja results.json ni cambia el curso (nota baja, JSON válido)"
    else
      echo "✘ $carpeta: la entrega hostil no quedó contenida: $(cat "$h/hackeado.txt" 2>/dev/null)"; mal=1
    fi
  fi
  pod rmi -f "localhost/curso-gradescope-$n:prueba" >/dev/null 2>&1
  echo "  $carpeta: $(($(date +%s) - inicio)) s"
  return $mal
}

mal=0
# Los zips, de uno en uno (todos escriben en build/gradescope/) y mientras se hacen las
# imágenes (no las necesitan).
hacer_zips() {
  local n carpeta sal mal=0
  for n in "${labs[@]}"; do
    carpeta=$(basename labs/"$n"-*)
    sal="$PLAT_DIR/gradescope/$carpeta"
    rm -rf "$sal" && mkdir -p "$sal/zip" "$sal/entregas"
    if make --no-print-directory gradescope LAB="$n" >"$sal/zip.log" 2>&1; then
      cp "build/gradescope/$carpeta.zip" "$sal/"
    else
      echo "✘ $carpeta: make gradescope falló"; tail -n 10 "$sal/zip.log" | sed 's/^/    /'; mal=1
    fi
  done
  return $mal
}
mkdir -p "$PLAT_DIR/gradescope"
inicio=$(date +%s)
hacer_zips >"$PLAT_DIR/gradescope/zips.txt" 2>&1 &
zips=$!
raiz=$(bash "$PLAT/imagen.sh" raiz bookworm) || exit 1
con_grade=$(bash "$PLAT/imagen.sh" curso bookworm grade) || exit 1
echo "  imágenes de Debian 12 listas: $(($(date +%s) - inicio)) s"
wait "$zips" || mal=1
cat "$PLAT_DIR/gradescope/zips.txt"
echo "  zips y imágenes: $(($(date +%s) - inicio)) s"
# Cada laboratorio en su contenedor, A_LA_VEZ a la vez; los informes, en orden.
con_zip() { [ -f "$PLAT_DIR/gradescope/$1/$1.zip" ]; }
labs_a_la_vez "$PLAT_DIR/gradescope" con_zip un_lab || mal=1
exit $mal
