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
# cambian las listas de paquetes de dependencias.sh (las líneas PAQ_…) o IMAGEN_VERSION
# (súbela si cambia cómo se hace la imagen en imagen.sh).
IMAGEN_VERSION=1
clave_imagen() {
  { sed -n '/^PAQ_[A-Z]*=(/,/)/p' "$RAIZ_CURSO/common/herramientas/dependencias.sh"; echo "$1-$IMAGEN_VERSION"; } |
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
