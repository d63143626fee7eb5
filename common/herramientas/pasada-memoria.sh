#!/usr/bin/env bash
# pasada-memoria.sh — las dos suites de memoria de libcurso y del servidor de prácticas
# (prueba-common-valgrind y prueba-common-asan), selladas con la huella de todo lo que decide
# su veredicto. Un sello que se usa como una caché: si es de lo de ahora, `make test` lo dice y
# no las ejecuta; si no (otra plataforma, un archivo cambiado, cambios sin confirmar, fuera de
# git), las ejecuta de verdad. Nunca falla por el sello: solo por lo que encuentren.
#
#   pasada-memoria.sh pasar            las ejecuta de verdad, una detrás de otra, y si las dos
#                                      salen limpias escribe common/tests/PASADA.txt (se confirma
#                                      con lo demás): make pasada-memoria
#   pasada-memoria.sh comprobar SUITE  la que pide make test (pruebas.sh, PRUEBAS_SELLADAS)
#   pasada-memoria.sh huella           las líneas de las que sale la huella
#
# Por qué. Las dos leen el mismo código con dos herramientas: valgrind (memcheck, también la
# memoria sin inicializar) y ASan con LSan y UBSan. En la máquina del curso eran 446 s de los
# unos 2190 de CPU de `make test` y 266 s de su reloj (van solas y llenan los dos núcleos:
# casi 300 procesos bajo valgrind, y la construcción entera con ASan), y su veredicto es
# función de pocas cosas: las fuentes de common/, las reglas de make, fugas.sh y la
# plataforma (el compilador, glibc, valgrind, las bibliotecas, el núcleo y las variables de
# entorno que leen las herramientas). Con todo eso igual,
# ejecutarlas otra vez repite el mismo trabajo. A diferencia de la pasada de los hostiles, un
# sello que no casa no es un fallo: en la Debian 13 de un estudiante, o tras cambiar algo de
# common/, la suite se ejecuta como siempre. La huella sale de lo confirmado en git (`git
# ls-files -s`: modo y blob), como la de las otras pasadas, más las líneas de la plataforma.
# Lo que no entra: la carga de la máquina y el orden en que corren los procesos. Una fuga que
# solo aparezca con otro reparto del tiempo no la ve ni una ejecución de más.
set -u
# Con pwd -P: git da la carpeta del clon sin enlaces, y el curso puede estar tras uno.
raiz=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$raiz" || exit 1
registro=common/tests/PASADA.txt
SUITES=(prueba-common-valgrind prueba-common-asan)

# Lo que entra en el veredicto: las reglas de make (todas: cualquiera puede cambiar las
# opciones de compilación), las fuentes de libcurso, del servidor y de las pruebas, y lo que las
# ejecuta (fugas.sh con sus supresiones, criterion.sh, la precarga vivos). De más obliga a
# ejecutarlas sin necesidad; de menos daría por buena una versión que nadie ejecutó.
ENTRADAS=(
  Makefile '*.mk' common/src common/include common/servidor common/tests
  common/herramientas/fugas.sh common/herramientas/valgrind.supp common/herramientas/criterion.sh
  common/herramientas/vivos
)
FUERA=(":(exclude)$registro" ':(exclude)*.md')

uso() {
  echo "uso: $0 pasar | comprobar SUITE | huella" >&2
  exit 2
}

es_git() {
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 && [ "$(git rev-parse --show-toplevel)" = "$raiz" ]
}

archivos() { git ls-files -s -- "${ENTRADAS[@]}" "${FUERA[@]}" | awk '{ print $4, $1, $2 }' | LC_ALL=C sort; }

