#!/usr/bin/env bash
# imagen.sh — las imágenes de Debian de la suite de plataformas, hechas una vez y reutilizadas.
#
#   imagen.sh raiz SUITE            imprime el nombre de la imagen mínima de SUITE (bookworm,
#                                   trixie): `mmdebstrap --variant=minbase` de los paquetes de
#                                   Debian, importada en podman. Es «un contenedor recién
#                                   creado» (como el de Gradescope): sin nada del curso.
#   imagen.sh curso SUITE PERFIL    imprime el nombre de la imagen con las dependencias del
#                                   perfil (dependencias.sh instalar PERFIL) ya instaladas.
#
# Una sola raíz de mmdebstrap por versión de Debian, y de ella salen todas las imágenes de
# esa versión (la de Gradescope, la del contenedor de desarrollo, la de Debian 13…).
# Caché: la raíz queda en build/plataformas/raiz-SUITE.tar y las imágenes en el almacén de
# podman con una etiqueta que es la clave (clave_imagen: cambia si cambian las listas de
# paquetes o estos guiones). Un clon nuevo del curso en la misma máquina reutiliza las
# imágenes de podman; en una máquina nueva se hacen otra vez (unos minutos cada una).
# Las filas corren a la vez: cada imagen se hace bajo su cerrojo (flock), y quien llega
# después espera y la reutiliza.
set -euo pipefail
# shellcheck source=comun.sh
source "$(dirname "$0")/comun.sh"

RAIZ_VERSION=2

raiz() {
  local suite=$1 clave nombre tar gancho
  # La raíz mínima solo depende de la versión de Debian y de cómo se hace (RAIZ_VERSION:
  # súbela si cambias esta función).
  clave=$(echo "$suite-$RAIZ_VERSION" | sha256sum | cut -c1-12)
  nombre="localhost/curso-$suite-raiz:$clave"
  if hay_imagen "$nombre"; then echo "$nombre"; return 0; fi
  tar="$PLAT_DIR/raiz-$suite-$clave.tar"
  if [ ! -s "$tar" ]; then
    # mmdebstrap, no debootstrap: descarga con apt (en paralelo) y escribe el tar directamente;
    # medido con la máquina cargada (carga 25–45 en 2 núcleos), la raíz de trixie en 6 min
    # (debootstrap: 11) y la de bookworm en 3 (debootstrap: 11). Lo que Docker hace en sus imágenes de Debian: que apt no arranque servicios al
    # instalar (policy-rc.d) y que dpkg no haga fsync de cada archivo (force-unsafe-io, que
    # queda en la imagen: las instalaciones de setup.sh y make grade también van más deprisa).
    echo "imagen.sh: mmdebstrap --variant=minbase $suite (una sola vez)…" >&2
    mmdebstrap --variant=minbase --mode=root --format=tar --dpkgopt=force-unsafe-io \
      "$suite" "$tar.tmp" >"$PLAT_DIR/mmdebstrap-$suite.log" 2>&1 || {
      tail -n 20 "$PLAT_DIR/mmdebstrap-$suite.log" >&2
      rm -f "$tar.tmp"
      return 1
    }
    # policy-rc.d se añade al tar después: mmdebstrap borra el suyo (y lo que un gancho
    # escriba en su lugar) al terminar.
    gancho=$(mktemp -d "$PLAT_DIR/policy.XXXXXX")
    mkdir -p "$gancho/usr/sbin"
    printf '#!/bin/sh\nexit 101\n' >"$gancho/usr/sbin/policy-rc.d"
    chmod 755 "$gancho/usr/sbin/policy-rc.d"
    tar -C "$gancho" --owner=0 --group=0 -rf "$tar.tmp" ./usr/sbin/policy-rc.d
    rm -rf "$gancho"
    mv "$tar.tmp" "$tar"
  fi
  pod import "$tar" "$nombre" >/dev/null 2>"$PLAT_DIR/import-$suite.log" || {
    cat "$PLAT_DIR/import-$suite.log" >&2
    return 1
  }
  echo "$nombre"
}

curso() {
  local suite=$1 perfil=$2 base clave nombre tar id
  base=$(bash "$0" raiz "$suite") || return 1
  clave=$(clave_imagen "$suite-$perfil")
  nombre="localhost/curso-$suite-$perfil:$clave"
  if hay_imagen "$nombre"; then echo "$nombre"; return 0; fi
  tar=$(copia_curso)
  local cache
  cache=$(cache_apt "$suite")
  echo "imagen.sh: instalando el perfil $perfil en $suite (una sola vez)…" >&2
  id="curso-imagen-$$"
  pod_run --name "$id" --rm=false -v "$tar:/curso.tar:ro" -v "$cache:/var/cache/apt/archives" \
    "$base" bash -c "mkdir -p /tmp/c && tar -C /tmp/c -xf /curso.tar &&
      bash /tmp/c/common/herramientas/dependencias.sh instalar $perfil && rm -rf /tmp/c" \
    >"$PLAT_DIR/imagen-$suite-$perfil.log" 2>&1 || {
    tail -n 30 "$PLAT_DIR/imagen-$suite-$perfil.log" >&2
    pod rm -f "$id" >/dev/null 2>&1
    return 1
  }
  pod commit -q "$id" "$nombre" >/dev/null
  pod rm -f "$id" >/dev/null
  echo "$nombre"
}

# Un cerrojo por imagen: dos filas que piden la misma a la vez no la hacen dos veces.
cerrojo() {
  exec 9>"$PLAT_DIR/imagen-$1.cerrojo"
  flock 9
}
case "${1:-}" in
  raiz) cerrojo "$2"; raiz "$2" ;;
  curso) cerrojo "$2-$3"; curso "$2" "$3" ;;
  *) echo "uso: $0 raiz SUITE | curso SUITE PERFIL" >&2; exit 2 ;;
esac
