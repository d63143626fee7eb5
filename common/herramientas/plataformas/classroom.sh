#!/usr/bin/env bash
# classroom.sh — fila «GitHub Classroom»: el flujo de trabajo de la plantilla de
# `make classroom LAB=NN` (.github/workflows/classroom.yml), leído con un analizador de YAML y
# ejecutado paso a paso como un runner de GitHub Actions con un trabajo en contenedor
# (classroom_flujo.py: cada paso «run» con bash en el contenedor, las acciones que usa
# imitadas según su código), sin GitHub:
#   · la imagen es la que nombra el flujo: «debian:12» es aquí la raíz mínima de Debian 12
#     (mmdebstrap, imagen.sh raiz bookworm), sin nada del curso; la carpeta de trabajo va
#     montada en /__w, como en el runner;
#   · el repositorio privado del profesorado (la variable CURSO_CALIFICADOR) es un repositorio
#     git local con build/classroom/curso-calificador/, y el secreto CURSO_CALIFICADOR_TOKEN un
#     token de mentira: el checkout falla si el paso no lo pasa;
#   · el repositorio del estudiante es la plantilla con sus archivos cambiados (la solución,
#     la partida, las hostiles), en git;
#   · la solución del 07 corre en la raíz mínima con red (apt: el paso de los paquetes instala
#     el perfil grade desde nada, como en un runner); todas las demás entregas, en esa raíz con
#     el perfil grade ya instalado (imagen.sh curso bookworm grade: el mismo paso lo encuentra
#     todo y no usa apt) y con --network none: nada sale de la máquina.
# Se exige, de lo que deja el reporter (la anotación «Points N/M», la que lee Classroom): la
# solución con todos los puntos, la partida ≤ 20 %, los puntos iguales a la nota del
# results.json del artefacto, el artefacto con el informe, el token en ningún archivo del
# trabajo; y en el 07, dos entregas hostiles contenidas: autograder/hostiles/escribe.c con las
# rutas del trabajo (forja resultados, escribe en el curso) y hostiles/classroom_avisos.c
# (escribe órdenes de flujo de trabajo, «::notice title=Autograding complete::Points
# 100/100», para que el informe las lleve al registro): puntos bajos, ninguna verificación
# forjada, el curso intacto y ninguna anotación de puntos que no sea la del reporter.
#
# Medido en una máquina de 2 núcleos con carga 20–35 (otras pruebas a la vez): 1327 s la fila
# entera, de ellos 174 s para rehacer la imagen con el perfil grade (cambió dependencias.sh);
# cada trabajo, de 80 a 400 s, casi todo construir el curso (como en un runner: cada push lo
# construye); el paso de los paquetes desde la raíz mínima, 59 s con los .deb ya descargados.
# Así, 07–10 pasan; las soluciones del 11 y el 12 perdieron puntos (95 y 5; otra vez, con
# carga 50–70, 95 y 75: «estancada» del 11; en el 12, Criterion «The test has already ended,
# invalid state 'timeout'»). No es de Classroom: con esa carga, `make grade SOLUCIONES=1` en
# la misma imagen, con podman y sin red pero sin nada de Classroom, dio 57 y 5; fuera del
# contenedor, 100 y 100. Sin medir aún con la máquina tranquila.
#
#   classroom.sh [NN…]    por omisión, todos los laboratorios
set -u -o pipefail
source "$(dirname "$0")/comun.sh"
cd "$RAIZ_CURSO" || exit 1
PLAT=$(cd "$(dirname "$0")" && pwd)
labs=("$@")
if [ ${#labs[@]} -eq 0 ]; then
  mapfile -t labs < <(build/bin/calificar --raiz . --lista | awk -F'\t' '$2=="programa"{print substr($1,1,2)}')
fi
[ ${#labs[@]} -gt 0 ] || { echo "✘ classroom: ningún laboratorio (¿falta build/bin/calificar?)"; exit 1; }
A_LA_VEZ=${CLASSROOM_A_LA_VEZ:-2}
SAL="$PLAT_DIR/classroom"
rm -rf "$SAL" && mkdir -p "$SAL"
inicio=$(date +%s)
mal=0
REPO_PRIVADO="profesorado/curso-calificador"
TOKEN="token-de-mentira-$$-$RANDOM$RANDOM"

# Las plantillas, de una en una (todas escriben en build/classroom/), y el curso del
# repositorio privado (el mismo para todas), en git.
for n in "${labs[@]}"; do
  carpeta=$(basename labs/"$n"-*)
  if make --no-print-directory classroom LAB="$n" >"$SAL/make-classroom-$n.log" 2>&1; then
    mkdir -p "$SAL/$carpeta" && cp -a "build/classroom/$carpeta/plantilla" "$SAL/$carpeta/plantilla"
  else
    echo "✘ $carpeta: make classroom falló"; tail -n 10 "$SAL/make-classroom-$n.log" | sed 's/^/    /'; mal=1
  fi
done
[ -d build/classroom/curso-calificador ] || { echo "✘ classroom: make classroom no dejó el curso del repositorio privado"; exit 1; }
git_commit() {
  git -C "$1" init -q -b main && git -C "$1" add -A &&
    git -C "$1" -c user.name=prueba -c user.email=prueba@example.org commit -qm "$2"
}
cp -a build/classroom/curso-calificador "$SAL/privado"
git_commit "$SAL/privado" "Curso para calificar" || { echo "✘ classroom: no se pudo hacer el repositorio privado"; exit 1; }
if [ -n "$(find "$SAL/privado" -path "$SAL/privado/.git" -prune -o -path '*/solutions/*' -print | head -n1)" ] ||
  [ -d "$SAL/privado/autograder/profesorado" ]; then
  echo "✘ classroom: el curso del repositorio privado lleva soluciones o lo del profesorado"; mal=1
else
  echo "✔ el curso del repositorio privado: $(git -C "$SAL/privado" ls-files | wc -l) archivos, sin soluciones ni lo del profesorado"
fi

raiz=$(bash "$PLAT/imagen.sh" raiz bookworm) || exit 1
con_grade=$(bash "$PLAT/imagen.sh" curso bookworm grade) || exit 1
echo "  plantillas e imágenes de Debian 12 listas: $(($(date +%s) - inicio)) s"

# trabajo CARPETA ENTREGA IMAGEN RED: el flujo de la plantilla con los archivos de ENTREGA, en
# un contenedor nuevo de IMAGEN; deja $SAL/CARPETA/ENTREGA/{trabajo.json,artefactos,w}.
trabajo() {
  local carpeta=$1 e=$2 img=$3 red=$4 d="$SAL/$1/$2" id cache="" vol=() pedida rc
  mkdir -p "$d/w" "$d/artefactos"
  cp -a "$SAL/$carpeta/plantilla" "$d/estudiante"
  cp "$SAL/$carpeta/entregas/$e/"* "$d/estudiante/"
  git_commit "$d/estudiante" "Mi entrega" || return 1
  pedida=$(python3 "$PLAT/classroom_flujo.py" imagen "$d/estudiante/.github/workflows/classroom.yml") || return 1
  if [ "$pedida" != debian:12 ]; then
    echo "✘ $carpeta: el flujo pide la imagen «$pedida» (aquí solo se sabe imitar debian:12)" >"$d/podman.log"
    return 1
  fi
  if [ "$red" = host ]; then
    cache=$(copia_cache_apt bookworm) || return 1
    vol=(-v "$cache:/var/cache/apt/archives")
  fi
  id="curso-classroom-${carpeta:0:2}-$e-$$"
  pod run -d --name "$id" --network "$red" --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 \
    --label "curso-plataformas=${PLAT_ETIQUETA:-suelta}" -v "$d/w:/__w" "${vol[@]}" "$img" \
    sleep infinity >"$d/podman.log" 2>&1 || { [ -n "$cache" ] && rm -rf "$cache"; return 1; }
  python3 "$PLAT/classroom_flujo.py" ejecutar "$d/estudiante/.github/workflows/classroom.yml" \
    --contenedor "$id" --raiz "$d/w" --repo "lab-$carpeta" --estudiante "$d/estudiante" \
    --privado "$REPO_PRIVADO=$SAL/privado" --secreto-de "$REPO_PRIVADO=CURSO_CALIFICADOR_TOKEN" \
    --var "CURSO_CALIFICADOR=$REPO_PRIVADO" --secreto "CURSO_CALIFICADOR_TOKEN=$TOKEN" \
    --artefactos "$d/artefactos" --informe "$d/trabajo.json" >>"$d/podman.log" 2>&1
  rc=$?
  pod rm -f -t 0 "$id" >/dev/null 2>&1
  if [ -n "$cache" ]; then
    cp -aln "$cache"/*.deb "$(cache_apt bookworm)/" 2>/dev/null
    rm -rf "$cache"
  fi
  return $rc
}

# puntos CARPETA ENTREGA: «T M NOTA_RESULTS N_AVISOS_AJENOS CONCLUSIÓN», de lo que dejó el
# trabajo: los puntos de la anotación del reporter, la nota del results.json del artefacto,
# cuántas anotaciones de puntos no son del reporter.
puntos() {
  python3 - "$SAL/$1/$2/trabajo.json" "$SAL/$1/$2/artefactos/informe-$1/results.json" <<'FIN'
import json, re, sys
t = json.load(open(sys.argv[1]))
avisos = t.get("avisos", [])
suyos = [a for a in avisos if a.get("reporter") and a["titulo"] == "Autograding complete"]
ajenos = [a for a in avisos if not a.get("reporter") and
          ("Autograding" in a.get("titulo", "") or "Points" in a.get("texto", ""))]
m = re.fullmatch(r"Points (\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)", suyos[-1]["texto"]) if len(suyos) == 1 else None
try:
    nota = json.load(open(sys.argv[2]))["score"]
except (OSError, ValueError, KeyError):
    nota = "-"
print(m.group(1) if m else "-", m.group(2) if m else "-", nota, len(ajenos), t.get("conclusion", "-"))
FIN
}

un_lab() {
  local n=$1 carpeta sal t a e mal=0 T M nota ajenos concl w
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
  w="/__w/lab-$carpeta/lab-$carpeta"
  if [ "$n" = 07 ]; then
    mkdir -p "$sal/entregas/hostil" "$sal/entregas/avisos"
    sed -e "s|@RAIZ@|$w/curso|g" -e "s|@SALIDA@|$w/calificacion|g" \
      autograder/hostiles/escribe.c >"$sal/entregas/hostil/monitor.c"
    cp autograder/hostiles/classroom_avisos.c "$sal/entregas/avisos/monitor.c"
    entregas+=(hostil avisos)
  fi
  for e in "${entregas[@]}"; do
    if [ "$n" = 07 ] && [ "$e" = solucion ]; then
      trabajo "$carpeta" "$e" "$raiz" host
    else
      trabajo "$carpeta" "$e" "$con_grade" none
    fi || { echo "✘ $carpeta: el trabajo de «$e» no se pudo ejecutar:"; tail -n 5 "$sal/$e/podman.log" | sed 's/^/    /'; mal=1; }
  done
  for e in "${entregas[@]}"; do
    read -r T M nota ajenos concl < <(puntos "$carpeta" "$e" 2>/dev/null || echo "- - - - -")
    local pasos
    pasos=$(python3 -c 'import json, sys
t = json.load(open(sys.argv[1]))
print(" · ".join("%s: %s (%g s)" % (p["nombre"][:30], p["conclusion"], p["segundos"])
                 for p in t["pasos"] if not p["id"].startswith("v")))' "$sal/$e/trabajo.json" 2>/dev/null)
    if [ "$T" = - ] || [ "$M" = - ]; then
      echo "✘ $carpeta: «$e»: el reporter no dio puntos (trabajo: $concl; $pasos)"
      python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); [print(p["nombre"], p["conclusion"], "\n", p.get("registro","")[-1500:]) for p in t["pasos"] if p["conclusion"] not in ("success","skipped")]' \
        "$sal/$e/trabajo.json" 2>/dev/null | tail -n 30 | sed 's/^/    /'
      mal=1; continue
    fi
    [ "$e" = solucion ] && [ "$n" = 07 ] && echo "  $carpeta: pasos de «$e» desde la raíz mínima: $pasos"
    local bien=1 por=""
    if [ "$e" = solucion ]; then
      [ "$T" = "$M" ] || { bien=0; por="no tiene todos los puntos"; }
    else
      awk -v t="$T" -v m="$M" 'BEGIN{exit !(t <= 0.2 * m)}' || { bien=0; por="más del 20 %"; }
    fi
    awk -v t="$T" -v n="$nota" 'BEGIN{exit !(n != "-" && t + 0 == int(n + 0.5))}' ||
      { bien=0; por="$por; los puntos no son la nota del results.json del artefacto ($nota)"; }
    [ "$ajenos" = 0 ] || { bien=0; por="$por; $ajenos anotaciones de puntos que no son del reporter"; }
    [ -s "$sal/$e/artefactos/informe-$carpeta/informe.txt" ] || { bien=0; por="$por; el artefacto no tiene informe.txt"; }
    if grep -rqF "$TOKEN" "$sal/$e/w" "$sal/$e/artefactos" 2>/dev/null; then
      bien=0; por="$por; el token está en un archivo del trabajo: $(grep -rlF "$TOKEN" "$sal/$e/w" | head -n 3 | tr '\n' ' ')"
    fi
    if [ "$e" = hostil ]; then
      local antes despues
      antes=$(cd "$SAL/privado" && grep -rc HACKEADO labs autograder 2>/dev/null | grep -v ':0$' | sort)
      despues=$(cd "$sal/$e/w/lab-$carpeta/lab-$carpeta/curso" && grep -rc HACKEADO labs autograder 2>/dev/null | grep -v ':0$' | sort)
      [ "$antes" = "$despues" ] || { bien=0; por="$por; escribió en el curso: $(comm -13 <(echo "$antes") <(echo "$despues") | tr '\n' ' ')"; }
      ! grep -q FORJADO "$sal/$e/artefactos/informe-$carpeta/results.json" 2>/dev/null ||
        { bien=0; por="$por; results.json lleva lo forjado"; }
    fi
    if [ $bien = 1 ]; then
      case $e in
        solucion) echo "✔ $carpeta: la solución saca Points $T/$M (la nota del informe: $nota)" ;;
        partida) echo "✔ $carpeta: la partida saca Points $T/$M (≤ 20 %)" ;;
        *) echo "✔ $carpeta: la entrega hostil «$e» queda contenida (Points $T/$M, ninguna anotación de puntos ajena, el curso y el informe intactos)" ;;
      esac
    else
      echo "✘ $carpeta: «$e» saca Points $T/$M:${por#;}"; mal=1
    fi
  done
  echo "  $carpeta: $(($(date +%s) - t)) s"
  return $mal
}

con_plantilla() { [ -d "$SAL/$1/plantilla" ]; }
labs_a_la_vez "$SAL" con_plantilla un_lab || mal=1
echo "  classroom: $(($(date +%s) - inicio)) s en total"
exit $mal