# La plataforma: lo de fuera del curso que construye y ejecuta las pruebas. Una línea que no se
# puede leer dice «-»: sigue siendo una línea, y casa solo con otra igual.
# Del núcleo, solo su versión (6.18.44 de «6.18.44-fc-v1272», 6.1.0 de «6.1.0-18-amd64»): la
# etiqueta de después cambia con cada imagen de la máquina virtual que ejecuta el CI (v1294 el
# 05-12-2026, v1272 el 07-12-2026) sin cambiar nada de lo que ven valgrind y ASan, y con ella
# el sello no casaba nunca: las dos suites corrían de verdad en cada CI (266 s del reloj de
# `make test`, que pasaba de los 20 minutos). Lo que ellas miran son las llamadas al sistema
# que hace el código del curso, las mismas en toda la serie; otra versión las ejecuta otra vez.
plataforma() {
  local m v nucleo
  nucleo=$(uname -r)
  echo "sistema $(uname -s) ${nucleo%%[!0-9.]*} $(uname -m)"
  echo "cc $(${CC:-cc} --version 2>/dev/null | head -n1)"
  echo "glibc $(getconf GNU_LIBC_VERSION 2>/dev/null || echo -)"
  echo "valgrind $(valgrind --version 2>/dev/null || echo -)"
  for m in libuv libcurl jansson criterion libpq libllhttp; do
    v=$(pkg-config --modversion "$m" 2>/dev/null) || v=-
    echo "$m $v"
  done
  # Sin libllhttp en pkg-config (Debian 12), el Makefile compila las fuentes de /usr/share/llhttp.
  if [ -d /usr/share/llhttp ]; then
    echo "llhttp-fuentes $(find /usr/share/llhttp -type f -print0 | LC_ALL=C sort -z | xargs -0 cat | sha256sum | cut -c1-16)"
  fi
  # Del entorno, lo que cambia la construcción (make lo lee) y lo que cambia el veredicto:
  # valgrind lee VALGRIND_OPTS; ASan, LSan y UBSan, sus *_OPTIONS; fugas.sh, FUGAS_JOBS y
  # FUGAS_SALTAR (qué procesos no se miran).
  echo "entorno CC=${CC:-} CFLAGS=${CFLAGS:-} LDFLAGS=${LDFLAGS:-} SAN=${SAN:-} B=${B:-}"
  echo "entorno VALGRIND_OPTS=${VALGRIND_OPTS:-} ASAN_OPTIONS=${ASAN_OPTIONS:-} LSAN_OPTIONS=${LSAN_OPTIONS:-} UBSAN_OPTIONS=${UBSAN_OPTIONS:-}"
  echo "entorno FUGAS_JOBS=${FUGAS_JOBS:-} FUGAS_SALTAR=${FUGAS_SALTAR:-}"
}

huella() { { plataforma; archivos; } | sha256sum | cut -d' ' -f1; }

sin_cambios() { # sin cambios sin confirmar ni archivos nuevos en lo que entra en la huella
  git diff --quiet HEAD -- "${ENTRADAS[@]}" "${FUERA[@]}" 2>/dev/null &&
    [ -z "$(git ls-files -o --exclude-standard -- "${ENTRADAS[@]}" "${FUERA[@]}")" ]
}

seccion() { # seccion NOMBRE < REGISTRO: las líneas de «── NOMBRE…» hasta la siguiente sección
  awk -v s="── $1" 'index($0, s) == 1 { dentro = 1; next } /^── / { dentro = 0 } dentro'
}

# ejecutar SUITE MOTIVO: la suite de verdad (sin sello que valga), con su resultado al final.
ejecutar() {
  local suite=$1 motivo=$2 rc
  echo "pasada de memoria: $motivo; se ejecuta $suite de verdad."
  make --no-print-directory "$suite"
  rc=$?
  if [ $rc = 0 ]; then
    echo "✔ pasada de memoria: $suite ejecutada ($motivo), limpia"
  else
    echo "✘ pasada de memoria: $suite ejecutada ($motivo), con fallos (arriba)"
    return 1
  fi
}

