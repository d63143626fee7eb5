#!/usr/bin/env bash
# rutas-estaticas.sh [RAIZ] — prueba estática: el calificador nunca sigue una ruta que la entrega
# haya podido tocar (autograder/README.md, «Árboles de la entrega: base/arbol.c»).
#
# Mira el código del ejecutor (autograder/runner), de su biblioteca (autograder/base,
# autograder/lib), de la puerta (autograder/observador) y de los calificadores de los
# laboratorios (labs/*/.calificador, con el cliente TCP de libcurso que usan: common/src/
# tcp_prueba.c) y falla si alguno hace una llamada POR RUTA (open, fopen,
# stat, lstat, access, chmod, chown, lchown, opendir, unlink, rmdir, rename, mkdir, mkfifo,
# symlink, link, truncate, nftw, realpath, readlink, mkdtemp, json_load_file…, las *at con un
# descriptor que no sale de base/arbol.c, y los ayudantes por ruta archivos_* y arbol_raiz) fuera
# de las excepciones de esta lista. Es una lista de PERMITIDOS: un archivo o una función nuevos
# que llamen por ruta fallan hasta que alguien diga aquí por qué esa ruta no es de la entrega.
# Una excepción que ya no se usa también falla (la lista no crece sola). Después se prueba a sí
# misma: un chmod(ruta, 0755) metido en un calificador tiene que hacerla fallar.
#
# Sin RAIZ, la del repositorio. Sale con 0 si todo está bien; si no, 1 y cada llamada con su
# archivo, su línea y su función.
set -u
RAIZ=${1:-$(cd "$(dirname "$0")/../.." && pwd)}

