#!/usr/bin/env bash
# practica.sh — comprueba los ejercicios de práctica de las lecciones (`make practica L=02`).
#
# Cada ejercicio es una carpeta lessons/NN-tema/practica/N-nombre/ con su enunciado
# (README.md), el archivo que escribe el estudiante (ejercicio.c, que compila desde el
# principio) y su manifiesto (casos, formato en lessons/practica/README.md). Este guion
# compila ejercicio.c con libcurso, lo ejecuta como un proceso aparte con cada caso y lo juzga
# desde fuera: su salida (con las reglas tolerantes de las lecciones, lessons/verificar/
# comparar.awk), su estado de salida, el tiempo transcurrido medido aquí y valgrind.
#
# Uso: practica.sh [-B build] [--codigo ARCHIVO] [--resultados ARCHIVO] [--breve] CARPETA...
#   CARPETA       una lección (lessons/02-…: todos sus ejercicios) o un ejercicio
#   --codigo F    compila F en vez de ejercicio.c (las pruebas: la respuesta, un mutante)
#   --resultados  añade a ese archivo una línea «ejercicio caso ok|falla» por caso
#   --breve       solo la línea de cada caso (sin el detalle del primero que falla)
#   --hasta-fallo deja de ejecutar casos tras el primero que falla (las pruebas, con la partida)
#   --todos       ejecuta todos los casos aunque uno se cuelgue (las pruebas, con los mutantes:
#                 cada uno tiene que perder justo sus casos)
# Sin --todos, un caso que no termina a tiempo para su ejercicio: los demás casos de ese
# ejercicio salen como «no se ejecutó» (con valgrind, un programa que ya se colgó solo haría
# esperar un minuto más para decir lo mismo). Los ejercicios se comprueban a la vez
# (PRACTICA_EJERCICIOS_J, 3 por omisión) y salen en orden, cada uno en cuanto se sabe.
# Los casos de un ejercicio van uno detrás de otro, salvo si su manifiesto dice «a la vez»
# (casos que no comparten nada: ni archivos, ni un servidor, ni tablas): entonces corren todos
# a la vez y salen en su orden; si uno sin valgrind no termina a tiempo, los que aún corren se
# paran (sin --todos) y salen como «se paró». Con --hasta-fallo, siempre uno detrás de otro.
# Un caso que no termina, sin valgrind: el veredicto lleva la lista de lo que mantenía vivo
# el bucle (handles activos y peticiones en curso, con archivo:línea), de la precarga vivos
# (common/herramientas/vivos/vivos.c).
# Un caso con «envoltura: guion» no ejecuta el programa directamente: lo ejecuta ese guion
# de bash del ejercicio, en la carpeta temporal del caso, que prepara lo que el caso necesita
# (un árbol de carpetas, permisos, strace) y puede dar la salida esperada, medida por él.
# Variables: PRACTICA_CC, PRACTICA_CFLAGS, PRACTICA_LIBS, PRACTICA_VIVOS (las pone make).
# Sale con 0 si todo pasó, 1 si algo falló, 2 si el uso es incorrecto.
set -u
aqui=$(cd "$(dirname "$0")" && pwd)
raiz=$(cd "$aqui/../.." && pwd)
# shellcheck source=common/herramientas/canales-criterion.sh
source "$raiz/common/herramientas/canales-criterion.sh"
cd "$raiz" || exit 2
COMPARAR="$raiz/lessons/verificar/comparar.awk"
B=build
CODIGO=""
RESULTADOS=""
ARGUMENTOS=("$@")
BREVE=0
HASTA_FALLO=0
TODOS=0
carpetas=()
while [ $# -gt 0 ]; do
  case "$1" in
    -B) B=${2:?falta la carpeta tras -B}; shift 2 ;;
    --codigo) CODIGO=${2:?falta el archivo tras --codigo}; shift 2 ;;
    --resultados) RESULTADOS=${2:?falta el archivo tras --resultados}; shift 2 ;;
    --breve) BREVE=1; shift ;;
    --hasta-fallo) HASTA_FALLO=1; shift ;;
    --todos) TODOS=1; shift ;;
    -*) echo "practica.sh: opción desconocida: $1" >&2; exit 2 ;;
    *) carpetas+=("${1%/}"); shift ;;
  esac
