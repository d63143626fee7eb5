# comun.sh — lo que comparten las pruebas de plataformas (se carga con `source`): podman con
# las opciones que funcionan en nuestras máquinas, las imágenes de Debian hechas con
# mmdebstrap (una vez, reutilizadas desde build/ y desde el almacén de podman) y la copia
# del curso que entra en cada contenedor.
#
# Medido en nuestras máquinas (Debian 12, podman 4.3, como root):
#   · crun no arranca con los cgroups híbridos del núcleo: --runtime runc y cgroupfs;
#   · los ulimit por omisión fallan con EPERM: --ulimit nofile y nproc explícitos;
#   · apt dentro del contenedor necesita --network host (no hay otra red configurada);
#   · en un chroot no se pueden crear espacios de nombres de usuario: bwrap no funciona ahí.
set -u
RAIZ_CURSO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
PLAT_DIR="$RAIZ_CURSO/build/plataformas"
mkdir -p "$PLAT_DIR"
export TMPDIR="${TMPDIR:-$RAIZ_CURSO/build/tmp}"
mkdir -p "$TMPDIR"

# podman ARGS…: podman con el runtime y el gestor de cgroups que funcionan aquí.
pod() {
  podman --runtime runc --cgroup-manager=cgroupfs "$@"
}

# pod_run ARGS…: `podman run` efímero con los límites que funcionan aquí. Las capacidades
# son las de por omisión de podman (sin CAP_SYS_PTRACE ni CAP_SYS_ADMIN): lo que da Docker.
# Cada contenedor lleva la etiqueta de su fila (PLAT_ETIQUETA, la pone prueba-plataformas.sh):
# si la fila pasa de su presupuesto y se corta, los contenedores siguen vivos (bash como PID 1
# no muere con SIGTERM) y el ejecutor los borra por la etiqueta.
pod_run() {
  pod run --rm --network host --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 \
    --label "curso-plataformas=${PLAT_ETIQUETA:-suelta}" "$@"
}

# clave_imagen SUITE-PERFIL: la clave de caché de una imagen con dependencias: cambia si
# cambia la tabla de dependencias.sh (de DEPENDENCIAS= a PERFILES=: las comprobaciones, sus
# paquetes y los perfiles) o IMAGEN_VERSION (súbela si cambia cómo se hace la imagen en
# imagen.sh).
IMAGEN_VERSION=1
clave_imagen() {
  { sed -n "/^DEPENDENCIAS='/,/^PERFILES=/p" "$RAIZ_CURSO/common/herramientas/dependencias.sh"; echo "$1-$IMAGEN_VERSION"; } |
    sha256sum | cut -c1-12
}

# cache_apt SUITE: la carpeta donde se guardan los .deb descargados para SUITE (bookworm,
# trixie): la usan las instalaciones que hacen imágenes (imagen.sh, una a la vez por su
# cerrojo). Una por versión: dos versiones a la vez no se pisan el cerrojo de apt.
cache_apt() {
  mkdir -p "$PLAT_DIR/apt-$1/partial"
  echo "$PLAT_DIR/apt-$1"
}

# copia_cache_apt SUITE: una copia de cache_apt SUITE con enlaces duros, para un contenedor
# que instala a la vez que otros (setup.sh de Gradescope, make grade en el contenedor): apt
# toma un cerrojo sobre la carpeta y dos contenedores con la misma fallaban («Could not get
# lock /var/cache/apt/archives/lock»). Instalar otra vez los mismos paquetes no los vuelve a
# descargar. Quien la pide la borra al terminar.
copia_cache_apt() {
  local d
  d=$(mktemp -d "$PLAT_DIR/apt-copia.XXXXXX")
  cp -al "$(cache_apt "$1")/." "$d/" && rm -f "$d/lock" && echo "$d"
}

# hay_imagen NOMBRE: ¿está ya en el almacén de podman?
hay_imagen() {
  pod image exists "$1" 2>/dev/null
}

