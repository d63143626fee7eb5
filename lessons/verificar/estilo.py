#!/usr/bin/env python3
"""estilo.py — la comprobación de estilo de todo lo que lee un estudiante (prueba-estilo).

    estilo.py                 comprueba el curso entero; sale con 1 si algo falla
    estilo.py --control       comprueba que la prueba tiene dientes (ver más abajo)
    estilo.py ARCHIVO…        comprueba solo esos archivos (.md, lab.json, casos, .c, .h)

Qué lee (lessons/CONVENCIONES.md, «La comprobación de estilo», lo explica para quien mantiene
el curso):

  - los capítulos, sus prácticas (README.md y las líneas «qué:» y «pista:» de cada `casos`),
    las guías de lessons/ y los enunciados de los laboratorios: la prosa, fuera del código;
  - los textos de cada lab.json que ve un estudiante (titulo, resumen, nombre, que, pista,
    pista_detallada, porque);
  - las cadenas de C del calificador (autograder/, labs/*/.calificador/) y de la biblioteca
    y las herramientas (common/), que son sus mensajes;
  - los comentarios de C de lo que un estudiante lee y edita (COMENTARIOS: el código de
    partida, los programas de las lecciones y de su práctica, las cabeceras de libcurso): ahí
    solo glosario, unidad, decimal y sigla, porque un comentario está lleno de nombres del
    código (`lineas`, c->metodo) y lo que va entre `…` es código citado.

Y qué busca, con su motivo en español y archivo:línea:

  glosario   una forma que lessons/GLOSARIO.md prohíbe: la línea «No: «…», «…».» de cada
             entrada (la fuente es el glosario: esta prueba no tiene su propia lista), en
             singular o en plural;
  unidad     KB, MB, GB o TB, también con todas sus letras (megabyte): el curso da los
             tamaños en KiB/MiB/GiB o en bytes;
  decimal    una coma decimal («0,3»): el separador es el punto;
  frase      una frase de más de 60 palabras (en enunciados, lab.json, prácticas y mensajes);
  negrita    `**…**` dentro de código (un fragmento o una valla), donde sale tal cual;
  tilde      una palabra común sin su tilde («funcion», «numero»…), fuera del código;
  genero     un tipo de libuv en femenino («una `uv_write_t`», «la uv_fs_t»): el glosario
             (entrada «petición») los da en masculino, como el handle;
  sigla      una sigla con -s de plural («URLs», «APIs», «FIFOs»): las siglas no cambian en
             plural («las URL»), fuera del código.
  salto      en una cadena de C, un «\\n» entre dos palabras («sin \\n y cerró»): quería
             nombrar el carácter y el informe parte la frase en dos líneas («\\\\n»).
  plural     en un mensaje del calificador (PLURAL: labs/*/.calificador/*.c, autograder/lib/*.c,
             autograder/runner/*.c), una conversión entera de printf (%d, %u, %lld, %zu, %i,
             %" PRIu64 "…) seguida de un plural fijo («vio %d peticiones»), que con 1 dice
             «vio 1 peticiones»: va texto_plural(n, "petición", "peticiones") o una frase sin
             concordancia («peticiones: %d»).

Las excepciones van en la tabla de CONVENCIONES.md con su motivo; una excepción que ya no
casa con nada también es un fallo (así la lista no crece sola).

--control ejecuta la comprobación sobre lessons/verificar/estilo-control/ y exige que los
hallazgos sean exactamente los de su esperado.txt (archivo:línea:clase): cada clase debe
saltar donde debe y en ningún otro sitio (los casos buenos del mismo archivo no).
"""
import fnmatch
import glob
import json
import os
import re
import sys
import unicodedata

RAIZ = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
GLOSARIO = "lessons/GLOSARIO.md"
CONVENCIONES = "lessons/CONVENCIONES.md"
CONTROL = "lessons/verificar/estilo-control"
MAX_PALABRAS = 60

# Palabras comunes que sin tilde (o sin eñe) son una errata y nunca otra palabra (ni «esta»,
# ni «mas», ni «solo», que sí existen así; ni los plurales en -iones, que no la llevan). Solo en minúscula o con la inicial mayúscula: CONEXION o
# NUMERO en mayúsculas son tokens de un formato de salida (CONVENCIONES.md §1).
SIN_TILDE = """
funcion conexion numero numeros solucion version tambien despues ademas aqui todavia segun
ultimo ultima ultimos ultimas codigo codigos peticion direccion operacion ejecucion
informacion linea lineas parametro parametros metodo metodos pagina paginas facil dificil
rapido rapida automatico automatica sesion cancelacion excepcion compilacion comprobacion
configuracion descripcion tamano tamanos senal senales anadir anade leccion tipico tipica
unico unica
""".split()
SIN_TILDE = set(SIN_TILDE)

