#!/usr/bin/env bash
# prueba-usuario.sh B — `make grade` como lo ejecuta un estudiante en su portátil: un usuario
# normal (ni root ni sudo), con el curso en su HOME y un PATH sin /usr/sbin.
#
# Como root crea, si no existe, el usuario sin privilegios «curso-estudiante» (se deja creado
# y la próxima vez se reutiliza) y, como ese usuario y con un entorno limpio:
#   1. copia el árbol de trabajo (sin build/ ni .git) a una carpeta temporal de su HOME: el
#      curso es suyo, como tras un git clone;
#   2. `make grade LAB=07` sobre el esqueleto: construye, califica (nota baja) y no dice nada
#      de dependencias;
#   3. `make grade LAB=07 SOLUCIONES=1 SALIDA=build/calificacion` (relativa): 100 %;
#   4. lo mismo con bubblewrap inutilizable a propósito (CALIF_BWRAP apunta a un bwrap que
#      falla como cuando el sistema no deja crear espacios de nombres de usuario): califica
#      igual, 100 %, y el informe dice qué protecciones faltan y por qué;
#   5. con un módulo de pkg-config «desinstalado» (PKG_CONFIG_LIBDIR con enlaces a todos los
#      .pc de verdad menos jansson.pc): `make grade` no califica y dice exactamente qué falta
#      y la orden que lo instala (`make deps`).
# Un `sudo`, un `apt-get` y un `apt` falsos, primeros en el PATH, anotan cualquier llamada: no
# debe haber ninguna (nunca se intenta instalar). Al final no debe quedar ningún proceso de
# estas ejecuciones ni nada en su TMPDIR; la copia se borra.
#
# Sin root no se puede crear otro usuario: entonces todo se hace como el usuario actual, que
# ya es un usuario normal, con la copia en $TMPDIR. Última línea: «resumen: …».
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ" || exit 1
B=$(realpath -m "${1:-build}")
# shellcheck source=comun.sh
source "$RAIZ/autograder/pruebas/comun.sh"
# runuser y useradd viven en /usr/sbin.
PATH="$PATH:/usr/sbin:/sbin"
USUARIO=curso-estudiante
SAL="$B/pruebas-usuario"
rm -rf "$SAL"
mkdir -p "$SAL"
# Marca de entorno para reconocer después los procesos de estas ejecuciones.
MARCA="prueba-usuario-$$-$RANDOM"

if [ "$(id -u)" -eq 0 ]; then
  como_root=1
  if ! id -u "$USUARIO" >/dev/null 2>&1; then
    # Otra ejecución pudo crearlo a la vez: vale si al final existe.
    useradd --create-home --shell /bin/bash --comment "Pruebas del curso (make test)" \
      "$USUARIO" 2>"$SAL/useradd.txt" || id -u "$USUARIO" >/dev/null 2>&1 || {
      mal usuario "no se pudo crear el usuario $USUARIO: $(cat "$SAL/useradd.txt")"
      resumen_final
      exit 1
    }
  fi
  if [ "$(id -u "$USUARIO")" -eq 0 ]; then
    mal usuario "el usuario $USUARIO existe y es root: no sirve para esta prueba"
    resumen_final
    exit 1
  fi
  CASA=$(getent passwd "$USUARIO" | cut -d: -f6)
  [ -d "$CASA" ] || install -d -o "$USUARIO" -g "$(id -g "$USUARIO")" -m 755 "$CASA"
  DIR=$(runuser -u "$USUARIO" -- mktemp -d "$CASA/curso-prueba.XXXXXX") || {
    mal usuario "no se pudo crear la carpeta de trabajo en $CASA"
    resumen_final
    exit 1
  }
  echo "Como el usuario sin privilegios $USUARIO (uid $(id -u "$USUARIO")), en $DIR"
else
  como_root=0
  USUARIO=$(id -un)
  CASA=${HOME:-/tmp}
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/prueba-usuario.XXXXXX") || exit 1
  echo "No soy root: no se crea otro usuario; todo corre como $USUARIO (uid $(id -u)), en $DIR"
fi
trap 'rm -rf "$DIR"' EXIT
COPIA="$DIR/curso"
FALSOS="$DIR/falsos"
LLAMADAS="$DIR/llamadas.log"

