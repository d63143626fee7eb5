#!/usr/bin/env bash
# vigilar.sh — `make vigilar LAB=07`: el modo vigilancia (como `rustlings watch`). Cada vez que
# guardas uno de los archivos que editas en ese laboratorio, compila en la caja y lanza las
# verificaciones en el orden del enunciado (`calificar --primera`, runner/primera.c): la
# primera que falla sale con su pista en cuanto se sabe, y las demás después, según terminan.
# Guardar otra vez para la comprobación en curso y empieza otra. No es la nota (esa la da
# make grade, que no cambia): no escribe results.json ni el progreso. Ctrl+C sale.
#
# Variables (las pasa make): LAB (obligatoria), ENTREGA (vigilar otra carpeta en vez de
# labs/NN-tema), SALIDA (carpeta de trabajo; por omisión build/vigilar), CALIFICAR (el
# ejecutor), CONSTRUCCION, CC, CALIF_CFLAGS y CALIF_LIBS (cómo compila make grade).
# VIGILAR_VECES=N sale sola tras N comprobaciones completas (para las pruebas). Necesita
# inotifywait (paquete inotify-tools, lo instala make deps).
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ" || exit 1
CALIFICAR=${CALIFICAR:-build/bin/calificar}

# shellcheck source=autograder/herramientas/lab.sh
source autograder/herramientas/lab.sh
[ -n "${LAB:-}" ] || { lab_carpeta vigilar ""; exit 2; }
if ! command -v inotifywait >/dev/null 2>&1; then
  echo "vigilar: falta la orden inotifywait (paquete inotify-tools). Instálala con: make deps" >&2
  exit 2
fi
carpeta=$(lab_carpeta vigilar "$LAB") || exit 2
numero=${carpeta:0:2}
mapfile -t archivos < <(lab_filas "$carpeta" archivo)
dir=${ENTREGA:-labs/$carpeta}
if [ ! -d "$dir" ]; then
  echo "vigilar: no existe la carpeta $dir" >&2
  exit 2
fi
salida=${SALIDA:-$RAIZ/build/vigilar}
mkdir -p "$salida"
orden=("$CALIFICAR" --raiz "$RAIZ" --construccion "${CONSTRUCCION:-$RAIZ/build}" --cc "${CC:-cc}"
  --cflags "${CALIF_CFLAGS:-}" --libs "${CALIF_LIBS:-}" --lab "$carpeta" --salida "$salida" --primera)
[ -n "${ENTREGA:-}" ] && orden+=(--entrega "$ENTREGA")

# Solo se borra la pantalla en una terminal; en un archivo, cada comprobación va detrás de
# la anterior.
limpiar_pantalla() { [ -t 1 ] && printf '\033[H\033[2J'; return 0; }

vigilante=""
comprobando="" # pid de calificar --primera mientras comprueba
# Para la comprobación en curso: calificar mata sus verificaciones y barre lo que quede.
parar_comprobacion() {
  if [ -n "$comprobando" ]; then
    kill -TERM "$comprobando" 2>/dev/null
    wait "$comprobando" 2>/dev/null
    comprobando=""
  fi
}
salir() {
  parar_comprobacion
  [ -n "$vigilante" ] && kill "$vigilante" 2>/dev/null && wait "$vigilante" 2>/dev/null
  printf '\nFin de la vigilancia del laboratorio %s. La nota: make grade LAB=%s.\n' "$numero" "$numero"
  exit 0
}
trap salir INT TERM HUP # HUP: se cerró la terminal; las verificaciones en curso no deben quedar huérfanas

n=0
completas=0
trozo="" # lo leído de una línea del vigilante cuando venció un read -t (ver el bucle)
comprobar() {
  n=$((n + 1))
  limpiar_pantalla
  printf 'Vigilando %s/{%s} · guarda para volver a comprobar · Ctrl+C para salir\n' "$dir" "$(IFS=,; echo "${archivos[*]}")"
  printf 'Comprobación n.º %d, a las %s\n\n' "$n" "$(date +%H:%M:%S)"
  # En segundo plano (sin control de trabajos ignora SIGINT: Ctrl+C llega a este guion, que
  # la para con SIGTERM), para poder pararla si se vuelve a guardar.
  "${orden[@]}" &
  comprobando=$!
}

# El vigilante: una línea por archivo guardado en la carpeta (los editores que guardan con
# un temporal y rename dan moved_to; los demás, close_write).
coproc VIGILANTE { exec inotifywait -m -q -e close_write,moved_to,create --format '%f' "$dir"; }
vigilante=$VIGILANTE_PID
comprobar
while :; do
  if [ -n "$comprobando" ] && ! kill -0 "$comprobando" 2>/dev/null; then
    wait "$comprobando" 2>/dev/null
    comprobando=""
    completas=$((completas + 1))
    printf '\nEsperando cambios en %s…\n' "$(IFS=' '; echo "${archivos[*]}")"
  fi
  if [ -z "$comprobando" ] && [ -n "${VIGILAR_VECES:-}" ] && [ "$completas" -ge "$VIGILAR_VECES" ]; then
    salir
  fi
  # Mientras comprueba, se mira cada 0.1 s si terminó; si no, se espera al próximo guardado.
  # Un read -t que vence a medio leer una línea se queda con el trozo leído: se guarda en
  # «trozo» y la línea se completa en la vuelta siguiente. Sin eso, con la máquina cargada se
  # perdía un guardado entero (sesión 81: en prueba-vigilar, la 2.ª comprobación no paró).
  if [ -n "$comprobando" ]; then
    IFS= read -r -t 0.1 resto <&"${VIGILANTE[0]}"
    r=$?
    if [ $r -gt 128 ]; then
      trozo+=$resto
      continue # nada entero nuevo
    fi
  else
    IFS= read -r resto <&"${VIGILANTE[0]}"
    r=$?
  fi
  nombre=$trozo$resto
  trozo=""
  [ $r -eq 0 ] || salir # inotifywait terminó
  es_nuestro=0
  for a in "${archivos[@]}"; do [ "$nombre" = "$a" ] && es_nuestro=1; done
  [ $es_nuestro -eq 1 ] || continue
  # Un guardado suele dar varios eventos seguidos (en milisegundos): se espera a que se calmen.
  while IFS= read -r -t 0.1 nombre <&"${VIGILANTE[0]}"; do :; done
  parar_comprobacion
  comprobar
done