# Los textos de lab.json que ve un estudiante.
CLAVES_JSON = {"titulo", "resumen", "nombre", "que", "pista", "pista_detallada", "porque"}

# Qué archivos se leen: (patrón, tipo, frases largas sí/no).
FUENTES = [
    ("lessons/README.md", "md", False),
    ("lessons/[0-9]*/README.md", "md", False),
    ("lessons/practica/README.md", "md", True),
    ("lessons/[0-9]*/practica/README.md", "md", True),
    ("lessons/[0-9]*/practica/*/README.md", "md", True),
    ("lessons/[0-9]*/practica/*/casos", "casos", True),
    ("labs/README.md", "md", True),
    ("labs/[0-9]*/README.md", "md", True),
    ("labs/[0-9]*/lab.json", "json", True),
    ("labs/[0-9]*/.calificador/*.[ch]", "c", True),
    ("autograder/base/*.[ch]", "c", True),
    ("autograder/lib/*.[ch]", "c", True),
    ("autograder/runner/*.[ch]", "c", True),
    ("autograder/observador/*.[ch]", "c", True),
    ("autograder/herramientas/*.[ch]", "c", True),
    ("autograder/include/**/*.h", "c", True),
    ("autograder/profesorado/*.[ch]", "c", True),
    ("common/src/*.[ch]", "c", True),
    ("common/include/**/*.h", "c", True),
    ("common/servidor/*.[ch]", "c", True),
    ("common/herramientas/**/*.c", "c", True),
    # Los comentarios de lo que un estudiante lee y edita (ver COMENTARIOS, abajo).
    ("labs/[0-9]*/*.[ch]", "cc", False),
    ("lessons/[0-9]*/*.c", "cc", False),
    ("lessons/[0-9]*/practica/*/*.[ch]", "cc", False),
]

# Dónde salta «plural»: los mensajes que el calificador enseña a un estudiante (y el control).
PLURAL = ["labs/[0-9]*/.calificador/*.c", "autograder/lib/*.c", "autograder/runner/*.c",
          "lessons/verificar/estilo-control/*.c"]

# Dónde se leen también los comentarios de C: el código de partida de cada laboratorio, los
# programas de las lecciones y de su práctica, y las cabeceras de libcurso (de estas, además
# sus cadenas). Un estudiante los lee tanto como el enunciado.
COMENTARIOS = ["labs/[0-9]*/*.[ch]", "lessons/[0-9]*/*.c", "lessons/[0-9]*/practica/*/*.[ch]",
               "common/include/curso/*.h", "lessons/verificar/estilo-control/comentarios.c"]


def motivo(clase, texto):
    return {
        "glosario": None,  # se rellena con la entrada del glosario
        "unidad": f"«{texto}»: los tamaños van en KiB/MiB/GiB (potencias de 2) o en bytes "
                  "(GLOSARIO, «Tamaños»)",
        "decimal": f"«{texto}»: el separador decimal es el punto (GLOSARIO, «Decimales»)",
        "frase": f"una frase de {texto} palabras (más de {MAX_PALABRAS}): pártela o hazla lista",
        "negrita": f"«{texto}» dentro de código sale con los asteriscos: la negrita va fuera",
        "tilde": f"«{texto}» sin tilde",
        "genero": f"«{texto}»: los tipos de libuv van en masculino («un `uv_write_t`», "
                  "GLOSARIO, «petición»)",
        "sigla": f"«{texto}»: una sigla no lleva -s en plural («las URL», «las API»)",
        "salto": f"«{texto}»: un salto de línea entre dos palabras parte la frase en el "
                 "informe; para nombrar el carácter, «\\\\n» en el código",
        "plural": f"«{texto}»: con 1 dice «{re.sub(r'%[^ ]+', '1', str(texto), count=1)}»; "
                  "el plural según el número (texto_plural, calificador/base.h) o sin "
                  f"concordancia («{str(texto).split()[-1]}: %d»); si el número nunca vale 1, "
                  "excepción con su motivo",
    }[clase]


# ── El glosario: cada entrada «### término» y su línea «No: «…», «…».» ──────────────────
def leer_glosario(raiz):
    entradas, prohibidas = [], []
    termino = None
    with open(os.path.join(raiz, GLOSARIO), encoding="utf-8") as f:
        for n, linea in enumerate(f, 1):
            if linea.startswith("### "):
                termino = linea[4:].strip()
                entradas.append(termino)
            elif linea.startswith("No: "):
                if termino is None:
                    sys.exit(f"{GLOSARIO}:{n}: «No:» fuera de una entrada")
                formas = re.findall(r"«([^»]+)»", linea)
                if not formas:
                    sys.exit(f"{GLOSARIO}:{n}: «No:» sin ninguna forma entre «»")
                for forma in formas:
                    prohibidas.append((forma, termino))
    if not prohibidas:
        sys.exit(f"{GLOSARIO}: ninguna línea «No:»: la prueba no tendría qué buscar")
    return entradas, prohibidas


