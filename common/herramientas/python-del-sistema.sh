#!/usr/bin/env bash
# python-del-sistema.sh — para usar con `source`: deja en el PATH, delante, el python3 de Debian
# (/usr/bin/python3) si el que se encontraría antes es otro (pyenv, un venv, conda).
#
#   . common/herramientas/python-del-sistema.sh CARPETA      (bash)
#   PY_CARPETA=CARPETA; . common/herramientas/python-del-sistema.sh   (sh de make: su «.» no pasa
#                                                                       argumentos)
#
# CARPETA: donde dejar el enlace (CARPETA/bin/python3); la de build de quien lo usa. Vale en sh
# y en bash.
#
# Por qué: las pruebas y las pasadas leen cada results.json y cada fila de notas.csv con un
# python3, cientos de veces. El de Debian es el que dependencias.sh instala con los módulos que
# usan; el de pyenv entra por un «shim», tres guiones de bash antes de python: en la máquina de
# CI del 02-12-2026, 0,8 s de CPU por llamada frente a 0,03, y el 03-12-2026, con la máquina
# ocupada, 2,1 s de reloj frente a 0,2. Sin /usr/bin/python3 no cambia nada. No sale nunca con
# error: el PATH queda como estaba si no puede crear el enlace.
PY_CARPETA=${1:-${PY_CARPETA:-}}
if [ -x /usr/bin/python3 ] && [ "$(command -v python3)" != /usr/bin/python3 ] && [ -n "$PY_CARPETA" ]; then
  if mkdir -p "$PY_CARPETA/bin" && ln -sfn /usr/bin/python3 "$PY_CARPETA/bin/python3"; then
    PATH="$(cd "$PY_CARPETA/bin" && pwd):$PATH"
    export PATH
  fi
fi