# Excepciones: «archivo» (entero) o «archivo:función», con su porqué. Todo lo demás, por
# base/arbol.c (arbol_*) o, en los calificadores, por las cal_* de entradas.c que lo usan.
read -r -d '' PERMITIDAS <<'FIN'
autograder/base/arbol.c	la API auditada: cada paso baja desde un descriptor abierto antes de lanzar, sin seguir enlaces
autograder/base/archivos.c	rutas de quien califica: copiar la entrega original (antes de compilar nada), crear build/, leer con tope; archivos_borrar_arbol abre la carpeta que CONTIENE lo que se borra (de quien califica) y el resto va por arbol_borrar
autograder/base/caja.c	el sistema: /bin, /lib… (enlaces de la distribución) y el binario de bwrap
autograder/base/huerfanos.c	/proc: padres, líneas de comandos y terminales de los procesos
common/src/tcp_prueba.c:tcp_sin_leer_en_el_servidor	/proc/net/tcp y /proc/net/tcp6: la tabla de sockets del núcleo, no de la entrega
autograder/base/aislamiento.c	/proc/self/{uid_map,gid_map,setgroups} y /proc/*/status
autograder/base/orden.c	/dev/null y el archivo de salida de una orden de confianza (en build/)
autograder/base/reloj.c:listas_leer	/proc/loadavg: la carga de toda la máquina, del núcleo (el reloj con CPU de los topes)
autograder/lib/proceso.c	/proc/<pid>/{status,stat,fd,task} (y task/<tid>/schedstat) de los programas lanzados y el binario de bwrap
autograder/lib/servidor.c	la carpeta del servidor de práctica: de quien califica (0755), ni montada en la caja ni del usuario de la caja
autograder/lib/valgrind.c	la traza de strace de un lanzamiento: en la carpeta de trazas (0700, de quien califica; la caja no la monta)
autograder/lib/verificacion.c	CALIF_RESULTADOS: la carpeta de resultados del ejecutor, que la caja no monta
autograder/lib/observar.c:observar_abrir	crea la traza en la carpeta de trazas (0700, de quien califica)
autograder/lib/observar.c:observar_anotar_entrada	realpath de la raíz de las temporales (de quien califica) y la lista en la carpeta de trazas; el árbol se recorre con arbol_*
autograder/lib/cuota.c:medir	/proc/<pid>/root/{tmp,dev/shm}: los tmpfs de la caja, que la caja no puede cambiar de sitio (su raíz es de solo lectura); dentro, arbol_*
autograder/lib/cuota.c:compartida	/tmp, /var/tmp y /dev/shm del sistema (no son de la entrega); lo de dentro, con arbol_* desde su descriptor
autograder/lib/cuota.c:cal_cuota_vigilar	la carpeta del clúster del 12: la crea el calificador y se abre al pedirla, antes de lanzar (la entrega solo llega a ella por SQL, como el rol curso); se mide siempre desde ese descriptor, con arbol_*
autograder/lib/temporales.c:temporal_nuevo	crea la raíz de las temporales (mkdtemp bajo TMPDIR, del ejecutor) y la abre antes de lanzar nada: de ahí abajo, arbol_*
autograder/lib/temporales.c:temporales_borrar	borra la raíz de las temporales desde TMPDIR (del ejecutor): archivos_borrar_arbol, y dentro arbol_borrar
autograder/runner/compilar.c:abrir_fuentes	abre la carpeta de fuentes antes de compilar (trabajo/NN la acaba de crear quien califica): de ahí abajo, arbol_*
autograder/base/encierro.c:permitir_sistema	/usr, /etc, /bin, /sbin, /lib…, /proc, /sys y /dev, del sistema (la entrega no las cambia de sitio), para dejarlas leer (y escribir en lo que ya existe de /dev): un O_PATH sin seguir el último enlace; las carpetas de la entrega llegan ya abiertas con arbol_* (lib/lanzar.c:carpeta_encierro)
autograder/base/encierro.c:permitir_resolutor	realpath de /etc/resolv.conf (de root: con systemd-resolved lleva a /run/systemd/resolve/) y un O_PATH de ese archivo, para dejarlo leer
autograder/lib/lanzar.c:archivo_encierro	el binario, la precarga vivos y la copia de junto, que el encierro deja leer: de quien califica (trabajo/NN o la copia aparte bajo /tmp), un O_PATH sin seguir el último enlace
autograder/lib/lanzar.c:carpeta_encierro	arbol_raiz de una carpeta del calificador que no cuelga de las temporales de la verificación (esas se abren con arbol_abrir desde su raíz)
autograder/lib/lanzar.c:junto_copiar	la copia junto al programa va a la carpeta del binario (trabajo/NN, de quien califica); el original se lee con cal_abrir
autograder/lib/lanzar.c:abrir_terminal	el esclavo del pseudoterminal en /dev/pts
autograder/lib/vivos.c:ruta_de	CALIF_VIVOS y CALIF_VIVOS_CIERRE: la precarga vivos copiada junto al binario (trabajo/NN, de quien califica), como la puerta
autograder/runner/alcance.c	la copia aparte (bajo /tmp, de root) de las cabeceras y libcurso.a del curso
autograder/runner/avance.c	los <id>.en-marcha de la carpeta de resultados (del ejecutor)
autograder/runner/exportadas.c:leer_entera	una biblioteca del sistema: la ruta de libuv en la pila que escribe strace (fuera de la caja), que conducta_pila.c solo pasa si empieza por /usr/lib/, /lib/ o /lib64/ (sistema_y); solo se lee
autograder/runner/calificar.c	la carpeta de salida, trabajo/NN (de quien califica) y sus informes; lo de la entrega se borra con archivos_borrar_arbol (arbol_borrar); la carpeta del canal de Criterion (mkdtemp en TMPDIR o /tmp, que no son de la entrega; se borra con arbol_borrar desde la que la contiene)
autograder/runner/compilar.c:montar_opciones	las carpetas -I/-L y los archivos que nombra make (del curso)
autograder/runner/compilar.c:binario_a_su_sitio	el binario ya movido (renameat desde el descriptor de fuentes) a trabajo/NN, de quien califica
autograder/lib/canal.c	/proc/<pid>/{status,exe} y /proc/self/{status,exe}: de quién es una conexión al canal de Criterion (un proceso, no un archivo de la entrega)
autograder/runner/segmentos.c:segmentos_mostrar	calificar --segmentos PROGRAMA: una orden del profesorado y de las pruebas, a mano y fuera de toda calificación (con O_NOFOLLOW: no sigue un enlace del final)
autograder/runner/conducta.c	las trazas de strace (carpeta 0700 de quien califica) y la puerta copiada allí
autograder/runner/conducta_traza.c	las trazas de strace y sus listas «*.entrada» (carpeta 0700 de quien califica)
autograder/runner/criterion.c	el TAP y los <id>.json de la carpeta de resultados (del ejecutor)
autograder/runner/entrega.c	la entrega original (de labs/, solutions/ o la recogida por recoger.py) antes de compilar, y trabajo/NN (de quien califica)
autograder/runner/historial.c	build/progreso.json
autograder/runner/informe.c	results.json, junit.xml e informe.txt en la carpeta de salida
autograder/runner/labs.c	labs/ y sus lab.json
autograder/runner/manifiesto.c	lab.json
autograder/runner/opciones.c	la carpeta de la entrega que nombra quien califica (ENTREGA=)
autograder/runner/pista.c	results.json de la última calificación
autograder/runner/primera.c	el registro y el TAP de cada lote en la carpeta de resultados (del ejecutor)
autograder/runner/protecciones.c	/proc/sys
autograder/runner/publicar.c	lab.json y solutions/ (make publicar)
autograder/runner/repetir.c	el TAP y el <id>.json de una verificación repetida, en la carpeta de resultados
labs/12-base-de-datos/.calificador/comun.c:ReportHook	la carpeta del PostgreSQL de la calificación: de root, bajo TMPDIR, antes de lanzar nada
labs/12-base-de-datos/.calificador/comun.c:registro_releer	el registro de sentencias del servidor PostgreSQL (CAL12_SENTENCIAS: su carpeta registro/, del usuario del servidor, no de la entrega); lo leen base_sentencias, base_rechazos y base_preparacion
FIN

escanear() {
  local raiz=$1
  PERMITIDAS="$PERMITIDAS" python3 - "$raiz" <<'PY'
import glob, os, re, sys

raiz = sys.argv[1]
permitidas = {}
for linea in os.environ["PERMITIDAS"].splitlines():
    if linea.strip():
        clave, porque = linea.split("\t", 1)
        permitidas[clave] = porque
usadas = set()

POR_RUTA = (
    r"open|fopen|freopen|creat|opendir|scandir|stat|lstat|stat64|lstat64|statx|access|euidaccess|"
    r"chmod|lchmod|chown|lchown|unlink|remove|rmdir|rename|mkdir|mkfifo|mknod|symlink|link|"
    r"truncate|nftw|ftw|realpath|canonicalize_file_name|readlink|utime|utimes|lutimes|chdir|"
    r"chroot|mkdtemp|mkstemp|mkostemp|tmpnam|tempnam|tmpfile|dlopen|setxattr|lsetxattr|"
    r"getxattr|lgetxattr|removexattr|"
    r"openat|openat2|fstatat|fstatat64|newfstatat|faccessat|faccessat2|fchmodat|fchmodat2|"
    r"fchownat|unlinkat|renameat|renameat2|mkdirat|mkfifoat|mknodat|symlinkat|linkat|"
    r"readlinkat|utimensat|futimesat|name_to_handle_at|open_by_handle_at|"
    r"json_load_file|json_dump_file|archivos_leer|archivos_copiar|archivos_crear_carpetas|"
    r"archivos_borrar_arbol|arbol_raiz"
)
LLAMADA = re.compile(r"(?<![A-Za-z0-9_.>])(" + POR_RUTA + r")\s*\(")
FUNCION = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_ \t\*]*?[ \t\*])?([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def limpiar(texto):
    """Quita comentarios, textos y caracteres (deja los saltos de línea)."""
    fuera = []
    i, n = 0, len(texto)
    while i < n:
        c = texto[i]
        if texto.startswith("/*", i):
            j = texto.find("*/", i + 2)
            j = n if j < 0 else j + 2
            fuera.append("".join(ch for ch in texto[i:j] if ch == "\n"))
            i = j
        elif texto.startswith("//", i):
            j = texto.find("\n", i)
            i = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and texto[j] != c:
                j += 2 if texto[j] == "\\" else 1
            fuera.append(c + c)
            i = j + 1
        else:
            fuera.append(c)
            i += 1
    return "".join(fuera)