# copia_curso: un tar con los archivos del curso (los versionados y los nuevos sin ignorar,
# tal como están en la copia de trabajo; nunca build/). Imprime su ruta.
copia_curso() {
  local tar="$PLAT_DIR/curso.tar"
  (cd "$RAIZ_CURSO" && git ls-files -co --exclude-standard -z |
    xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' |
    tar --null -T - -cf "$tar.$$") && mv "$tar.$$" "$tar"  # quien ya lo lee sigue con el suyo
  echo "$tar"
}

# Resultado de una fila: «✔ nombre (N s)» o «✘ nombre (N s): motivo», y el estado.
fila_bien() { printf '✔ %s\n' "$*"; }
fila_mal() { printf '✘ %s\n' "$*" >&2; }

# notas_de RESULTS.JSON: «lab puntos máximo» por laboratorio, de un results.json.
notas_de() {
  python3 - "$1" <<'FIN'
import json, sys
d = json.load(open(sys.argv[1]))
labs = {}
for t in d.get("tests", []):
    lab = t.get("extra_data", {}).get("lab", "?")
    p, m = labs.get(lab, (0, 0))
    labs[lab] = (p + t.get("score", 0), m + t.get("max_score", 0))
for lab, (p, m) in sorted(labs.items()):
    print(lab, p, m)
FIN
}

