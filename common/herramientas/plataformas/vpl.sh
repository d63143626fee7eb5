#!/usr/bin/env bash
# vpl.sh — fila «VPL» (Virtual Programming Lab de Moodle), tal como lo ejecuta el servidor de
# jaulas de VPL (vpl-jail-system: escribe los archivos en /home/pUID, ejecuta vpl_evaluate.sh
# como un usuario sin cuenta ni privilegios con los límites de la actividad, borra los archivos
# de ejecución y ejecuta vpl_execution; la nota es la última línea «Grade :=>>»):
#   · una vez: en un contenedor nuevo de la raíz mínima de Debian 12 (sin nada del curso), como
#     root, el instalar-jaula.sh del paquete (instala el perfil grade y califica la partida como
#     nobody); el resultado es la imagen del «servidor de jaulas»;
#   · por laboratorio, el zip de `make vpl LAB=NN`, y por entrega un contenedor nuevo de esa
#     imagen con --network none, el usuario 10000:10000 (sin cuenta, como los de la jaula),
#     RLIMIT_CPU, RLIMIT_NPROC y RLIMIT_FSIZE de la actividad y `timeout` con su tiempo máximo:
#     vpl_evaluate.sh, el borrado de los archivos de ejecución, vpl_execution; se analiza la
#     salida: un bloque <|-- … --|> y «Grade :=>>N» como última nota;
#   · la solución de referencia: 10 sobre 10; la partida: ≤ 2; (laboratorio 07) la entrega hostil
#     autograder/hostiles/escribe.c con las rutas de la jaula (forja resultados, escribe en el
#     curso) y autograder/hostiles/vpl_nota.c (escribe marcas de VPL para que el informe las
#     cite): nota baja, ninguna verificación que forja aprobada, ninguna línea suya tomada por
#     marca de VPL. Lo que escribe.c sí logra sin root (el texto de los resultados, archivos en
#     la copia del curso) se cuenta y se dice.
#
# Medido en una máquina de 2 núcleos (con los .deb ya descargados en build/plataformas/):
# 354 s los seis laboratorios con carga 5–10 (instalar-jaula.sh 99 s); 663 s con carga 35–48
# (instalar-jaula.sh 378 s). Presupuesto de la fila: 1800 s (prueba-plataformas.sh).
#
#   vpl.sh [NN…]    por omisión, todos los laboratorios
set -u -o pipefail
source "$(dirname "$0")/comun.sh"
cd "$RAIZ_CURSO" || exit 1
labs=("$@")
if [ ${#labs[@]} -eq 0 ]; then
  mapfile -t labs < <(build/bin/calificar --raiz . --lista | awk -F'\t' '$2=="programa"{print substr($1,1,2)}')
fi
[ ${#labs[@]} -gt 0 ] || { echo "✘ vpl: ningún laboratorio (¿falta build/bin/calificar?)"; exit 1; }
A_LA_VEZ=${VPL_A_LA_VEZ:-2}
SAL="$PLAT_DIR/vpl"
rm -rf "$SAL" && mkdir -p "$SAL"
inicio=$(date +%s)
mal=0
for n in "${labs[@]}"; do
  carpeta=$(basename labs/"$n"-*)
  if make --no-print-directory vpl LAB="$n" >"$SAL/make-vpl-$n.log" 2>&1; then
    mkdir -p "$SAL/$carpeta" && unzip -q "build/vpl/$carpeta.zip" -d "$SAL/$carpeta/zip"
  else
    echo "✘ $carpeta: make vpl falló"; tail -n 10 "$SAL/make-vpl-$n.log" | sed 's/^/    /'; mal=1
  fi
done
raiz=$(bash "$(dirname "$0")/imagen.sh" raiz bookworm) || exit 1
# El servidor de jaulas: instalar-jaula.sh (del primer laboratorio; el perfil es el mismo para
# todos) en la raíz mínima, como root y con red (apt); su imagen es la de todas las entregas.
primero=$(basename labs/"${labs[0]}"-*)
# VPL_IMAGEN=nombre (solo para desarrollar la fila): reutiliza la imagen de una pasada anterior
# con VPL_CONSERVAR=1 en vez de instalar otra vez; la suite nunca la pone.
if [ -n "${VPL_IMAGEN:-}" ]; then
  imagen=$VPL_IMAGEN
  echo "  (se reutiliza la imagen $imagen: instalar-jaula.sh no se prueba en esta pasada)"
else
cache=$(copia_cache_apt bookworm) || exit 1
id="curso-vpl-$$"
t0=$(date +%s)
if ! pod_run --rm=false --name "$id" -v "$SAL/$primero/zip/$primero:/paquete:ro" \
  -v "$cache:/var/cache/apt/archives" "$raiz" bash -c 'cp -a /paquete /root/paquete && bash /root/paquete/instalar-jaula.sh' \
  >"$SAL/instalar-jaula.log" 2>&1; then
  echo "✘ instalar-jaula.sh falló en Debian 12 desnudo:"; tail -n 25 "$SAL/instalar-jaula.log" | sed 's/^/    /'
  pod rm -f "$id" >/dev/null 2>&1
  exit 1
fi
cp -aln "$cache"/*.deb "$(cache_apt bookworm)/" 2>/dev/null
rm -rf "$cache"
imagen="localhost/curso-vpl-jaula:prueba-$$"
pod commit -q "$id" "$imagen" >/dev/null
pod rm -f "$id" >/dev/null
echo "✔ instalar-jaula.sh en Debian 12 desnudo ($(($(date +%s) - t0)) s): $(grep -c '^✔' "$SAL/instalar-jaula.log") comprobaciones bien"
grep '^✔' "$SAL/instalar-jaula.log" | sed 's/^/    /'
fi

# evaluar CARPETA ENTREGA DIR: una evaluación de VPL de los archivos de DIR; deja la salida de
# vpl_execution en $SAL/CARPETA/ENTREGA/salida.txt y la de vpl_evaluate.sh en compilacion.txt.
evaluar() {
  local carpeta=$1 e=$2 dir=$3 casa sub="" f tiempo
  casa="$SAL/$carpeta/$e/casa"
  mkdir -p "$casa"
  cp "$SAL/$carpeta/zip/$carpeta/archivos-de-ejecucion/"* "$casa/"
  for f in "$dir"/*; do cp "$f" "$casa/"; sub="$sub$(basename "$f")
"; done
  printf 'export VPL_SUBFILES="%s"\nexport VPL_GRADEMIN=0\nexport VPL_GRADEMAX=10\n' "$sub" >"$casa/vpl_environment.sh"
  chown -R 10000:10000 "$casa"
  # Los recursos máximos que LEEME.md pide para la actividad: tiempo, procesos y archivo.
  local leeme="$SAL/$carpeta/zip/$carpeta/LEEME.md" procesos archivo
  tiempo=$(sed -n 's/^ *| Tiempo máximo | \([0-9]*\) s.*/\1/p' "$leeme")
  procesos=$(sed -n 's/^ *| Procesos máximos | \([0-9]*\) .*/\1/p' "$leeme")
  archivo=$(sed -n 's/^ *| Tamaño máximo de archivo | \([0-9]*\) MiB.*/\1/p' "$leeme")
  if [ -z "$tiempo" ] || [ -z "$procesos" ] || [ -z "$archivo" ]; then
    echo "✘ $carpeta: LEEME.md no dice el tiempo, los procesos o el archivo máximos" >"$SAL/$carpeta/$e/podman.log"; return
  fi
  # Como el servidor de jaulas: todo como el usuario de la jaula; los archivos de ejecución se
  # borran entre vpl_evaluate.sh y vpl_execution; sin red.
  # (pod_run no: lleva --network host, que es para apt.)
  pod run --rm --network none --user 10000:10000 --ulimit nofile=4096:4096 --ulimit cpu="$tiempo" \
    --ulimit nproc="$procesos:$procesos" --ulimit fsize=$((archivo * 1048576)) --label "curso-plataformas=${PLAT_ETIQUETA:-suelta}" \
    -e HOME=/home/p10000 -w /home/p10000 -v "$casa:/home/p10000" "$imagen" \
    bash -c '
      t=$1
      timeout -k 5 "$t" ./vpl_evaluate.sh >.compilacion.txt 2>&1
      [ -x vpl_execution ] || exit 0
      rm -f vpl_evaluate.sh vpl_run.sh vpl_calificar.py curso.tar.gz
      timeout -k 5 "$t" ./vpl_execution >.salida.txt 2>&1; echo $? >.rc' _ "$tiempo" \
    >"$SAL/$carpeta/$e/podman.log" 2>&1
  cp "$casa/.compilacion.txt" "$SAL/$carpeta/$e/compilacion.txt" 2>/dev/null
  cp "$casa/.salida.txt" "$SAL/$carpeta/$e/salida.txt" 2>/dev/null
}

# nota SALIDA: la nota que VPL tomaría (la última «Grade :=>>» al principio de línea), o «-»
# si la salida no trae un bloque de comentarios cerrado y una nota.
nota() {
  local s=$1 g
  [ -s "$s" ] || { echo -; return; }
  g=$(grep -a '^Grade :=>>' "$s" | tail -n 1 | sed 's/^Grade :=>>//; s/[[:space:]]//g')
  if [ -n "$g" ] && grep -aq '^<|--' "$s" && grep -aq '^--|>' "$s"; then echo "$g"; else echo -; fi
}

un_lab() {
  local n=$1 carpeta sal t archivos a e g mal=0
  carpeta=$(basename labs/"$n"-*)
  sal="$SAL/$carpeta"
  t=$(date +%s)
  mapfile -t archivos < <(build/bin/calificar --raiz . --lista --lab "$n" | awk -F'\t' '$2=="archivo"{print $3}')
  mkdir -p "$sal/entregas/solucion" "$sal/entregas/partida"
  for a in "${archivos[@]}"; do
    cp "solutions/$carpeta/$a" "$sal/entregas/solucion/"
    cp "labs/$carpeta/$a" "$sal/entregas/partida/"
  done
  local entregas=(solucion partida)
  if [ "$n" = 07 ]; then
    mkdir -p "$sal/entregas/hostil" "$sal/entregas/marcas"
    sed -e 's|@RAIZ@|/home/p10000/.vpl/curso|g' -e 's|@SALIDA@|/home/p10000/.vpl/calificacion|g' \
      autograder/hostiles/escribe.c >"$sal/entregas/hostil/monitor.c"
    cp autograder/hostiles/vpl_nota.c "$sal/entregas/marcas/monitor.c"
    entregas+=(hostil marcas)
  fi
  for e in "${entregas[@]}"; do evaluar "$carpeta" "$e" "$sal/entregas/$e"; done
  g=$(nota "$sal/solucion/salida.txt")
  if [ "$g" = 10 ]; then
    echo "✔ $carpeta: la solución saca Grade :=>>10 (sobre 10)"
  else
    echo "✘ $carpeta: la solución saca «$g», no 10"; tail -n 30 "$sal/solucion/salida.txt" "$sal/solucion/compilacion.txt" 2>/dev/null | sed 's/^/    /'; mal=1
  fi
  g=$(nota "$sal/partida/salida.txt")
  if [ "$g" != - ] && awk -v g="$g" 'BEGIN{exit !(g <= 2)}'; then
    echo "✔ $carpeta: la partida saca Grade :=>>$g (≤ 2)"
  else
    echo "✘ $carpeta: la partida saca «$g»"; tail -n 20 "$sal/partida/salida.txt" 2>/dev/null | sed 's/^/    /'; mal=1
  fi
  if [ "$n" = 07 ]; then
    for e in hostil marcas; do
      g=$(nota "$sal/$e/salida.txt")
      # Ninguna línea de la entrega tomada por una marca de VPL: solo una «Grade :=>>», solo
      # un bloque, nada forjado.
      if [ "$g" != - ] && awk -v g="$g" 'BEGIN{exit !(g <= 2)}' &&
        [ "$(grep -ac '^Grade :=>>' "$sal/$e/salida.txt")" = 1 ] &&
        [ "$(grep -ac '^[[:space:]]*--|>[[:space:]]*$' "$sal/$e/salida.txt")" = 1 ] &&
        [ "$(grep -ac '^[[:space:]]*<|--[[:space:]]*$' "$sal/$e/salida.txt")" = 1 ] &&
        ! grep -aq '^[[:space:]]*Comment :=>>\|^-FORJADO' "$sal/$e/salida.txt" &&
        { [ "$e" != hostil ] ||
          ! grep -aq '^-✔.*\(Sin URLs\|a la vez\|intervalo\|tercer fallo\|Ctrl+C\|valgrind\)' "$sal/$e/salida.txt"; }; then
        echo "✔ $carpeta: la entrega hostil «$e» queda contenida (Grade :=>>$g, una sola nota y un solo bloque, ninguna verificación forjada aprobada)"
      else
        echo "✘ $carpeta: la entrega hostil «$e» no quedó contenida (nota «$g»):"; sed 's/^/    /' "$sal/$e/salida.txt" | tail -n 40; mal=1
      fi
    done
    # Sin root, la entrega y el calificador son el mismo usuario: escribe.c reescribe el
    # resultado de las verificaciones que ya terminaron. Sus puntos no (el calificador los cruza
    # con el estado que da Criterion, arriba), pero sí el texto de lo esperado y lo obtenido.
    # Es sabido (LEEME.md): se cuenta y se dice, no se exige.
    echo "  $carpeta: escribe.c forjó el texto de $(grep -ac 'Obtenido: FORJADO' "$sal/hostil/salida.txt") verificaciones (sin puntos; sin root no se puede impedir: LEEME.md)"
    # Lo que escribe.c pudo hacer en la jaula (mismo usuario que el calificador): se dice, no
    # se exige; la nota no cambia (arriba) y VPL borra la carpeta al terminar.
    echo "  $carpeta: escribe.c escribió en la copia del curso de su evaluación $(find "$sal/hostil/casa/.vpl/curso" -name HACKEADO 2>/dev/null | wc -l) archivos nuevos (sin root no se puede impedir: ver LEEME.md)"
  fi
  echo "  $carpeta: $(($(date +%s) - t)) s"
  return $mal
}

con_paquete() { [ -d "$SAL/$1/zip" ]; }
labs_a_la_vez "$SAL" con_paquete un_lab || mal=1
[ -n "${VPL_CONSERVAR:-}${VPL_IMAGEN:-}" ] && echo "  imagen conservada: $imagen" || pod rmi -f "$imagen" >/dev/null 2>&1
echo "  vpl: $(($(date +%s) - inicio)) s en total"
exit $mal
