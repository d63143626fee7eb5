#!/usr/bin/env bash
# arbol.sh — la envoltura de los casos de «recorrer una carpeta con un tope» (la línea
# «envoltura:» de casos; formato en lessons/practica/README.md).
#
# El comprobador lo ejecuta en una carpeta vacía propia del caso, con la orden del programa y
# sus argumentos en "$@" y el id del caso en PRACTICA_CASO. Construye el árbol que el caso
# recorre, ejecuta el programa y escribe en $ESPERADA la salida esperada, **medida aquí** con
# find (que tampoco sigue los enlaces simbólicos): ningún total está escrito a mano.
#
#   arbol     subcarpetas anidadas, archivos de varios tamaños, ocultos y una carpeta vacía
#   enlaces   enlaces simbólicos a una carpeta y a un archivo de fuera, a la madre y a nada, y
#             una FIFO: ni se siguen ni se suman
#   cerrada   una subcarpeta sin permisos (0000): su error, y las demás siguen
#   tope      361 peticiones bajo strace con N = 1: nunca empiezan dos en la misma vuelta
#   memoria   (bajo valgrind) el árbol de cerrada: también el camino del error libera
#
# Root lee una carpeta 0000 igual (le basta CAP_DAC_OVERRIDE): como root, el programa corre sin
# capacidades (setpriv, de util-linux), como un usuario normal en su propia carpeta.
set -u
export UV_USE_IO_URING=0 # libuv 1.45–1.48 haría los lstat por io_uring, sin llamadas que ver
caso=${PRACTICA_CASO:?falta PRACTICA_CASO: este guion lo ejecuta lessons/practica/practica.sh}
esperada=${ESPERADA:?falta ESPERADA}

# archivo RUTA BYTES: un archivo de ese tamaño. Sin procesos nuevos salvo un mkdir por
# carpeta (printf y test son de bash): con la máquina cargada, cada proceso cuenta.
archivo() {
  [ -d "${1%/*}" ] || mkdir -p "${1%/*}"
  printf "%*s" "$2" "" >"$1"
}

# medir CARPETA [PODADA]: «ruta: N bytes» por cada carpeta de CARPETA (salvo PODADA y lo de
# dentro), en el orden de strcmp de la ruta; N, los archivos regulares de dentro, a cualquier
# profundidad. Es lo que el programa debe imprimir.
medir() {
  local poda=(-false)
  [ -n "${2:-}" ] && poda=(-path "$2")
  { find "$1" \( "${poda[@]}" \) -prune -o -type d -printf 'd\t%p\n'
    find "$1" \( "${poda[@]}" \) -prune -o -type f -printf 'f\t%h\t%s\n'; } |
    LC_ALL=C awk -F'\t' -v raiz="$1" '
      $1 == "d" { bytes[$2] += 0; next }
      { for (c = $2; ; sub(/\/[^\/]*$/, "", c)) { bytes[c] += $3; if (c == raiz) break } }
      END { for (c in bytes) printf "%s\t%d\n", c, bytes[c] }' |
    LC_ALL=C sort -t "$(printf '\t')" -k1,1 | awk -F'\t' '{ printf "%s: %d bytes\n", $1, $2 }'
}

# Como root, sin capacidades: una carpeta 0000 no se puede leer (como le pasa a cualquiera).
sin_privilegios() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --inh-caps=-all --bounding-set=-all -- "$@"
  else
    "$@"
  fi
}

# cerrar CARPETA: le quita los permisos y comprueba que el programa no podrá listarla.
cerrar() {
  chmod 0 "$1"
  if ! sin_privilegios true 2>/dev/null; then
    echo "arbol.sh: como root, este caso necesita setpriv (util-linux) y poder quitarse capacidades" >&2
    exit 3
  fi
  if sin_privilegios ls "$1" >/dev/null 2>&1; then
    echo "arbol.sh: $1 (0000) se puede leer igual: este caso no se puede preparar aquí" >&2
    exit 3
  fi
}

anidadas() {
  archivo arbol/notas.txt 1200
  archivo arbol/.oculto 30
  archivo arbol/a/uno.txt 100
  archivo arbol/a/dos.txt 2500
  archivo arbol/a/x/tres.txt 7
  archivo arbol/a/x/.escondido 13
  archivo arbol/a/x/y/cuatro 64
  archivo arbol/b/cinco 0
  archivo arbol/b/seis 999
  archivo arbol/c/.config/ajustes 42
  mkdir -p arbol/vacia
}