# como_usuario [VAR=valor…] orden…: en la copia, como el usuario y con un entorno limpio; el
# PATH es el de un usuario normal (sin /usr/sbin ni /sbin) con los falsos delante.
como_usuario() {
  local entorno=(PATH="$FALSOS:/usr/local/bin:/usr/bin:/bin" HOME="$CASA" USER="$USUARIO"
                 LOGNAME="$USUARIO" LANG=C.UTF-8 TMPDIR="$DIR/tmp" PRUEBA_USUARIO_MARCA="$MARCA")
  # La marca de pruebas.sh, para que también él reconozca lo que quede vivo.
  [ -n "${CURSO_PRUEBAS_MARCA:-}" ] && entorno+=(CURSO_PRUEBAS_MARCA="$CURSO_PRUEBAS_MARCA")
  if [ $como_root -eq 1 ]; then
    (cd "$COPIA" && runuser -u "$USUARIO" -- env -i "${entorno[@]}" "$@")
  else
    (cd "$COPIA" && env -i "${entorno[@]}" "$@")
  fi
}

# Lo que crea el usuario es suyo: se escribe con su identidad.
escribir_como_usuario() {
  if [ $como_root -eq 1 ]; then runuser -u "$USUARIO" -- "$@"; else "$@"; fi
}