# Un tramo en cursiva de Markdown en una sola línea: *…*, sin ser ** de negrita.
RE_CURSIVA = re.compile(r"(?<![*\w])\*(?![*\s])[^*\n]+?(?<![*\s])\*(?![*\w])")


def patron_frase(texto):
    """La forma como expresión: palabras enteras, cualquier espacio o salto entre ellas."""
    partes = [re.escape(p) for p in texto.split()]
    return re.compile(r"(?<![\w-])" + r"\s+".join(partes) + r"(?![\w-])", re.IGNORECASE)


# El glosario da cada forma prohibida en singular, pero el plural es la misma forma: «tiempos
# de pared» es «tiempo de pared», «los callbacks» es «el callback». Cada palabra antes de la
# primera de enlace puede ir en plural (los artículos, con el suyo); desde la de enlace, tal
# cual («pool de hilos» → «pools de hilos», no «de hiloss»). Una forma que empieza por una de
# enlace («en vuelo») es un complemento y no tiene plural.
PLURAL_ARTICULO = {"el": "los", "la": "las", "un": "unos", "una": "unas"}
ENLACES = {"de", "del", "en", "a", "al", "con", "por", "para", "y", "o"}


def plural_opcional(palabra):
    """La palabra (ya escapada no: en claro) con su plural como alternativa, en expresión."""
    p = palabra.lower()
    if p in PLURAL_ARTICULO:
        return "(?:" + re.escape(palabra) + "|" + PLURAL_ARTICULO[p] + ")"
    if p.endswith("ón"):
        return re.escape(palabra[:-2]) + "(?:ón|ones)"
    if p[-1] in "sx":
        return re.escape(palabra)
    if p[-1] in "aeiouáéó":
        return re.escape(palabra) + "s?"
    return re.escape(palabra) + "(?:es|s)?"


def patron_forma(texto):
    """Una forma prohibida del glosario, en singular o en plural (ver PLURAL_ARTICULO)."""
    palabras = texto.split()
    if palabras[0].lower() in ENLACES:
        return patron_frase(texto)
    partes, enlazado = [], False
    for p in palabras:
        enlazado = enlazado or p.lower() in ENLACES
        partes.append(re.escape(p) if enlazado else plural_opcional(p))
    return re.compile(r"(?<![\w-])" + r"\s+".join(partes) + r"(?![\w-])", re.IGNORECASE)


# ── Lo que hay que mirar de cada archivo: trozos de texto con su línea ───────────────────
# Un trozo es (texto, lineas, tipo): lineas[i] es la línea de texto[i]; tipo «prosa» o
# «codigo». La prosa de Markdown conserva sus saltos para partir frases.
def trozos_md(ruta, texto):
    prosa, mapa = [], []
    codigo = []
    # El texto con sus fragmentos `…` (fuera de vallas y comentarios): para «genero», que
    # mira el artículo de la prosa pegado al tipo del código.
    con_codigo, mapa_cc = [], []
    en_valla = None
    en_comentario = False
    for n, linea in enumerate(texto.split("\n"), 1):
        # Las vallas pueden ir dentro de una cita («> ```python»).
        m = re.match(r"^\s*(?:>\s?)*(`{3,}|~{3,})", linea)
        if en_valla is not None:
            if m and m.group(1)[0] == en_valla[0] and len(m.group(1)) >= len(en_valla) \
                    and re.sub(r"^[\s>]*", "", linea).strip() == m.group(1):
                en_valla = None
                prosa.append("\n"); mapa.append(n)
            else:
                codigo.append((linea, [n] * len(linea), "valla"))
            continue
        if m:
            en_valla = m.group(1)
            prosa.append("\n"); mapa.append(n)
            continue
        # Los comentarios HTML (marcadores <!-- codigo: … -->) no se leen.
        limpia = ""
        i = 0
        while i < len(linea):
            if en_comentario:
                j = linea.find("-->", i)
                if j < 0:
                    limpia += " " * (len(linea) - i); i = len(linea)
                else:
                    limpia += " " * (j + 3 - i); i = j + 3; en_comentario = False
            else:
                j = linea.find("<!--", i)
                if j < 0:
                    limpia += linea[i:]; i = len(linea)
                else:
                    limpia += linea[i:j]; i = j; en_comentario = True
        linea = limpia
        con_codigo.append(linea + "\n")
        mapa_cc.extend([n] * (len(linea) + 1))
        # Los fragmentos de código en línea (`…`) son código; en la prosa queda una palabra
        # muda («X» y espacios): quien lee la frase también lee `-i 400`, y cuenta para
        # «frase», pero ninguna otra regla la mira.
        fuera = []
        pos = 0
        for c in re.finditer(r"(`+)(.+?)\1", linea):
            fuera.append(linea[pos:c.start()])
            fuera.append("X" + " " * (c.end() - c.start() - 1))
            codigo.append((c.group(2), [n] * len(c.group(2)), "linea"))
            pos = c.end()
        fuera.append(linea[pos:])
        linea = "".join(fuera)
        # Las URL y rutas de los enlaces no son prosa: [texto](destino) deja el texto.
        linea = re.sub(r"\]\([^)]*\)", lambda m: "]" + " " * (len(m.group(0)) - 1), linea)
        linea = re.sub(r"https?://\S+", lambda m: " " * len(m.group(0)), linea)
        # Una línea de tabla, de lista o un título empiezan frase: se parte con «\n\n».
        if re.match(r"^\s*(\||[-*+] |\d+\. |#)", linea):
            prosa.append("\n"); mapa.append(n)
        linea = linea.replace("|", "\n")
        prosa.append(linea + "\n")
        mapa.extend([n] * (len(linea) + 1))
    texto_prosa = "".join(prosa)
    return [(texto_prosa, mapa, "prosa"), ("".join(con_codigo), mapa_cc, "genero")] \
        + [(t, m, "codigo") for t, m, _ in codigo]