done
CC=${PRACTICA_CC:-cc}
if [ -z "${PRACTICA_LIBS:-}" ]; then
  echo "practica.sh: falta PRACTICA_LIBS (las opciones de compilación): usa make practica L=NN" >&2
  exit 2
fi
CFLAGS=${PRACTICA_CFLAGS:-}
LIBS=${PRACTICA_LIBS:-}
# La precarga que dice qué mantiene vivo un programa que no termina (la pone make; sin ella,
# un caso colgado solo dice que no terminó).
VIVOS=${PRACTICA_VIVOS:-}
[ -n "$VIVOS" ] && [ ! -r "$VIVOS" ] && VIVOS=""

# Colores solo en una terminal.
if [ -t 1 ]; then VERDE=$'\033[32m'; ROJO=$'\033[31m'; GRIS=$'\033[2m'; NORMAL=$'\033[0m'
else VERDE=""; ROJO=""; GRIS=""; NORMAL=""; fi

ejercicios=()
for c in "${carpetas[@]}"; do
  if [ -f "$c/casos" ]; then ejercicios+=("$c")
  elif [ -d "$c/practica" ]; then
    for e in "$c"/practica/*/; do [ -f "$e/casos" ] && ejercicios+=("${e%/}"); done
  else
    echo "practica.sh: $c no es ni una lección con practica/ ni un ejercicio" >&2; exit 2
  fi
done
if [ ${#ejercicios[@]} -eq 0 ]; then
  echo "practica.sh: no hay ejercicios que comprobar" >&2; exit 2
fi
if [ -n "$CODIGO" ] && [ ${#ejercicios[@]} -ne 1 ]; then
  echo "practica.sh: --codigo solo con un ejercicio" >&2; exit 2
fi
mkdir -p "${TMPDIR:-/tmp}"

# PostgreSQL (línea «bd» de un caso): si algún ejercicio lo pide y no hay BD_CONEXION (la de
# `make bd`, si la exportaste), el comprobador entero se vuelve a ejecutar dentro de
# `postgres.sh ejecutar`, que arranca un servidor de usar y tirar, exporta BD_CONEXION y lo
# para y borra SIEMPRE al terminar, como hace el comprobador de las lecciones (≈ 1–2 s).
if [ -z "${BD_CONEXION:-}" ] && [ -z "${PRACTICA_BD_LISTA:-}" ] && grep -qx 'bd' $(printf '%s/casos ' "${ejercicios[@]}"); then
  if ! compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; then
    echo "practica.sh: estos ejercicios necesitan PostgreSQL y no está instalado (make deps)" >&2
    exit 2
  fi
  PRACTICA_BD_LISTA=1 exec bash "$raiz/common/herramientas/postgres.sh" ejecutar \
    "$(mktemp -u "${TMPDIR:-/tmp}/practica-bd.XXXXXX")" bash "$aqui/practica.sh" "${ARGUMENTOS[@]}"
fi

# Lee el manifiesto: deja en CASOS los ids y en C_<campo>[id] cada campo.
declare -A C_CONSALIDA C_QUE C_ARGS C_LIMITE C_ESTADO C_ENTRADA C_PISTA C_DESORD C_VALGRIND C_TARDA C_SALIDA C_STDERR C_ENVOLTURA
leer_casos() {
  local f=$1 linea id="" en_salida=0
  CASOS=()
  C_QUE=(); C_ARGS=(); C_LIMITE=(); C_ESTADO=(); C_ENTRADA=(); C_PISTA=(); C_DESORD=()
  C_VALGRIND=(); C_TARDA=(); C_SALIDA=(); C_STDERR=(); C_CONSALIDA=(); C_ENVOLTURA=()
  A_LA_VEZ=0
  while IFS= read -r linea || [ -n "$linea" ]; do
    if [ -z "$id" ] && [ "$linea" = "a la vez" ]; then A_LA_VEZ=1; continue; fi
    if [[ "$linea" == "caso: "* ]]; then
      id=${linea#caso: }; CASOS+=("$id"); en_salida=0
      C_LIMITE[$id]=10; C_ESTADO[$id]=0; C_SALIDA[$id]=""; C_ARGS[$id]=""
      continue
    fi
    if [ "$en_salida" = 1 ]; then C_SALIDA[$id]+="$linea"$'\n'; continue; fi
    case "$linea" in
      ''|'#'*) ;;
      'qué: '*) C_QUE[$id]=${linea#qué: } ;;
      'argumentos: '*) C_ARGS[$id]=${linea#argumentos: } ;;
      'límite: '*) C_LIMITE[$id]=${linea#límite: } ;;
      'estado: '*) C_ESTADO[$id]=${linea#estado: } ;;
      'entrada: '*) C_ENTRADA[$id]=${linea#entrada: } ;;
      'pista: '*) C_PISTA[$id]=${linea#pista: } ;;
      'tarda: '*) C_TARDA[$id]=${linea#tarda: } ;;
      'envoltura: '*) C_ENVOLTURA[$id]=${linea#envoltura: } ;;
      desordenado) C_DESORD[$id]=1 ;;
      valgrind) C_VALGRIND[$id]=1 ;;
      stderr) C_STDERR[$id]=1 ;;
      bd) ;; # el caso usa PostgreSQL (BD_CONEXION): ya se atendió al empezar (arriba)
      'salida:') en_salida=1; C_CONSALIDA[$id]=1 ;;
      *) echo "practica.sh: $f: línea que no entiendo: $linea" >&2; return 1 ;;
    esac
  done <"$f"
}

# ejecutar_caso EJ ID BIN CARPETA: deja VEREDICTO (ok|falla) y, si falla, MOTIVO y DIFERENCIAS.
ejecutar_caso() {
  local ej=$1 id=$2 bin=$3 dir=$4 limite=${C_LIMITE[$2]} entrada=/dev/null
  local ctmp sal err t0 t1 estado vg=() args=() guion="" esperada="" origen="el manifiesto"
  [ -n "${C_ENTRADA[$id]:-}" ] && entrada="$ej/${C_ENTRADA[$id]}"
  # Con envoltura, el guion corre en la carpeta del caso: todo lo que recibe, con ruta absoluta.
  if [ -n "${C_ENVOLTURA[$id]:-}" ]; then
    case $ej in /*) guion="$ej" ;; *) guion="$raiz/$ej" ;; esac
    guion="$guion/${C_ENVOLTURA[$id]}"
    case $dir in /*) ;; *) dir="$raiz/$dir" ;; esac
    case $bin in /*) ;; *) bin="$raiz/$bin" ;; esac
    esperada="$dir/$id.esperada-envoltura"
    rm -f "$esperada"
  fi
  eval "args=(${C_ARGS[$id]})"
  ctmp=$(mktemp -d "${TMPDIR:-/tmp}/practica.XXXXXX")
  sal="$dir/$id.salida"; err="$dir/$id.errores"
  if [ -n "${C_VALGRIND[$id]:-}" ]; then
    vg=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --log-file="$dir/$id.valgrind")
    limite=$((limite * 3 + 30))
  fi
  # Sin valgrind, el programa corre con la precarga vivos (common/herramientas/vivos): si no
  # termina a tiempo, timeout le manda SIGRTMIN+4 y la precarga escribe en $id.vivos lo que
  # mantiene vivo su bucle antes de morir por esa señal (sin precarga, la señal lo mata igual).
  # Bajo valgrind no: el caso ya tiene su propio límite y su informe.
  local senal=TERM pre=()
  rm -f "$dir/$id.vivos"
  if [ -z "${C_VALGRIND[$id]:-}" ] && [ -n "$VIVOS" ]; then
    senal=RTMIN+4
    pre=(env VIVOS_INFORME="$dir/$id.vivos" LD_PRELOAD="$VIVOS${LD_PRELOAD:+:$LD_PRELOAD}")
  fi
  # La entrada llega por una tubería, como desde otro programa (uv_pipe_open la acepta; un
  # archivo normal, no: epoll no sabe esperar en archivos).
  t0=$(date +%s.%N)
  : >"$dir/$id.inicio" # lo que el caso deje en /tmp es más nuevo (canales_criterion_barrer)
  if [ -n "$guion" ]; then
    # La envoltura recibe en "$@" la orden entera (precarga, valgrind, el programa y sus
    # argumentos) y el id del caso en PRACTICA_CASO; si escribe el archivo $ESPERADA, es la
    # salida esperada (en vez de «salida:»). Con el mismo límite: timeout avisa a todo el grupo.
    (cd "$ctmp" && TMPDIR="$ctmp" CURSO_SERVIDOR="${CURSO_SERVIDOR:-}" PRACTICA_CASO="$id" \
      ESPERADA="$esperada" exec timeout -s "$senal" -k 3 "$limite" bash "$guion" \
      "${pre[@]}" stdbuf -oL -eL "${vg[@]}" "$bin" "${args[@]}") < <(cat "$entrada") >"$sal" 2>"$err" &
  else
    TMPDIR="$ctmp" CURSO_SERVIDOR="${CURSO_SERVIDOR:-}" timeout -s "$senal" -k 3 "$limite" \
      "${pre[@]}" stdbuf -oL -eL "${vg[@]}" "$bin" "${args[@]}" < <(cat "$entrada") >"$sal" 2>"$err" &
  fi
  # timeout corre aparte y se espera con wait: su pid, en $id.pid, es por donde se para el caso
  # (parar_caso: timeout pasa la señal al grupo del programa).
  local tpid=$!
  echo "$tpid" >"$dir/$id.pid"
  wait "$tpid"
  estado=$?
  rm -f "$dir/$id.pid"
  canales_criterion_barrer "$dir/$id.inicio"
  rm -f "$dir/$id.inicio"
  t1=$(date +%s.%N)
  # Una envoltura puede haber quitado permisos (una carpeta 0000): se devuelven para borrar.
  [ -n "$guion" ] && chmod -R u+rwx "$ctmp" 2>/dev/null
  rm -rf "$ctmp"
  TIEMPO=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  VEREDICTO=falla; MOTIVO=""; DIFERENCIAS=""; COLGADO=0
  if [ -n "${C_STDERR[$id]:-}" ]; then cat "$err" >>"$sal"; fi
  if [ "$estado" = 124 ] || [ "$estado" = 137 ]; then
    COLGADO=1
    MOTIVO="no terminó en ${limite} s: el bucle sigue vivo (¿un handle sin cerrar, un temporizador que se repite?) o el programa espera algo que no llega"
    if [ -s "$dir/$id.vivos" ]; then
      MOTIVO="no terminó en ${limite} s. Lo que seguía vivo, y dónde lo creó tu código:"
      DIFERENCIAS=$(bash "$raiz/common/herramientas/vivos/vivos.sh" traducir "$bin" "$dir/$id.vivos" "$raiz")
    fi
    return
  fi
  if [ -n "${C_VALGRIND[$id]:-}" ] && [ "$estado" = 99 ]; then
    MOTIVO="valgrind encontró errores de memoria o fugas"
    DIFERENCIAS=$(grep -v '^==[0-9]*== *$' "$dir/$id.valgrind" | head -n 25)
    return
  fi
  if [ "$estado" != "${C_ESTADO[$id]}" ]; then
    if [ "$estado" -gt 128 ] && [ "$estado" -lt 160 ]; then
      MOTIVO="terminó por la señal $((estado - 128)) ($(kill -l $((estado - 128)) 2>/dev/null)); se esperaba el estado ${C_ESTADO[$id]}"
    else
      MOTIVO="terminó con estado $estado; se esperaba ${C_ESTADO[$id]}"
    fi
    DIFERENCIAS=$(tail -n 8 "$err")
    return
  fi
  printf '%s' "${C_SALIDA[$id]}" >"$dir/$id.esperada"
  local consalida=${C_CONSALIDA[$id]:-}
  if [ -n "$esperada" ] && [ -f "$esperada" ]; then
    mv "$esperada" "$dir/$id.esperada"; consalida=1; origen="la envoltura"
  fi
  # Sin «salida:» en el manifiesto (ni de la envoltura), el caso no mira la salida (solo estado,
  # tiempo, valgrind).
  if [ -n "$consalida" ] && ! DIFERENCIAS=$(LC_ALL=C awk -v modo=bloque -v esperado="$dir/$id.esperada" \
      -v obtenido="$sal" -v desordenado="${C_DESORD[$id]:-0}" -v origen="$origen" \
      -f "$COMPARAR" 2>&1); then
    MOTIVO="la salida no es la esperada"
    return
  fi
  if [ -n "${C_TARDA[$id]:-}" ] && [ -z "${C_VALGRIND[$id]:-}" ]; then
    local min max
    read -r min max <<<"${C_TARDA[$id]}"
    if ! awk -v t="$TIEMPO" -v a="$min" -v b="$max" 'BEGIN { exit !(t >= a && t <= b) }'; then
      MOTIVO="tardó $TIEMPO s (medido desde fuera); debía tardar entre $min y $max s"
      return
    fi
  fi
  VEREDICTO=ok
}

# ejecutar_a_la_vez EJ DIR: ejecuta todos los casos de EJ a la vez (el manifiesto dice «a la
# vez»); el resultado de cada uno queda en DIR/ID.resultado (las variables de ejecutar_caso).
# Sin --todos, si uno sin valgrind no termina a tiempo, para los que aún corren y los apunta en
# PARADOS (y el primero que no terminó, en PRIMER_COLGADO).
declare -A PARADOS
PRIMER_COLGADO=""
ejecutar_a_la_vez() {
  local ej=$1 dir=$2 id otro en_marcha=0
  local -A visto=()
  PARADOS=(); PRIMER_COLGADO=""
  for id in "${CASOS[@]}"; do
    rm -f "$dir/$id.resultado" "$dir/$id.pid" "$dir/$id.colgado"
    ( ejecutar_caso "$ej" "$id" "$dir/programa" "$dir"
      declare -p VEREDICTO MOTIVO DIFERENCIAS COLGADO TIEMPO >"$dir/$id.resultado.tmp"
      [ "$COLGADO" = 1 ] && : >"$dir/$id.colgado"
      mv "$dir/$id.resultado.tmp" "$dir/$id.resultado" ) &
    en_marcha=$((en_marcha + 1))
  done
  while [ "$en_marcha" -gt 0 ]; do
    wait -n
    en_marcha=$((en_marcha - 1))
    [ "$TODOS" = 1 ] || [ -n "$PRIMER_COLGADO" ] && continue
    for id in "${CASOS[@]}"; do
      [ -n "${visto[$id]:-}" ] || [ ! -f "$dir/$id.resultado" ] && continue
      visto[$id]=1
      [ -n "${C_VALGRIND[$id]:-}" ] && continue
      [ -f "$dir/$id.colgado" ] || continue
      PRIMER_COLGADO=$id
      for otro in "${CASOS[@]}"; do
        [ -f "$dir/$otro.resultado" ] && continue
        PARADOS[$otro]=1
        parar_caso "$dir/$otro.pid"
      done
      break
    done
  done
}

# parar_caso PIDFILE: TERM al timeout del caso (lo pasa al grupo del programa) y, si en un
# segundo no se fue, KILL a todo el grupo. Sin pid aún (el caso aún no arrancó su programa),
# se espera un poco a que aparezca.
parar_caso() {
  local f=$1 pid="" n
  for n in 1 2 3 4 5 6 7 8 9 10; do
    [ -s "$f" ] && { pid=$(cat "$f"); break; }
    sleep 0.1
  done
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for n in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL -- "-$pid" "$pid" 2>/dev/null
  return 0
}

# Las líneas del detalle del primer caso que falla van marcadas con este carácter: solo las
# del primer ejercicio que falla se enseñan (el resto se quita al imprimir).
DET=$'\001'

# comprobar_ejercicio EJ DIR: compila y ejecuta los casos de EJ; lo que se enseña va a la
# salida estándar y «bien total falla» a DIR/.cuentas.tmp.
comprobar_ejercicio() {
  local ej=$1 dir=$2 leccion nombre fuente titulo bien=0 total=0 algo_falla=0 detalle_dado=0 colgado=""
  leccion=$(basename "$(dirname "$(dirname "$ej")")")
  nombre=$(basename "$ej")
  fuente=${CODIGO:-$ej/ejercicio.c}
  titulo=$(sed -n '1s/^# *//p' "$ej/README.md" 2>/dev/null)
  printf '\n%s %s — %s\n' "${leccion%%-*}" "$nombre" "$titulo"
  if ! leer_casos "$ej/casos"; then echo "0 0 1" >"$dir/.cuentas.tmp"; return; fi
  # Compilar: los avisos se enseñan (sin -Werror) pero no cuentan.
  if ! $CC $CFLAGS -o "$dir/programa" "$fuente" $LIBS >"$dir/compilar.txt" 2>&1; then
    printf '  %s✘ no compila%s (%s): los mensajes del compilador:\n' "$ROJO" "$NORMAL" "$fuente"
    sed 's/^/      /' "$dir/compilar.txt" | head -n 30
    for id in "${CASOS[@]}"; do
      total=$((total + 1))
      [ -n "$RESULTADOS" ] && echo "$nombre $id falla" >>"$RESULTADOS"
    done
    echo "0 $total 1" >"$dir/.cuentas.tmp"
    return
  fi
  if [ -s "$dir/compilar.txt" ] && [ "$BREVE" = 0 ]; then
    printf '  %savisos del compilador (no restan, pero léelos):%s\n' "$GRIS" "$NORMAL"
    sed 's/^/      /' "$dir/compilar.txt" | head -n 15
  fi
  local a_la_vez=0
  if [ "$A_LA_VEZ" = 1 ] && [ "$HASTA_FALLO" = 0 ]; then
    a_la_vez=1
    ejecutar_a_la_vez "$ej" "$dir"
  fi
  for id in "${CASOS[@]}"; do
    total=$((total + 1))
    # Un caso que no llegó a juzgarse porque otro ya no terminó: parado (a la vez) o sin lanzar.
    local sin_juzgar=""
    if [ "$a_la_vez" = 1 ] && [ -n "${PARADOS[$id]:-}" ]; then
      sin_juzgar="se paró: el programa ya no terminó en «$PRIMER_COLGADO»"
    elif [ -n "$colgado" ]; then
      sin_juzgar="no se ejecutó: el programa ya no terminó en «$colgado»"
    fi
    if [ -n "$sin_juzgar" ]; then
      [ -n "$RESULTADOS" ] && echo "$nombre $id falla" >>"$RESULTADOS"
      printf '  %s✘%s %-14s %s%s; arregla eso primero%s\n' "$ROJO" "$NORMAL" "$id" "$GRIS" \
        "$sin_juzgar" "$NORMAL"
      continue
    fi
    if [ "$a_la_vez" = 1 ]; then
      # shellcheck disable=SC1090
      source "$dir/$id.resultado"
    else
      ejecutar_caso "$ej" "$id" "$dir/programa" "$dir"
    fi
    [ -n "$RESULTADOS" ] && echo "$nombre $id $VEREDICTO" >>"$RESULTADOS"
    if [ "$VEREDICTO" = ok ]; then
      bien=$((bien + 1))
      printf '  %s✔%s %-14s %s\n' "$VERDE" "$NORMAL" "$id" "${C_QUE[$id]:-}"
      continue
    fi
    algo_falla=1
    printf '  %s✘%s %-14s %s\n' "$ROJO" "$NORMAL" "$id" "${C_QUE[$id]:-}"
    [ "$HASTA_FALLO" = 1 ] && break
    [ "$COLGADO" = 1 ] && [ "$TODOS" = 0 ] && [ "$a_la_vez" = 0 ] && colgado=$id
    if [ "$detalle_dado" = 0 ] && [ "$BREVE" = 0 ]; then
      detalle_dado=1
      {
        printf '      Qué se comprobó: %s (%s %s)\n' "${C_QUE[$id]:-}" "$fuente" "${C_ARGS[$id]}"
        [ -n "${C_ENVOLTURA[$id]:-}" ] &&
          printf '      Lo prepara y lo mide %s, en la carpeta del ejercicio (léelo para repetirlo a mano).\n' "${C_ENVOLTURA[$id]}"
        printf '      Qué pasó: %s\n' "$MOTIVO"
        if [ -n "$DIFERENCIAS" ]; then printf '%s\n' "$DIFERENCIAS" | head -n 25 | sed 's/^/        /'; fi
        if [ "$MOTIVO" = "la salida no es la esperada" ] && [ -z "${C_STDERR[$id]:-}" ] && [ -s "$dir/$id.errores" ]; then
          printf '      Tu stderr:\n'; head -n 10 "$dir/$id.errores" | sed 's/^/        │ /'
        fi
        [ -n "${C_PISTA[$id]:-}" ] && printf '      Pista: %s\n' "${C_PISTA[$id]}"
      } | sed "s/^/$DET/"
    fi
  done
  if [ "$bien" = "${#CASOS[@]}" ]; then
    printf '  %s¡Ejercicio completo!%s (%d/%d casos)\n' "$VERDE" "$NORMAL" "$bien" "${#CASOS[@]}"
  else
    printf '  %d/%d casos\n' "$bien" "${#CASOS[@]}"
  fi
  echo "$bien $total $algo_falla" >"$dir/.cuentas.tmp"
}