escribir_como_usuario mkdir -p "$COPIA" "$FALSOS" "$DIR/tmp" "$DIR/pc"
escribir_como_usuario touch "$LLAMADAS"
excluir=(--exclude=./build --exclude=./.git)
# Sin root, la carpeta de trabajo puede estar dentro del propio curso (TMPDIR): no se copia.
case "$DIR/" in "$RAIZ"/*) excluir+=("--exclude=./${DIR#"$RAIZ"/}") ;; esac
tar -C "$RAIZ" "${excluir[@]}" -cf - . |
  escribir_como_usuario tar -xf - -C "$COPIA" || mal copia "no se pudo copiar el curso a $COPIA"

# sudo, apt-get y apt falsos: anotan la llamada y fallan.
for o in sudo apt-get apt; do
  printf '#!/bin/sh\necho "%s $*" >>"%s"\nexit 1\n' "$o" "$LLAMADAS" |
    escribir_como_usuario tee "$FALSOS/$o" >/dev/null
  escribir_como_usuario chmod 755 "$FALSOS/$o"
done
# Un bwrap que falla como cuando el sistema no deja crear espacios de nombres de usuario.
printf '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n' |
  escribir_como_usuario tee "$FALSOS/bwrap-roto" >/dev/null
escribir_como_usuario chmod 755 "$FALSOS/bwrap-roto"

# Ninguna llamada a sudo ni a apt-get tras el paso $1.
sin_instalar() {
  if [ -s "$LLAMADAS" ]; then
    mal "$1-sin-instalar" "$1: se intentó instalar: $(tr '\n' ';' <"$LLAMADAS")"
    : >"$LLAMADAS"
  elif grep -qiE 'faltan dependencias|apt-get|Instalando' "$SAL/$1.txt"; then
    mal "$1-sin-instalar" "$1: habla de instalar dependencias (ver $SAL/$1.txt)"
  else
    bien "$1: ni sudo ni apt-get ni mensajes de dependencias"
  fi
}

# «puntos máximo caja» del results.json de la copia.
nota_copia() {
  python3 - "$COPIA/build/calificacion/results.json" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    print(d["score"], d["extra_data"]["max_score"], d["extra_data"]["caja"])
except Exception:
    print("- - -")
PY
}

# calificar_como NOMBRE [VAR=valor…] [argumentos de make…]
calificar_como() {
  local nombre=$1
  shift
  rm -f "$COPIA/build/calificacion/results.json"
  local inicio
  inicio=$(date +%s.%N)
  como_usuario "$@" >"$SAL/$nombre.txt" 2>&1
  rc=$?
  segundos=$(awk -v a="$inicio" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  read -r puntos maximo caja < <(nota_copia)
}

# Las líneas de error de make y del ejecutor en la salida de NOMBRE (como mucho 3, en una
# línea): el registro de CI solo guarda los ✘, no la salida entera.
por_que() {
  grep -aE 'ERROR DEL CALIFICADOR|calificar:|make(\[[0-9]+\])?: \*\*\*|[Vv]iolación|Segmentation|[Aa]bortado|[Kk]illed|No queda espacio|No space' \
    "$SAL/$1.txt" 2>/dev/null | tail -n 3 | tr '\n' ' ' | cut -c1-400
}

# 2. El esqueleto, como lo encuentra el estudiante (la primera vez también construye).
calificar_como esqueleto make -j2 grade LAB=07
if [ "$rc" -eq 0 ] && [ "$puntos" != - ] && [ "$puntos" -lt "$maximo" ]; then
  bien "esqueleto: make grade LAB=07 califica: $puntos/$maximo, caja $caja ($segundos s, con la construcción)"
else
  mal esqueleto "esqueleto: código $rc, nota $puntos/$maximo (ver $SAL/esqueleto.txt) — $(por_que esqueleto)"
fi
sin_instalar esqueleto

# 3. Las soluciones: 100 %. Con la carpeta de salida relativa, como la escribe quien la
# elige (antes llegaba así a bwrap y todo daba 0); es la misma carpeta de siempre.
calificar_como soluciones make grade LAB=07 SOLUCIONES=1 SALIDA=build/calificacion
if [ "$rc" -eq 0 ] && [ "$puntos" != - ] && [ "$puntos" -eq "$maximo" ]; then
  bien "soluciones: $puntos/$maximo, caja $caja ($segundos s)"
else
  mal soluciones "soluciones: código $rc, nota $puntos/$maximo (ver $SAL/soluciones.txt) — $(por_que soluciones)"
fi
sin_instalar soluciones

# 3b. Las mismas trampas que prueba-autograder, ahora sin privilegios: la compilación en la
# caja no ve el repositorio (aunque la copia y sus soluciones sean del propio usuario), y un
# programa que crea procesos se rechaza.
TRAMPA="$(dirname "$COPIA")/trampa"
escribir_como_usuario mkdir -p "$TRAMPA"
printf '#include "%s/solutions/07-monitor-web/monitor.c"\n' "$COPIA" |
  escribir_como_usuario tee "$TRAMPA/monitor.c" >/dev/null
calificar_como trampa-incluye make grade LAB=07 ENTREGA="$TRAMPA"
if [ "$rc" -eq 0 ] && [ "$puntos" != - ] && [ "$puntos" -le 5 ] &&
  grep -q 'No such file\|no existe' "$SAL/trampa-incluye.txt"; then
  bien "sin privilegios, incluir la solución por su ruta no compila: $puntos/$maximo"
else
  mal trampa-incluye "incluir la solución sin privilegios: código $rc, nota $puntos/$maximo (ver $SAL/trampa-incluye.txt) — $(por_que trampa-incluye)"
fi
printf '#include <stdlib.h>\nint main(void) { return system("true"); }\n' |
  escribir_como_usuario tee "$TRAMPA/monitor.c" >/dev/null
calificar_como trampa-system make grade LAB=07 ENTREGA="$TRAMPA"
if [ "$rc" -eq 0 ] && [ "$puntos" != - ] && [ "$puntos" -le 5 ] &&
  grep -q 'no se califica.*usa system' "$SAL/trampa-system.txt"; then
  bien "sin privilegios, system() se rechaza con su motivo: $puntos/$maximo"
else
  mal trampa-system "system() sin privilegios: código $rc, nota $puntos/$maximo (ver $SAL/trampa-system.txt) — $(por_que trampa-system)"
fi

# 4. Sin caja de arena: bubblewrap no puede crear espacios de nombres de usuario.
calificar_como sin-caja CALIF_BWRAP="$FALSOS/bwrap-roto" make grade LAB=07 SOLUCIONES=1
if [ "$rc" -eq 0 ] && [ "$puntos" != - ] && [ "$puntos" -eq "$maximo" ] && [ "$caja" = limites ]; then
  bien "sin caja: califica igual con límites: $puntos/$maximo ($segundos s)"
else
  mal sin-caja "sin caja: código $rc, nota $puntos/$maximo, caja $caja (ver $SAL/sin-caja.txt) — $(por_que sin-caja)"
fi
# El informe dice qué falta y por qué, en la terminal y en results.json; y qué puede leer
# y escribir la entrega: con Landlock en el núcleo, leer el sistema y lo suyo, y escribir solo en
# su carpeta (base/encierro.c); sin él, donde tú.
# La versión de Landlock: landlock_create_ruleset (444) con LANDLOCK_CREATE_RULESET_VERSION.
landlock=$(python3 -c 'import ctypes; print(ctypes.CDLL(None).syscall(444, None, 0, 1))' 2>/dev/null || echo -1)
escribe="corre como tú"
[ "$landlock" -gt 0 ] && escribe="Landlock solo le deja leer el sistema"
faltan_textos=()
for t in "SIN caja de arena" "no puede crear espacios de nombres de usuario" \
         "Protecciones que faltan" "$escribe" "Si no eres root"; do
  grep -qF "$t" "$SAL/sin-caja.txt" || faltan_textos+=("«$t» en la terminal")
  grep -qF "$t" <(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["output"])' \
    "$COPIA/build/calificacion/results.json" 2>/dev/null) || faltan_textos+=("«$t» en results.json")
done
if [ ${#faltan_textos[@]} -eq 0 ]; then
  bien "sin caja: el informe dice qué protecciones faltan, por qué y dónde se explica"
else
  mal sin-caja-mensaje "sin caja: el informe no dice: ${faltan_textos[*]}"
fi
sin_instalar sin-caja

# 5. Un módulo «desinstalado»: pkg-config solo ve enlaces a los .pc de verdad menos jansson.pc.
IFS=: read -r -a dirs_pc <<<"$(pkg-config --variable pc_path pkg-config)"
for d in "${dirs_pc[@]}"; do
  for pc in "$d"/*.pc; do
    [ -e "$pc" ] || continue
    n=$(basename "$pc")
    [ "$n" = jansson.pc ] && continue
    [ -e "$DIR/pc/$n" ] || escribir_como_usuario ln -s "$pc" "$DIR/pc/$n"
  done
done
calificar_como falta-modulo PKG_CONFIG_LIBDIR="$DIR/pc" make grade LAB=07
lineas_falta=$(grep -c '✘' "$SAL/falta-modulo.txt")
if [ "$rc" -ne 0 ] && [ "$lineas_falta" -eq 1 ] &&
   grep -qF "la biblioteca jansson" "$SAL/falta-modulo.txt" &&
   grep -qF "libjansson-dev" "$SAL/falta-modulo.txt" &&
   grep -qE '^ *make deps$' "$SAL/falta-modulo.txt" &&
   ! grep -qF "Calificación de los laboratorios" "$SAL/falta-modulo.txt"; then
  bien "falta jansson: no califica, dice solo eso (paquete libjansson-dev) y «make deps»"
else
  mal falta-modulo "falta jansson: código $rc, $lineas_falta líneas de falta (ver $SAL/falta-modulo.txt)"
fi
if [ -s "$LLAMADAS" ]; then
  mal falta-modulo-sin-instalar "falta jansson: se intentó instalar: $(tr '\n' ';' <"$LLAMADAS")"
else
  bien "falta jansson: ni sudo ni apt-get"
fi
sed 's/^/   │ /' "$SAL/falta-modulo.txt"

# 6. El curso de otro: una copia de root (p. ej. clonada en /root o en /srv) usada con tu
# usuario. No se puede crear build/: make lo dice en español, con qué hacer, y no construye
# nada (antes: «mkdir: cannot create directory ‘build’: Permission denied» y errores de make).
if [ $como_root -eq 1 ]; then
  AJENO="$DIR/de-root"
  mkdir -p "$AJENO"
  tar -C "$RAIZ" "${excluir[@]}" -cf - . | tar -xf - -C "$AJENO"
  chmod 755 "$AJENO"
  (cd "$AJENO" && runuser -u "$USUARIO" -- env -i PATH="/usr/local/bin:/usr/bin:/bin" \
    HOME="$CASA" LANG=C.UTF-8 PRUEBA_USUARIO_MARCA="$MARCA" make grade LAB=07) \
    >"$SAL/de-root.txt" 2>&1
  rc=$?
  if [ "$rc" -ne 0 ] && grep -qF "No puedes escribir en «$AJENO» (es de root)" "$SAL/de-root.txt" &&
    grep -qF "Copia el curso a una carpeta tuya" "$SAL/de-root.txt" && [ ! -e "$AJENO/build" ]; then
    bien "el curso de root con tu usuario: make dice que no puede escribir ahí y qué hacer"
  else
    mal de-root "el curso de root con tu usuario: código $rc, sin el mensaje o con build/ (ver $SAL/de-root.txt): $(head -c 300 "$SAL/de-root.txt")"
  fi
  rm -rf "$AJENO"
else
  salta "el curso de otro usuario: hace falta ser root para tener una copia de otro"
fi

# Nada vivo: procesos con la marca o que ejecuten algo de la copia.
vivos=()
for d in /proc/[0-9]*; do
  p=${d#/proc/}
  if tr '\0' '\n' 2>/dev/null <"$d/environ" | grep -qx "PRUEBA_USUARIO_MARCA=$MARCA" ||
     tr '\0' ' ' 2>/dev/null <"$d/cmdline" | grep -qF "$DIR/"; then
    [ -e "$d" ] && vivos+=("$p")
  fi
done
if [ ${#vivos[@]} -eq 0 ]; then
  bien "no queda ningún proceso de estas ejecuciones"
else
  mal procesos "quedan procesos vivos: ${vivos[*]}"
  for p in "${vivos[@]}"; do kill -KILL "$p" 2>/dev/null; done
fi
restos=$(find "$DIR/tmp" -mindepth 1 -maxdepth 1 2>/dev/null | head -n 5)
if [ -z "$restos" ]; then
  bien "nada queda en el TMPDIR de estas ejecuciones"
else
  mal temporales "quedan temporales: $restos"
fi

resumen_final
