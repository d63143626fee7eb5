#!/usr/bin/env bash
# vigilar.sh — `make vigilar-practica L=02`: comprueba los ejercicios de práctica y vuelve a
# comprobarlos cada vez que guardas uno de sus ejercicio.c (como make vigilar con los
# laboratorios). Ctrl+C sale. Los argumentos son los de practica.sh. VIGILAR_VECES=N sale
# sola tras N comprobaciones. Necesita inotifywait (paquete inotify-tools: make deps).
set -u
aqui=$(cd "$(dirname "$0")" && pwd)
if ! command -v inotifywait >/dev/null 2>&1; then
  echo "vigilar-practica: falta la orden inotifywait (paquete inotify-tools). Instálala con: make deps" >&2
  exit 2
fi
archivos=()
for a in "$@"; do
  case "$a" in lessons/*) ;; *) continue ;; esac
  [ -d "$a" ] || continue
  while IFS= read -r f; do archivos+=("$f"); done < <(find "$a" -name ejercicio.c | sort)
done
[ ${#archivos[@]} -gt 0 ] || { echo "vigilar-practica: no hay ejercicios que vigilar" >&2; exit 2; }
trap 'printf "\nFin de la vigilancia.\n"; exit 0' INT TERM
n=0
while :; do
  n=$((n + 1))
  [ -t 1 ] && printf '\033[H\033[2J'
  printf 'Comprobación n.º %d, a las %s · guarda un ejercicio.c para volver a comprobar · Ctrl+C para salir\n' "$n" "$(date +%H:%M:%S)"
  bash "$aqui/practica.sh" "$@"
  if [ -n "${VIGILAR_VECES:-}" ] && [ "$n" -ge "$VIGILAR_VECES" ]; then exit 0; fi
  inotifywait -qq -e close_write -e moved_to "${archivos[@]}" 2>/dev/null
done