def trozos_casos(ruta, texto):
    trozos = []
    for n, linea in enumerate(texto.split("\n"), 1):
        m = re.match(r"^(qué|pista):\s*(.*)$", linea)
        if m:
            trozos.append((m.group(2), [n] * len(m.group(2)), "prosa"))
    return trozos


def trozos_json(ruta, texto):
    """Cada texto de un estudiante en lab.json, con su línea. El archivo lleva una clave por
    línea; si no, se dice (así no se deja ningún texto sin mirar)."""
    trozos = []
    vistos = 0
    for n, linea in enumerate(texto.split("\n"), 1):
        m = re.match(r'^\s*"(\w+)":\s*("(?:[^"\\]|\\.)*")\s*,?\s*$', linea)
        if m and m.group(1) in CLAVES_JSON:
            valor = json.loads(m.group(2))
            trozos.append((valor, [n] * len(valor), "prosa"))
            vistos += 1
    total = [0]

    def contar(x, clave=None):
        if isinstance(x, dict):
            for k, v in x.items():
                contar(v, k)
        elif isinstance(x, list):
            for v in x:
                contar(v, clave)
        elif isinstance(x, str) and clave in CLAVES_JSON:
            total[0] += 1
    contar(json.loads(texto))
    if total[0] != vistos:
        trozos.append(("", [1], "error:lab.json debe llevar cada texto en su propia línea "
                                f"(«\"clave\": \"…\",»): leídos {vistos} de {total[0]}"))
    return trozos


def cadenas_c(texto, macros=False):
    """Las cadenas de C con su mapa de líneas; las seguidas («"a" "b"», también con una macro
    en medio) son una. La macro queda como un espacio o, con `macros`, con su nombre (el
    «%" PRIu64 "» de un formato es «%PRIu64»)."""
    trozos = []
    actual, mapa = [], []
    n = 1
    i = 0
    ultimo_fin = None  # posición tras la última cadena de la cadena compuesta en curso

    def cerrar():
        if actual:
            trozos.append(("".join(actual), list(mapa)))
        actual.clear(); mapa.clear()
    L = len(texto)
    while i < L:
        c = texto[i]
        if texto.startswith("//", i):
            j = texto.find("\n", i)
            i = L if j < 0 else j
            continue
        if texto.startswith("/*", i):
            j = texto.find("*/", i + 2)
            j = L if j < 0 else j + 2
            n += texto.count("\n", i, j)
            i = j
            continue
        if c == "\n":
            n += 1; i += 1
            continue
        if c == "'":
            j = i + 1
            while j < L and texto[j] != "'":
                j += 2 if texto[j] == "\\" else 1
            i = j + 1
            continue
        if c == '"':
            if ultimo_fin is None:
                cerrar()
            j = i + 1
            while j < L and texto[j] != '"':
                if texto[j] == "\\" and j + 1 < L:
                    e = texto[j + 1]
                    if e == "n":
                        actual.append("\n"); mapa.append(n)
                    elif e == "t":
                        actual.append(" "); mapa.append(n)
                    elif e in '"\\\'':
                        actual.append(e); mapa.append(n)
                    else:
                        actual.append(" "); mapa.append(n)
                    j += 2
                    continue
                if texto[j] == "\n":
                    n += 1
                actual.append(texto[j]); mapa.append(n)
                j += 1
            i = j + 1
            ultimo_fin = i
            continue
        if c.isspace():
            i += 1
            continue
        # Una macro entre dos cadenas (PRIu64, CURSO_X) no las separa; cualquier otra cosa sí.
        m = re.match(r"[A-Za-z_]\w*", texto[i:i + 64])
        if m and ultimo_fin is not None:
            k = i + m.end()
            while k < L and texto[k] in " \t\n":
                k += 1
            if k < L and texto[k] == '"':
                hueco = m.group(0) if macros else " "
                actual.extend(hueco); mapa.extend([n] * len(hueco))
                n += texto.count("\n", i, k)
                i = k
                continue
        ultimo_fin = None
        cerrar()
        i += 1
    cerrar()
    return trozos


