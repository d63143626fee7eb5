#!/usr/bin/env bash
# vigilar.sh — `make vigilar-practica L=02`: comprueba los ejercicios de práctica y vuelve a
# comprobarlos cada vez que guardas uno de sus ejercicio.c (como make vigilar con los
# laboratorios). El que guardaste va primero: su veredicto sale sin esperar a que se
# comprueben otra vez los de antes (con tres ejercicios y valgrind, eran varios segundos); los
# demás, después. Ctrl+C sale. Los argumentos son los de practica.sh. VIGILAR_VECES=N sale
# sola tras N comprobaciones. Necesita inotifywait (paquete inotify-tools: make deps).
set -u
aqui=$(cd "$(dirname "$0")" && pwd)
if ! command -v inotifywait >/dev/null 2>&1; then
  echo "vigilar-practica: falta la orden inotifywait (paquete inotify-tools). Instálala con: make deps" >&2
  exit 2
fi
archivos=()
opciones=() # lo que no es una carpeta de lessons/ (-B build…)
for a in "$@"; do
  case "$a" in lessons/*) ;; *) opciones+=("$a"); continue ;; esac
  [ -d "$a" ] || continue
  while IFS= read -r f; do archivos+=("$f"); done < <(find "$a" -name ejercicio.c | sort)
done
[ ${#archivos[@]} -gt 0 ] || { echo "vigilar-practica: no hay ejercicios que vigilar" >&2; exit 2; }
trap 'printf "\nFin de la vigilancia.\n"; exit 0' INT TERM
n=0
primero="" # la carpeta del ejercicio que se acaba de guardar
while :; do
  n=$((n + 1))
  [ -t 1 ] && printf '\033[H\033[2J'
  printf 'Comprobación n.º %d, a las %s · guarda un ejercicio.c para volver a comprobar · Ctrl+C para salir\n' "$n" "$(date +%H:%M:%S)"
  if [ -n "$primero" ]; then
    otros=()
    for a in "${archivos[@]}"; do [ "$(dirname "$a")" = "$primero" ] || otros+=("$(dirname "$a")"); done
    bash "$aqui/practica.sh" "${opciones[@]}" "$primero"
    [ ${#otros[@]} -gt 0 ] && bash "$aqui/practica.sh" "${opciones[@]}" "${otros[@]}"
  else
    bash "$aqui/practica.sh" "$@"
  fi
  if [ -n "${VIGILAR_VECES:-}" ] && [ "$n" -ge "$VIGILAR_VECES" ]; then exit 0; fi
  guardado=$(inotifywait -q -e close_write -e moved_to --format '%w' "${archivos[@]}" 2>/dev/null)
  primero=""
  [ -n "$guardado" ] && primero=$(dirname "$guardado")
done
