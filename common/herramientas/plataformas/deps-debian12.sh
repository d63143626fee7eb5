#!/usr/bin/env bash
# deps-debian12.sh — fila «make deps-PERFIL en Debian 12 desnudo»: cada perfil de
# dependencias.sh instalado desde la raíz mínima de bookworm (sin nada añadido) en un
# contenedor nuevo, y comprobado después (deps_desnuda en comun.sh).
set -u
source "$(dirname "$0")/comun.sh"
deps_desnuda bookworm deps-debian12