def trozos_c(ruta, texto):
    """Las cadenas de C como prosa: los formatos de printf (%s, %.2f, %zu) son huecos, no
    palabras."""
    limpios = []
    for t, m in cadenas_c(texto):
        t2 = re.sub(r"%[-+ #0]*\*?\d*(?:\.\*?\d+)?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfFgGcspn%]",
                    lambda x: "X" * len(x.group(0)), t)
        limpios.append((t2, m, "prosa"))
    return limpios


def trozos_plural(ruta, texto):
    """Las cadenas de C tal cual, con sus formatos (y el nombre de las macros PRI…): para
    «plural», que mira qué conversión va delante de cada palabra."""
    return [(t, m, "plural") for t, m in cadenas_c(texto, macros=True)]


def trozos_comentarios(ruta, texto):
    """Los comentarios de C (/* … */ y // …), cada uno un trozo de prosa; las cadenas y los
    caracteres se saltan (un «/*» dentro de una cadena no abre nada)."""
    trozos = []
    n = 1
    i = 0
    L = len(texto)
    while i < L:
        c = texto[i]
        if texto.startswith("//", i) or texto.startswith("/*", i):
            bloque = texto.startswith("/*", i)
            j = texto.find("*/", i + 2) if bloque else texto.find("\n", i)
            j = L if j < 0 else j
            cuerpo, mapa = [], []
            for k in range(i + 2, j):
                if texto[k] == "\n":
                    n += 1
                cuerpo.append(texto[k]); mapa.append(n)
            # Los asteriscos del margen de un bloque no son texto, y lo que va entre `…` es
            # código citado (la misma longitud, para que las líneas sigan casando).
            t = re.sub(r"\n[ \t]*\*(?!/)", lambda m: "\n" + " " * (len(m.group(0)) - 1), "".join(cuerpo))
            t = re.sub(r"`[^`\n]*`", lambda m: " " * len(m.group(0)), t)
            trozos.append((t, mapa, "comentario"))
            i = j + 2 if bloque else j
            continue
        if c == "\n":
            n += 1; i += 1
            continue
        if c in "'\"":
            j = i + 1
            while j < L and texto[j] != c and texto[j] != "\n":
                j += 2 if texto[j] == "\\" else 1
            i = j + 1
            continue
        i += 1
    return trozos


# ── Las reglas ───────────────────────────────────────────────────────────────────────────
# La unidad decimal, en siglas o con todas sus letras («un megabyte»): las dos son MB.
RE_UNIDAD = re.compile(r"(?<![\w.])(?:\d[\d.]*\s?)?"
                       r"(?:KB|kB|MB|GB|TB|(?:[Kk]ilo|[Mm]ega|[Gg]iga|[Tt]era)bytes?)(?![\w])")
# Un «\n» de C entre dos palabras («sin \n y cerró»): ya decodificado, un salto de línea con
# una palabra y un espacio a cada lado. Los saltos de formato («:\n%s», «\n  (…)») no casan.
RE_SALTO = re.compile(r"[^\W\d_]+ \n [^\W\d_]+")
RE_DECIMAL = re.compile(r"(?<![\w,.])\d+,\d+(?!\w|,\d|\.\d)")
RE_NEGRITA = re.compile(r"\*\*[^\s*](?:[^*\n]*?[^\s*])?\*\*")
RE_PALABRA = re.compile(r"[^\W\d_][\w'’-]*")
# Una sigla (dos o más mayúsculas) con la -s del plural inglés: «URLs», «APIs», «FIFOs». En una
# cadena de C, un formato pegado a una «s» («%llus») ya es «XXXXs» (ver trozos_c): no cuenta.
RE_SIGLA = re.compile(r"(?<![\w-])(?!X+s(?![\w-]))[A-Z]{2,}s(?![\w-])")
# «plural»: una conversión entera de printf (con sus indicadores, ancho y longitud, o una macro
# PRIu64…), los espacios que siga y la palabra de detrás. «%%» es un «%» escrito: se salta.
RE_PLURAL = re.compile(r"(?P<esc>%%)|(?P<conv>%[-+#0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
                       r"(?:(?:hh|h|ll|l|z|j|t)?[diu]|PRI[diu](?:8|16|32|64|MAX|PTR)))"
                       r"(?P<esp>[ \u00a0\u202f]*)(?P<palabra>[^\W\d_]+)?")