archivos = []
for patron in ("autograder/base/*.c", "autograder/lib/*.c", "autograder/runner/*.c",
               "autograder/observador/*.c", "labs/*/.calificador/*.c",
               "common/src/tcp_prueba.c"):
    archivos += sorted(glob.glob(os.path.join(raiz, patron)))
if not archivos:
    print("  no hay fuentes que mirar en", raiz)
    sys.exit(1)

malas = 0
for ruta in archivos:
    rel = os.path.relpath(ruta, raiz)
    funcion = "(fuera de una función)"
    for numero, linea in enumerate(limpiar(open(ruta, encoding="utf-8").read()).split("\n"), 1):
        m = FUNCION.match(linea)
        if m and not linea.startswith("#"):
            funcion = m.group(1)
        for llamada in LLAMADA.finditer(linea):
            for clave in (rel, rel + ":" + funcion):
                if clave in permitidas:
                    usadas.add(clave)
                    break
            else:
                malas += 1
                print(f"  {rel}:{numero}: {funcion}(): {llamada.group(1)}(…) por ruta, fuera de "
                      "base/arbol.c (usa arbol_* o las cal_* de los árboles de la entrega; si la "
                      "ruta no es de la entrega, di por qué en PERMITIDAS)")
for clave in sorted(set(permitidas) - usadas):
    malas += 1
    print(f"  la excepción «{clave}» ya no se usa: quítala de PERMITIDAS")