case "${1:-}" in
  huella)
    es_git || { echo "no es un clon de git: sin huella" >&2; exit 1; }
    plataforma
    archivos
    ;;
  comprobar)
    suite=${2:-}
    [[ " ${SUITES[*]} " == *" $suite "* ]] || { echo "comprobar: la suite es una de: ${SUITES[*]}" >&2; exit 2; }
    es_git || { ejecutar "$suite" "no es un clon de git"; exit; }
    [ -f "$registro" ] || { ejecutar "$suite" "no hay sello ($registro)"; exit; }
    sin_cambios || { ejecutar "$suite" "hay cambios sin confirmar en lo que decide su veredicto"; exit; }
    fila=$(seccion sello <"$registro" | awk -v s="$suite" '$1 == s')
    if [ -n "$fila" ] && [ "$(sed -n 's/^huella: //p' "$registro" | head -n1)" = "$(huella)" ]; then
      read -r _ fecha commit _ _ resumen <<<"$fila"
      echo "✔ pasada de memoria: $suite, sellada con lo de ahora y esta plataforma (${fecha//_/ }, commit $commit; ${resumen//_/ })"
      exit 0
    fi
    if [ -z "$fila" ]; then
      motivo="el sello no trae $suite"
    elif [ "$(seccion plataforma <"$registro")" != "$(plataforma)" ]; then
      motivo="el sello es de otra plataforma: $(diff <(seccion plataforma <"$registro") <(plataforma) |
        sed -n 's/^> //p' | head -n 3 | paste -sd';' | cut -c1-160)"
    else
      motivo="cambió lo que decide su veredicto: $(diff <(seccion archivos <"$registro") <(archivos) |
        sed -n 's/^[<>] \([^ ]*\) .*/\1/p' | sort -u | head -n 5 | paste -sd' ')"
    fi
    ejecutar "$suite" "$motivo"
    ;;
  pasar)
    es_git || { echo "no es un clon de git: no se sella" >&2; exit 1; }
    sin_cambios || {
      echo "Confirma antes lo que decide el veredicto (git status): la pasada es de lo confirmado." >&2
      exit 1
    }
    al_empezar=$(huella)
    mkdir -p build
    filas=""
    for suite in "${SUITES[@]}"; do
      log="build/pasada-memoria-$suite.log"
      echo "$suite, sola (make $suite): $log"
      inicio=$(date +%s)
      TIMEFORMAT='%U %S'
      { time make --no-print-directory "$suite" </dev/null >"$log" 2>&1; } 2>"$log.cpu"
      rc=$?
      segundos=$(($(date +%s) - inicio))
      cpu=$(awk '{ printf "%.0f", $1 + $2 }' "$log.cpu")
      rm -f "$log.cpu"
      resumen=$(grep '^resumen: ' "$log" | tail -n1)
      echo "  $resumen (${segundos} s, CPU ${cpu} s)"
      if [ $rc != 0 ] || ! [[ "$resumen" =~ ^resumen:\ [1-9][0-9]*\ binarios\ comprobados\ con\ [a-z]+,\ 0\ con ]]; then
        echo "$suite no salió limpia (rc=$rc): $registro sigue como estaba." >&2
        tail -n 20 "$log" >&2
        exit 1
      fi
      filas+="$suite $(date -u '+%Y-%m-%d_%H:%M_UTC') $(git rev-parse --short HEAD) $segundos $cpu ${resumen// /_}"$'\n'
    done
    if [ "$(huella)" != "$al_empezar" ] || ! sin_cambios; then
      echo "Lo que decide el veredicto cambió mientras se pasaban: no se sella." >&2
      exit 1
    fi
    {
      echo "# Pasada de memoria de libcurso y del servidor de prácticas (common/herramientas/pasada-memoria.sh):"
      echo "# make test no ejecuta estas suites mientras la huella sea la de ahora; si no, las ejecuta."
      echo "huella: $al_empezar"
      echo "── sello (suite, fecha, commit, segundos, CPU, resumen)"
      printf '%s' "$filas"
      echo "── plataforma"
      plataforma
      echo "── archivos (ruta, modo, blob)"
      archivos
    } >"$registro"
    echo "Selladas las dos en $registro: confírmalo con lo demás."
    ;;
  *) uso ;;
esac