# Cada ejercicio en su carpeta de build/, a la vez (como mucho J), y se imprimen en orden.
J=${PRACTICA_EJERCICIOS_J:-3}
dirs=()
for ej in "${ejercicios[@]}"; do
  d="$B/practica/$(basename "$(dirname "$(dirname "$ej")")")/$(basename "$ej")"
  mkdir -p "$d"
  rm -f "$d/.cuentas" "$d/.cuentas.tmp" "$d/.salida"
  dirs+=("$d")
done
total_ok=0; total=0; algo_falla=0; detalle_dado=0; siguiente=0; en_marcha=0
imprimir_hechos() {
  local d b t f
  while [ "$siguiente" -lt ${#dirs[@]} ] && [ -f "${dirs[$siguiente]}/.cuentas" ]; do
    d=${dirs[$siguiente]}
    read -r b t f <"$d/.cuentas"
    if [ "$f" = 1 ] && [ "$detalle_dado" = 0 ] && grep -q "^$DET" "$d/.salida"; then
      detalle_dado=1
      sed "s/^$DET//" "$d/.salida"
    else
      grep -v "^$DET" "$d/.salida"
    fi
    total_ok=$((total_ok + b)); total=$((total + t))
    [ "$f" = 1 ] && algo_falla=1
    siguiente=$((siguiente + 1))
  done
}
# Si se interrumpe (Ctrl+C, la terminal cerrada), que no quede ningún ejercicio a medias.
trap 'kill $(jobs -p) 2>/dev/null; exit 130' INT TERM HUP
for i in "${!ejercicios[@]}"; do
  while [ "$en_marcha" -ge "$J" ]; do
    wait -n
    en_marcha=$((en_marcha - 1))
    imprimir_hechos
  done
  # Cada ejercicio deja su .salida y, la última, su .cuentas: un ejercicio está hecho (y se
  # puede imprimir) cuando existe su .cuentas.
  ( d=${dirs[$i]}
    comprobar_ejercicio "${ejercicios[$i]}" "$d" >"$d/.salida" 2>&1
    [ -f "$d/.cuentas.tmp" ] || echo "0 0 1" >"$d/.cuentas.tmp"
    mv "$d/.cuentas.tmp" "$d/.cuentas" ) &
  en_marcha=$((en_marcha + 1))
done
while [ "$en_marcha" -gt 0 ]; do
  wait -n
  en_marcha=$((en_marcha - 1))
  imprimir_hechos
done
imprimir_hechos
printf '\nresumen: %d/%d casos de %d ejercicios\n' "$total_ok" "$total" "${#ejercicios[@]}"
exit $algo_falla
