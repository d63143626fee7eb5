# shellcheck shell=bash
# canales-criterion.sh — se carga con «source»: borra los sockets que Criterion deja en /tmp.
#
# Criterion 2.4 une sus procesos por /tmp/criterion_<pid>.sock, una ruta fija que no sigue a
# TMPDIR y que solo borra si termina por su pie. Los comprobadores de las lecciones ejecutan
# programas de Criterion del estudiante (la práctica 2 de la lección 11) con límite de tiempo, y
# uno parado por el límite (la partida de esa práctica, contra «cuelga») dejaba su socket en
# /tmp. (El calificador de los laboratorios no: lleva el suyo a $CALIF_CANAL, autograder/lib/
# canal.c.)
#
#   canales_criterion_barrer MARCA
# Borra los /tmp/criterion_<pid>.sock de este usuario más nuevos que el archivo MARCA cuyo
# proceso ya no existe. El de un proceso vivo (otra comprobación a la vez, otro usuario) no se
# toca.
canales_criterion_barrer() {
  local marca=$1 s pid
  for s in /tmp/criterion_*.sock; do
    if [ -S "$s" ] && [ -O "$s" ] && [ "$s" -nt "$marca" ]; then
      pid=${s#/tmp/criterion_}
      pid=${pid%.sock}
      [ -d "/proc/$pid" ] || rm -f "$s"
    fi
  done
}