sys.exit(1 if malas else 0)
PY
}

fallo=0
if salida=$(escanear "$RAIZ"); then
  echo "  ✔ rutas: ninguna llamada por ruta fuera de base/arbol.c y de las excepciones justificadas"
else
  echo "  ✘ rutas: llamadas por ruta sobre lo que la entrega pudo tocar:"
  echo "$salida"
  fallo=1
fi

# La prueba se prueba: una copia de lo que se mira, con un chmod(ruta…) en un calificador (lo
# que hacía el 08), tiene que fallar y nombrarlo.
COPIA=$(mktemp -d "${TMPDIR:-/tmp}/rutas-estaticas.XXXXXX")
trap 'rm -rf "$COPIA"' EXIT
(cd "$RAIZ" && cp --parents autograder/base/*.c autograder/lib/*.c autograder/runner/*.c \
  autograder/observador/*.c labs/*/.calificador/*.c common/src/tcp_prueba.c "$COPIA"/)
objetivo="$COPIA/labs/08-contador-palabras/.calificador/entrada.c"
printf '\nstatic void vuelve(const char *ruta)\n{\n    (void)chmod(ruta, 0755);\n}\n' >>"$objetivo"
if salida=$(escanear "$COPIA"); then
  echo "  ✘ rutas: la prueba no ve un chmod(ruta, 0755) metido en un calificador"
  fallo=1
elif grep -q 'entrada.c:.*vuelve(): chmod' <<<"$salida"; then
  echo "  ✔ rutas: un chmod(ruta, 0755) en un calificador la hace fallar (y dice dónde)"
else
  echo "  ✘ rutas: con un chmod(ruta…) metido falla, pero no lo nombra: $salida"
  fallo=1
fi
exit "$fallo"