# La palabra justo delante de la conversión, en la misma línea (sin comillas ni paréntesis).
RE_PLURAL_ANTES = re.compile(r"([^\s«»()\[\]\"']+)[ \u00a0\u202f]*$")
# Palabras de tres o más letras acabadas en -s que no son un plural: no concuerdan con el
# número («%d más que», «%d tras …»). Las unidades de dos letras (ms, µs) y las de símbolo
# (s, KiB, MiB) ya no casan. «bytes» sí salta: «1 bytes» está tan mal como «1 líneas»; donde
# el número nunca vale 1 (un tamaño fijo), la excepción lo dice.
NO_PLURAL = {"más", "menos", "tras", "pues", "antes", "después", "mientras", "además", "apenas",
             "entonces", "jamás", "atrás", "detrás", "quizás"}
# Un determinante femenino pegado a un tipo de libuv (con o sin `…`, también con un salto).
RE_GENERO = re.compile(r"(?<![\w-])(?:la|las|una|unas|esta|estas|esa|esas|otra|otras|ninguna|"
                       r"alguna|toda|todas|misma|nueva|propia)\s+`?uv_[a-z0-9_]+_t(?![\w])`?",
                       re.IGNORECASE)


def linea_de(mapa, pos):
    if not mapa:
        return 1
    return mapa[min(pos, len(mapa) - 1)]