case $caso in
arbol)
  anidadas
  medir arbol >"$esperada"
  "$@"
  ;;
enlaces)
  archivo fuera/grande.bin 50000
  archivo fuera/dentro/mas.bin 7000
  archivo arbol/a/uno.txt 100
  archivo arbol/b/dos.txt 20
  ln -s ../fuera arbol/atajo           # a una carpeta de fuera
  ln -s ../../fuera/grande.bin arbol/a/grande # a un archivo de fuera
  ln -s .. arbol/b/arriba              # a su madre: seguirlo no acaba nunca
  ln -s no-existe arbol/roto           # a nada
  mkfifo arbol/tuberia
  medir arbol >"$esperada"
  "$@"
  ;;
cerrada | memoria)
  archivo arbol/a/uno.txt 100
  archivo arbol/b/antes/dos.txt 20
  archivo arbol/b/cerrada/secreto.txt 500
  archivo arbol/b/cerrada/dentro/mas.txt 5000
  archivo arbol/b/despues/tres.txt 3
  archivo arbol/z/cuatro.txt 4000
  archivo arbol/z/z/cinco.txt 1
  { medir arbol arbol/b/cerrada
    echo "no puedo listar arbol/b/cerrada: permiso denegado"; } >"$esperada"
  cerrar arbol/b/cerrada
  sin_privilegios "$@"
  ;;
tope)
  # 12 carpetas con 25 archivos y una subcarpeta cada una: 361 peticiones (uv_fs_scandir
  # y uv_fs_lstat).
  mkdir -p grande/d{01..12}/s
  for ((d = 1; d <= 12; d++)); do
    for ((f = 1; f <= 25; f++)); do
      printf -v ruta 'grande/d%02d/f%02d' "$d" "$f"
      archivo "$ruta" $((d * 100 + f))
    done
    printf -v ruta 'grande/d%02d/s/ultimo' "$d"
    archivo "$ruta" "$d"
  done
  medir grande >"$esperada"
  if ! command -v strace >/dev/null; then
    echo "arbol.sh: falta strace (make deps)" >&2
    exit 3
  fi
  strace -f -qq -o traza -e trace='/^(statx|newfstatat|fstatat64|lstat|lstat64|openat|epoll_wait|epoll_pwait|epoll_pwait2)$' "$@"
  estado=$?
  # Cada petición empieza con una llamada que se ve: la que lleva su ruta (statx o lstat de
  # uv_fs_lstat, openat de la carpeta de uv_fs_scandir). Su callback solo puede llegar
  # después de que el hilo del bucle vuelva de epoll_wait, y con N = 1 la siguiente se lanza
  # en esa callback: entre dos vueltas de epoll_wait empieza como mucho una. Dos en el mismo
  # tramo quieren decir que la segunda se lanzó con la primera aún en curso. Una ruta se
  # cuenta una vez por tramo (si statx no existe, libuv repite con lstat).
  LC_ALL=C awk '
    /epoll_p?wait2?\(/ && !/unfinished/ || /<\.\.\. epoll_p?wait2? resumed>/ { tramo(); next }
    /(statx|newfstatat|fstatat64|lstat|lstat64)\(/ || /openat\(.*O_DIRECTORY/ {
      if (match($0, /"grande[^"]*"/)) {
        r = substr($0, RSTART, RLENGTH); vistas++
        if (!(r in ya)) { ya[r] = 1; n++ }
      }
    }
    function tramo() { if (n > max) max = n; n = 0; delete ya }
    END {
      tramo()
      if (vistas == 0) print "peticiones en curso a la vez, vistas con strace: ninguna petición vista"
      else if (max <= 1) print "peticiones en curso a la vez, vistas con strace: como mucho 1"
      else printf "peticiones en curso a la vez, vistas con strace: más de 1 (%d empezaron en la misma vuelta del bucle)\n", max
    }' traza
  echo "peticiones en curso a la vez, vistas con strace: como mucho 1" >>"$esperada"
  exit "$estado"
  ;;
*)
  echo "arbol.sh: caso desconocido: $caso" >&2
  exit 3
  ;;
esac