# deps_desnuda SUITE FILA: las filas deps-debian12 y deps-debian13. En la raíz mínima de SUITE
# (mmdebstrap --variant=minbase: sin make, sin python3, sin listas de apt), un contenedor
# nuevo por perfil, como root:
#   · `dependencias.sh asegurar PERFIL "make deps-PERFIL"` (lo que ejecuta make deps-PERFIL:
#     la imagen mínima no trae make) instala el perfil desde nada y sale con 0;
#   · después, para grade, bench y test (los que instalan make), `make deps-PERFIL` sale con 0
#     y no dice nada;
#   · `dependencias.sh comprobar PERFIL` sale con 0.
# En el contenedor de test se instala además `todo` (make deps) y se comprueban todos los
# perfiles menos plataformas. Cada perfil va en su contenedor: un paquete que falta en la
# lista de uno no lo tapa lo que instaló otro. DEPS_PERFILES elige perfiles (por omisión,
# todos; test primero). Los .deb se descargan una vez por fila (una copia de cache_apt).
deps_desnuda() {
  local suite=$1 fila=$2 base sal tar cache perfil mal=0 inicio s p rc
  base=$(bash "$(dirname "${BASH_SOURCE[0]}")/imagen.sh" raiz "$suite") || return 1
  sal="$PLAT_DIR/$fila"
  rm -rf "$sal" && mkdir -p "$sal"
  tar=$(copia_curso)
  cache=$(copia_cache_apt "$suite") || return 1
  # shellcheck disable=SC2064
  trap "rm -rf '$cache'" RETURN
  for perfil in ${DEPS_PERFILES:-test grade libro bench estudiante plataformas}; do
    inicio=$(date +%s)
    pod_run -v "$tar:/curso.tar:ro" -v "$sal:/salida" -v "$cache:/var/cache/apt/archives" \
      "$base" bash -c '
        perfil=$1
        mkdir -p /curso && tar -C /curso -xf /curso.tar && cd /curso
        deps() { bash common/herramientas/dependencias.sh "$@"; }
        # Lo que trae la imagen mínima antes de nada: ni make ni python3.
        for o in make python3 cc; do command -v $o >/dev/null && echo $o; done >/salida/$perfil-traia.txt
        deps asegurar $perfil "make deps-$perfil" >/salida/$perfil-asegurar.log 2>&1
        echo $? >/salida/$perfil-asegurar.rc
        comprobar=$perfil
        if [ $perfil = test ]; then
          make --no-print-directory deps >/salida/todo-asegurar.log 2>&1; echo $? >/salida/todo-asegurar.rc
          comprobar="grade bench libro test estudiante todo"
        fi
        case $perfil in
          grade | bench | test)
            make --no-print-directory deps-$perfil >/salida/$perfil-make.log 2>&1
            echo $? >/salida/$perfil-make.rc ;;
        esac
        for p in $comprobar; do
          deps comprobar $p >/salida/$perfil-comprobar-$p.log 2>&1; echo $? >/salida/$perfil-comprobar-$p.rc
        done
        dpkg-query -W -f "\${Package}\n" | wc -l >/salida/$perfil-paquetes.txt
      ' _ "$perfil" >"$sal/$perfil-contenedor.log" 2>&1
    s=$(($(date +%s) - inicio))
    if [ -s "$sal/$perfil-traia.txt" ]; then
      echo "✘ $fila: la imagen mínima ya traía $(tr '\n' ' ' <"$sal/$perfil-traia.txt")(no es una imagen desnuda)"; mal=1
    fi
    rc=$(cat "$sal/$perfil-asegurar.rc" 2>/dev/null || echo -)
    if [ "$rc" = 0 ]; then
      echo "✔ $fila: $perfil instalado desde la imagen mínima ($(cat "$sal/$perfil-paquetes.txt") paquetes, $s s)"
    else
      echo "✘ $fila: make deps-$perfil (asegurar $perfil) salió con $rc en $s s; últimas líneas:"
      tail -n 15 "$sal/$perfil-asegurar.log" "$sal/$perfil-contenedor.log" 2>/dev/null | sed 's/^/    /'; mal=1
      continue
    fi
    if [ "$perfil" = test ]; then
      if [ "$(cat "$sal/todo-asegurar.rc" 2>/dev/null)" = 0 ]; then
        echo "✔ $fila: después, make deps (todo) sale con 0"
      else
        echo "✘ $fila: después, make deps (todo) falló:"; tail -n 15 "$sal/todo-asegurar.log" | sed 's/^/    /'; mal=1
      fi
    fi
    if [ -f "$sal/$perfil-make.rc" ]; then
      if [ "$(cat "$sal/$perfil-make.rc")" = 0 ] && [ ! -s "$sal/$perfil-make.log" ]; then
        echo "✔ $fila: después, make deps-$perfil sale con 0 sin decir nada"
      else
        echo "✘ $fila: después, make deps-$perfil:"; sed 's/^/    /' "$sal/$perfil-make.log"; mal=1
      fi
    fi
    for p in $( [ "$perfil" = test ] && echo grade bench libro test estudiante todo || echo "$perfil"); do
      if [ "$(cat "$sal/$perfil-comprobar-$p.rc" 2>/dev/null)" = 0 ]; then
        echo "✔ $fila: dependencias.sh comprobar $p sale con 0"
      else
        echo "✘ $fila: dependencias.sh comprobar $p (contenedor de $perfil):"
        sed 's/^/    /' "$sal/$perfil-comprobar-$p.log" 2>/dev/null; mal=1
      fi
    done
  done
  # Los .deb descargados, a la caché de SUITE (sin pisar nada): la próxima vez no se bajan.
  cp -aln "$cache"/*.deb "$(cache_apt "$suite")/" 2>/dev/null
  return $mal
}

# labs_a_la_vez DIR LISTO UN_LAB: `UN_LAB NN` por cada NN de ${labs[@]} cuya carpeta cumpla
# `LISTO carpeta`, A_LA_VEZ a la vez; la salida de cada uno en DIR/carpeta/informe.txt y su
# código en DIR/carpeta/rc (wait -n ya ha recogido a algunos). Al final, los informes en el
# orden de los laboratorios. Devuelve 1 si alguno no salió con 0.
labs_a_la_vez() {
  local dir=$1 listo=$2 un_lab=$3 n carpeta r=0
  local hechos=()
  for n in "${labs[@]}"; do
    carpeta=$(basename labs/"$n"-*)
    "$listo" "$carpeta" || continue
    while [ "$(jobs -rp | wc -l)" -ge "$A_LA_VEZ" ]; do wait -n; done
    ("$un_lab" "$n"; echo $? >"$dir/$carpeta/rc") >"$dir/$carpeta/informe.txt" 2>&1 &
    hechos+=("$carpeta")
  done
  wait
  for carpeta in "${hechos[@]}"; do
    cat "$dir/$carpeta/informe.txt"
    [ "$(cat "$dir/$carpeta/rc" 2>/dev/null)" = 0 ] || { echo "✘ $carpeta: no cumple"; r=1; }
  done
  return $r
}