def buscar(ruta, trozos, glosario, frases, tipo_archivo):
    entradas, prohibidas = glosario
    hallazgos = []
    titulos = [patron_forma(t) for t in entradas]
    formas = [(f, t, patron_forma(f)) for f, t in prohibidas]
    for texto, mapa, tipo in trozos:
        if tipo.startswith("error:"):
            hallazgos.append((ruta, 1, "formato", tipo[6:], ""))
            continue
        if tipo == "plural":
            for m in RE_PLURAL.finditer(texto):
                w = m.group("palabra")
                # «correctas=%d fallos=%d»: «fallos=» es la clave que sigue, no un nombre.
                sig = texto[m.end():m.end() + 1]
                if m.group("esc") or not w or len(w) < 3 or not w.endswith("s") \
                        or w.lower() in NO_PLURAL or (sig and sig in "=_(["):
                    continue
                # El hallazgo lleva la palabra de delante («de %d proveedores»): así una
                # excepción nombra un sitio y no cualquier «%d proveedores» del archivo.
                antes = RE_PLURAL_ANTES.search(texto, 0, m.start())
                visto = (antes.group(1) + " " if antes else "") + m.group("conv") + " " + w
                hallazgos.append((ruta, linea_de(mapa, m.start()), "plural",
                                  motivo("plural", visto), visto))
            continue
        # En Markdown, el género se mira en el texto con sus `…`; en lab.json, casos y C, en
        # la prosa (sus tipos van sin comillas de código).
        if tipo == "genero" or (tipo == "prosa" and tipo_archivo != "md"):
            for m in RE_GENERO.finditer(texto):
                hallazgos.append((ruta, linea_de(mapa, m.start()), "genero",
                                  motivo("genero", " ".join(m.group(0).split())),
                                  m.group(0)))
        if tipo == "genero":
            continue
        # Un comentario de C está lleno de nombres del código (`lineas`, c->metodo, senales.h):
        # ahí no se miran tildes, género, saltos ni frases; sí glosario, unidades, decimales
        # y siglas, que se leen igual en un comentario que en el enunciado.
        comentario = tipo == "comentario"
        if tipo == "prosa" and tipo_archivo == "c":
            for m in RE_SALTO.finditer(texto):
                visto = m.group(0).replace("\n", "\\n")
                hallazgos.append((ruta, linea_de(mapa, m.start()), "salto",
                                  motivo("salto", visto), visto))
        for m in RE_UNIDAD.finditer(texto):
            hallazgos.append((ruta, linea_de(mapa, m.start()), "unidad",
                              motivo("unidad", m.group(0)), m.group(0)))
        if tipo == "codigo":
            for m in RE_NEGRITA.finditer(texto):
                hallazgos.append((ruta, linea_de(mapa, m.start()), "negrita",
                                  motivo("negrita", m.group(0)), m.group(0)))
            continue
        for m in RE_DECIMAL.finditer(texto):
            hallazgos.append((ruta, linea_de(mapa, m.start()), "decimal",
                              motivo("decimal", m.group(0)), m.group(0)))
        for m in RE_SIGLA.finditer(texto):
            hallazgos.append((ruta, linea_de(mapa, m.start()), "sigla",
                              motivo("sigla", m.group(0)), m.group(0)))
        # Glosario: una forma prohibida que forma parte de un término del glosario (el
        # «pool» de «pool de conexiones») no cuenta; en mayúsculas es un token de formato.
        tapado = [False] * len(texto)
        for p in titulos:
            for m in p.finditer(texto):
                for k in range(m.start(), m.end()):
                    tapado[k] = True
        # El original en inglés, en cursiva (*keep-alive*, *full jitter*), es una glosa, no un
        # uso: la forma dentro de un tramo *…* no cuenta. (La negrita, **…**, sí.)
        cursiva = [False] * len(texto)
        for m in RE_CURSIVA.finditer(texto):
            for k in range(m.start(), m.end()):
                cursiva[k] = True
        for forma, termino, p in formas:
            for m in p.finditer(texto):
                if tapado[m.start()] or m.group(0).isupper() or cursiva[m.start()]:
                    continue
                hallazgos.append((ruta, linea_de(mapa, m.start()), "glosario",
                                  f"«{m.group(0)}»: el glosario dice «{termino}»",
                                  m.group(0)))
        for m in ([] if comentario else RE_PALABRA.finditer(texto)):
            w = m.group(0)
            if w.lower() in SIN_TILDE and (w.islower() or w[1:].islower()):
                # «maximo=», «&senales», «f(lineas)» son claves o código escrito sin `…`;
                # una cadena de C de una sola palabra («"metodo"») es una clave JSON.
                sig = texto[m.end():m.end() + 1]
                ant = texto[m.start() - 1:m.start()] if m.start() else ""
                if (sig and sig in "=_()[;") or (ant and ant in "_-/.\"'&*(«") \
                        or (tipo_archivo == "c" and len(texto.split()) < 2):
                    continue
                hallazgos.append((ruta, linea_de(mapa, m.start()), "tilde",
                                  motivo("tilde", w), w))
        if frases and not comentario:
            for inicio, fin, palabras in partir_frases(texto, tipo_archivo == "c"):
                if palabras > MAX_PALABRAS:
                    hallazgos.append((ruta, linea_de(mapa, inicio), "frase",
                                      motivo("frase", palabras),
                                      texto[inicio:fin].split("\n")[0][:40]))
    return hallazgos


def partir_frases(texto, saltos=False):
    """(inicio, fin, palabras) de cada frase: acaba en . ! ? seguidos de espacio o fin, en
    una línea vacía o (saltos, en un mensaje de C) en cualquier salto de línea."""
    fin = r"\n" if saltos else r"\n\s*\n"
    # Los puntos suspensivos que abren una cita («… tras 3 fallos») no cierran la frase.
    for m in re.finditer(r"(?s)\S.*?(?:(?:[.!?]|(?<![\s«(\[])…)(?=\s|$)|" + fin + "|$)",
                         texto):
        t = m.group(0)
        palabras = len(re.findall(r"[\w][\w'’.,/-]*", t))
        yield m.start(), m.end(), palabras


# ── Excepciones: la tabla de CONVENCIONES.md entre sus dos marcas ───────────────────────
def leer_excepciones(raiz):
    excepciones = []
    dentro = False
    with open(os.path.join(raiz, CONVENCIONES), encoding="utf-8") as f:
        for n, linea in enumerate(f, 1):
            if "<!-- estilo: excepciones -->" in linea:
                dentro = True
                continue
            if "<!-- estilo: fin -->" in linea:
                dentro = False
                continue
            if not dentro or not linea.startswith("|") or linea.startswith("|---") \
                    or linea.startswith("| Archivos"):
                continue
            celdas = [c.strip() for c in linea.strip().strip("|").split("|")]
            if len(celdas) != 4 or not celdas[3]:
                sys.exit(f"{CONVENCIONES}:{n}: cada excepción lleva archivos, clase, texto y motivo")
            rutas, clase, texto, porque = celdas
            texto = texto.strip("`«»")
            excepciones.append({"linea": n, "rutas": rutas.strip("`").split(), "clase": clase,
                                "texto": texto, "usada": False})
    return excepciones


