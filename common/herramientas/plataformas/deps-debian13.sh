#!/usr/bin/env bash
# deps-debian13.sh — fila «make deps-PERFIL en Debian 13 desnudo»: cada perfil de
# dependencias.sh instalado desde la raíz mínima de trixie (sin nada añadido) en un
# contenedor nuevo, y comprobado después (deps_desnuda en comun.sh).
set -u
source "$(dirname "$0")/comun.sh"
deps_desnuda trixie deps-debian13
