# sin-python.awk — busca, en lo que lee un estudiante, lo que solo entiende quien conoce el curso
# de asyncio de Python del que este curso es la versión en C. Lo llama sin-python.sh (allí, qué
# archivos y por qué); las reglas están en lessons/CONVENCIONES.md §1 («Se lee sin saber Python»).
#
#   LC_ALL=C awk -v modo=md|c|json -f sin-python.awk ARCHIVO...
#
# Escribe una línea por hallazgo, «archivo:línea: mensaje», y nada si todo está bien.
#
#   modo=md    Markdown. Fuera de un recuadro «> **Si conoces asyncio:** …» (cada una de sus
#              líneas empieza por «>») y de un apartado cuyo título contiene «Si conoces
#              asyncio» (hasta el siguiente título de su nivel o de uno mayor) no puede haber un
#              bloque ```python ni código de Python (PYTHON, abajo). Las referencias a un
#              documento que el estudiante no tiene (EXTERNO) no valen en ningún sitio.
#   modo=c     código C (lecciones, código de partida): solo las referencias externas.
#   modo=json  lab.json: código de Python y referencias externas, en todo el archivo.
#
# Es una lista de lo que delata el otro curso, no una gramática de Python: si alguien escribe
# Python que no la toca, no lo ve. Por eso la norma de los autores es la de CONVENCIONES.md, y
# esta prueba solo cierra las formas que el curso ya tuvo.

function python(s,    t) {
    # Devuelve la primera construcción de Python de s, o "" si no hay ninguna.
    t = " " s " "
    if (t ~ /[^A-Za-z_]async (def|with|for)[^A-Za-z_]/) return "async def/with/for"
    if (t ~ /[^A-Za-z_.]await[^A-Za-z_]/) return "await"
    if (t ~ /import asyncio|from asyncio/) return "import asyncio"
    if (t ~ /[^A-Za-z_]asyncio\.[A-Za-z_]/) return "asyncio."
    if (t ~ /[^A-Za-z_]asyncpg[^A-Za-z_]/) return "asyncpg"
    if (t ~ /[^A-Za-z_]aiohttp[^A-Za-z_]/) return "aiohttp"
    if (t ~ /[^A-Za-z_]aiofiles[^A-Za-z_]/) return "aiofiles"
    if (t ~ /[^A-Za-z_]httpx[^A-Za-z_]/) return "httpx"
    if (t ~ /[^A-Za-z_]run_in_executor[^A-Za-z_]/) return "run_in_executor"
    if (t ~ /[^A-Za-z_]create_task[^A-Za-z_]/) return "create_task"
    if (t ~ /[^A-Za-z_]TaskGroup[^A-Za-z_]/) return "TaskGroup"
    if (t ~ /[^A-Za-z_]print\(/) return "print("
    if (t ~ /^ *def [A-Za-z_]+\(/) return "def"
    if (t ~ /__name__|__main__/) return "__main__"
    return ""
}

function externo(s,    t) {
    # Devuelve la primera referencia al curso de Python o a su texto, o "".
    t = tolower(s)
    if (t ~ /temario/) return "«temario»"
    if (t ~ /curso de (asyncio|python)/) return "«curso de asyncio/Python»"
    if (t ~ /curso (original|en python)/) return "«curso original»"
    if (t ~ /(del|el|la versi\303\263n|versi\303\263n) original/) return "«el original»"
    if (t ~ /apartado[s]? [0-9]+\.[0-9]+/) return "«apartado N.N»"
    return ""
}

function hallazgo(msg) {
    printf "%s:%d: %s\n", FILENAME, FNR, msg
}

FNR == 1 {
    # Un archivo nuevo: el anterior no puede dejar un bloque ```python abierto; el estado de
    # bloques empieza limpio.
    if (valla != "" && valla_py && !valla_permitida)
        printf "%s:%d: bloque ```python sin cerrar fuera de un recuadro «Si conoces asyncio»\n", anterior, valla_linea
    anterior = FILENAME
    valla = ""; valla_py = 0; valla_linea = 0; valla_lineas = 0; valla_permitida = 0
    recuadro = 0; apartado = 0
}

modo == "c" || modo == "json" {
    e = externo($0)
    if (e != "") hallazgo("referencia a un documento que el estudiante no tiene (" e "): el texto debe sostenerse solo")
    if (modo == "json") {
        p = python($0)
        if (p != "") hallazgo("código de Python (" p ") en el enunciado: descríbelo en C o en prosa")
    }
    next
}

{
    linea = $0
    # Lo que hay tras los «>» de una cita y sus espacios: una valla o un título dentro de un
    # recuadro se reconocen igual que fuera.
    cuerpo = linea
    cita = (cuerpo ~ /^[ \t]*>/)
    sub(/^[ \t]*(>[ \t]?)*/, "", cuerpo)
    sub(/^[ \t]+/, "", cuerpo)

    e = externo(linea)
    if (e != "") hallazgo("referencia a un documento que el estudiante no tiene (" e "): el texto debe sostenerse solo")

    # Vallas de código: ``` o ~~~ (tres o más), con el lenguaje tras ellas.
    if (valla != "") {
        if (substr(cuerpo, 1, length(valla)) == valla && cuerpo ~ /^(`+|~+)[ \t]*$/) {
            if (valla_py && !valla_permitida)
                printf "%s:%d: bloque ```python (%d %s) fuera de un recuadro «Si conoces asyncio»: escríbelo en C o en prosa, o llévalo al recuadro\n", FILENAME, valla_linea, valla_lineas, valla_lineas == 1 ? "línea" : "líneas"
            valla = ""; valla_py = 0
            next
        }
        valla_lineas++
        if (!valla_py && !valla_permitida) {
            p = python(cuerpo)
            if (p != "") hallazgo("código de Python (" p ") fuera de un recuadro «Si conoces asyncio»")
        }
        next
    }

    # Fin de un recuadro: la primera línea que no es de la cita.
    if (recuadro && !cita) recuadro = 0
    if (!recuadro && cita && cuerpo ~ /^\*\*Si conoces asyncio/) recuadro = 1

    if (match(cuerpo, /^(```+|~~~+)/)) {
        valla = substr(cuerpo, 1, RLENGTH)
        lang = tolower(substr(cuerpo, RLENGTH + 1))
        sub(/^[ \t{.]*/, "", lang); sub(/[ \t}].*$/, "", lang)
        valla_py = (lang == "python" || lang == "py" || lang == "python3" || lang == "pycon")
        valla_linea = FNR; valla_lineas = 0
        valla_permitida = recuadro || apartado
        next
    }

    # Títulos: un apartado «Si conoces asyncio» llega hasta el siguiente título de su nivel.
    if (!cita && match(linea, /^#+[ \t]/)) {
        nivel = RLENGTH - 1
        if (apartado && nivel <= apartado) apartado = 0
        if (!apartado && linea ~ /Si conoces asyncio/) apartado = nivel
    }

    if (recuadro || apartado) next
    if (linea ~ /^[ \t]*<!--.*-->[ \t]*$/) next    # marcadores del comprobador (CONVENCIONES §3)
    p = python(cuerpo)
    if (p != "") hallazgo("código de Python (" p ") fuera de un recuadro «Si conoces asyncio»")
}

END {
    if (valla != "" && valla_py && !valla_permitida)
        printf "%s:%d: bloque ```python sin cerrar fuera de un recuadro «Si conoces asyncio»\n", FILENAME, valla_linea
}