def exceptuado(h, excepciones):
    ruta, _, clase, _, texto = h
    for e in excepciones:
        if e["clase"] == clase and any(fnmatch.fnmatch(ruta, r) for r in e["rutas"]) \
                and (e["texto"] in ("*", "") or
                     " ".join(e["texto"].lower().split()) == " ".join(texto.lower().split())):
            e["usada"] = True
            return True
    return False


def archivos(raiz):
    vistos = []
    for patron, tipo, frases in FUENTES:
        for ruta in sorted(glob.glob(os.path.join(raiz, patron), recursive=True)):
            rel = os.path.relpath(ruta, raiz)
            if rel not in [v[0] for v in vistos]:
                vistos.append((rel, tipo, frases))
    return vistos


def tipo_de(ruta):
    if ruta.endswith(".md"):
        return "md"
    if ruta.endswith(".json"):
        return "json"
    if ruta.endswith((".c", ".h")):
        return "c"
    return "casos"


def comprobar(raiz, lista, glosario):
    hallazgos = []
    for rel, tipo, frases in lista:
        with open(os.path.join(raiz, rel), encoding="utf-8") as f:
            texto = unicodedata.normalize("NFC", f.read())
        trozos = {"md": trozos_md, "json": trozos_json, "c": trozos_c,
                  "cc": trozos_comentarios, "casos": trozos_casos}[tipo](rel, texto)
        # (fnmatch deja que «*» pase por «/»: se exige además la misma profundidad.)
        if tipo == "c" and any(fnmatch.fnmatch(rel, p) and rel.count("/") == p.count("/")
                               for p in COMENTARIOS):
            trozos += trozos_comentarios(rel, texto)
        if tipo == "c" and any(fnmatch.fnmatch(rel, p) and rel.count("/") == p.count("/")
                               for p in PLURAL):
            trozos += trozos_plural(rel, texto)
        hallazgos += buscar(rel, trozos, glosario, frases, tipo)
    return hallazgos


def main(args):
    glosario = leer_glosario(RAIZ)
    if args and args[0] == "--control":
        carpeta = os.path.join(RAIZ, CONTROL)
        lista = [(os.path.relpath(p, RAIZ), tipo_de(p), True)
                 for p in sorted(glob.glob(os.path.join(carpeta, "*")))
                 if not p.endswith("esperado.txt")]
        obtenidos = {(h[0], h[1], h[2]) for h in comprobar(RAIZ, lista, glosario)}
        esperados = set()
        with open(os.path.join(carpeta, "esperado.txt"), encoding="utf-8") as f:
            for linea in f:
                linea = linea.split("#")[0].strip()
                if linea:
                    a, n, c = linea.split(":")
                    esperados.add((os.path.join(CONTROL, a), int(n), c))
        clases = {c for _, _, c in esperados}
        falta = sorted(esperados - obtenidos)
        sobra = sorted(obtenidos - esperados)
        for a, n, c in falta:
            print(f"  ✘ control: {a}:{n}: debía saltar «{c}» y no saltó")
        for a, n, c in sobra:
            print(f"  ✘ control: {a}:{n}: saltó «{c}» en un caso bueno")
        todas = {"glosario", "unidad", "decimal", "frase", "negrita", "tilde", "genero",
                 "sigla", "salto", "plural"}
        if clases != todas:
            print(f"  ✘ control: faltan casos de {sorted(todas - clases)}")
        ok = not falta and not sobra and clases == todas
        print(f"resumen: control de estilo, {len(esperados)} casos que deben saltar "
              f"({len(clases)} clases): {'ok' if ok else 'FALLA'}")
        return 0 if ok else 1
    if args:
        lista = [(os.path.relpath(os.path.abspath(a), RAIZ), tipo_de(a), True) for a in args]
        excepciones = []
    else:
        lista = archivos(RAIZ)
        excepciones = leer_excepciones(RAIZ)
    hallazgos = comprobar(RAIZ, lista, glosario)
    malos = [h for h in hallazgos if not exceptuado(h, excepciones)]
    for ruta, n, clase, porque, _ in sorted(malos, key=lambda h: (h[0], h[1])):
        print(f"{ruta}:{n}: [{clase}] {porque}")
    sin_uso = [e for e in excepciones if not e["usada"]]
    for e in sin_uso:
        print(f"{CONVENCIONES}:{e['linea']}: excepción que ya no casa con nada "
              f"({e['clase']} «{e['texto']}»): quítala")
    print(f"resumen: estilo, {len(lista)} archivos, {len(malos)} hallazgos, "
          f"{len(excepciones) - len(sin_uso)} excepciones usadas")
    return 1 if malos or sin_uso else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
