#!/usr/bin/python3
"""construir.py — el libro del curso: un sitio estático, un EPUB y un PDF, sin red.

    construir.py RAIZ SALIDA [--sin-pdf] [--sin-epub]

Lee el Markdown que ya existe (README.md, lessons/README.md y cada lessons/NN-*/README.md,
labs/README.md y cada labs/NN-*/README.md) y escribe en SALIDA (build/libro):

    sitio/            una página por capítulo, con índice lateral, anterior/siguiente, anclas,
                      código C resaltado y búsqueda sin servidor (funciona desde file://)
    sitio/libro-completo.html   todo el libro en una página (de ahí sale el PDF)
    programacion-asincrona-en-c.epub    el mismo libro, para lectores de libros
    programacion-asincrona-en-c.pdf     impreso por Chromium sin interfaz, con números de
                                        página y un índice con enlaces

Las lecciones y los laboratorios nuevos aparecen solos: el orden sale de los nombres de las
carpetas (NN-tema). Un enlace relativo a otro capítulo lleva a su página; a un .md que no es
capítulo, a un «anexo» generado con él; a un programa (.c, .h, .py, .sh…), a una página que lo
muestra. Un enlace roto se deja tal cual, marcado, y lo denuncia comprobar.py.

Solo hace lo que cambió: el Markdown convertido por pandoc se guarda en SALIDA/.cache por su
huella (sha256), las páginas que no cambian no se reescriben, y el EPUB y el PDF solo se
rehacen si cambió el libro entero. Reproducible: la fecha y la versión salen de git (el último
commit), no del reloj; la excepción es el PDF, en el que Chromium anota su propia fecha.
"""

import concurrent.futures
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile

TITULO = "Programación asíncrona en C"
NOMBRE_ARCHIVO = "programacion-asincrona-en-c"
AQUI = os.path.dirname(os.path.abspath(__file__))
# Una salida que el lector debe predecir antes de verla (opción «predice» del marcador). En el
# EPUB y el PDF va abierta: en papel no hay nada que pulsar.
PREDICE_ABRE = ('<details class="predice"><summary>Predice la salida y luego mira</summary>')
EXT_CODIGO = {".c": "c", ".h": "c", ".py": "python", ".sh": "bash", ".json": "json",
              ".mk": "makefile", ".txt": "", ".patch": "diff", ".sql": "sql"}


# --- Utilidades ------------------------------------------------------------------------------

def huella(*partes):
    h = hashlib.sha256()
    for p in partes:
        h.update(p if isinstance(p, bytes) else p.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def escribir_si_cambia(ruta, contenido):
    """Escribe solo si el contenido es otro: así make y el navegador ven fechas estables."""
    datos = contenido.encode("utf-8") if isinstance(contenido, str) else contenido
    try:
        with open(ruta, "rb") as f:
            if f.read() == datos:
                return False
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(ruta), exist_ok=True)
    tmp = ruta + ".tmp"
    with open(tmp, "wb") as f:
        f.write(datos)
    os.replace(tmp, ruta)
    return True


def sin_acentos(texto):
    t = unicodedata.normalize("NFD", texto.lower())
    return "".join(c for c in t if unicodedata.category(c) != "Mn")


def git(raiz, *args):
    try:
        r = subprocess.run(["git", "-C", raiz] + list(args), capture_output=True, text=True,
                           timeout=10)
        return r.stdout.strip() if r.returncode == 0 else ""
    except (OSError, subprocess.TimeoutExpired):
        return ""


class Pandoc:
    """pandoc con caché por huella: la conversión es lo único caro del libro."""

    def __init__(self, cache):
        self.cache = cache
        os.makedirs(cache, exist_ok=True)
        r = subprocess.run(["pandoc", "--version"], capture_output=True, text=True, check=True)
        self.version = r.stdout.splitlines()[0]

    def _correr(self, args, entrada):
        clave = huella(self.version, "\0".join(args), entrada)
        ruta = os.path.join(self.cache, clave)
        if os.path.exists(ruta):
            with open(ruta, encoding="utf-8") as f:
                return f.read()
        r = subprocess.run(["pandoc"] + args, input=entrada, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit("pandoc falló (%s): %s" % (" ".join(args), r.stderr.strip()))
        escribir_si_cambia(ruta, r.stdout)
        return r.stdout

    def a_ast(self, markdown):
        return json.loads(self._correr(["-f", "gfm", "-t", "json"], markdown))

    def a_html(self, ast):
        return self._correr(["-f", "json", "-t", "html5", "--highlight-style=pygments"],
                            json.dumps(ast, ensure_ascii=False, sort_keys=True))

    def css_resaltado(self):
        """Las reglas de color del resaltado (pandoc solo las da en un documento completo)."""
        doc = self._correr(["-f", "markdown", "-t", "html5", "-s", "--highlight-style=pygments",
                            "--metadata", "title=x"], "```c\nint x;\n```\n")
        m = re.search(r"(pre > code\.sourceCode.*?)</style>", doc, re.S)
        return colores_legibles(m.group(1).strip()) if m else ""


# --- El AST de pandoc --------------------------------------------------------------------------

def recorrer(nodo, f):
    """Recorre el AST en profundidad y deja que f reemplace cada elemento {"t": …}."""
    if isinstance(nodo, list):
        salida = []
        for x in nodo:
            r = recorrer(x, f)
            if isinstance(r, list) and isinstance(x, dict):
                salida.extend(r)  # f puede devolver varios elementos en lugar de uno
            else:
                salida.append(r)
        return salida
    if isinstance(nodo, dict):
        if "t" in nodo:
            nuevo = f(nodo)
            if nuevo is not nodo:
                return nuevo
            if "c" in nodo:
                nodo["c"] = recorrer(nodo["c"], f)
            return nodo
        return {k: recorrer(v, f) for k, v in nodo.items()}
    return nodo


def texto_plano(nodo):
    partes = []

    def f(x):
        t = x.get("t")
        if t == "Str":
            partes.append(x["c"])
        elif t in ("Space", "SoftBreak", "LineBreak"):
            partes.append(" ")
        elif t == "Code":
            partes.append(x["c"][1])
            return {"t": "Null"}  # ya copiado; no bajar
        elif t == "CodeBlock":
            partes.append(" " + x["c"][1] + " ")
            return {"t": "Null"}
        return x

    recorrer(json.loads(json.dumps(nodo)), f)
    return re.sub(r"\s+", " ", "".join(partes)).strip()


def inlines_texto(texto):
    salida = []
    for i, palabra in enumerate(texto.split(" ")):
        if i:
            salida.append({"t": "Space"})
        salida.append({"t": "Str", "c": palabra})
    return salida


# --- El libro: qué páginas hay y en qué orden ------------------------------------------------

class Pagina:
    def __init__(self, fuente, archivo, tipo, grupo=""):
        self.fuente = fuente  # ruta relativa a la raíz (README.md, lessons/01-x/README.md…)
        self.archivo = archivo  # nombre en el sitio (index.html, leccion-01-x.html…)
        self.tipo = tipo  # portada, indice, leccion, laboratorio, anexo, codigo
        self.grupo = grupo
        self.id = re.sub(r"\.html$", "", archivo).replace(".", "-")
        self.titulo = ""
        self.id_h1 = ""  # el id que pandoc dio al título del capítulo
        self.ast = None

    def ancla_unica(self, frag):
        """El id de `frag` en el documento único (EPUB, PDF), donde cada capítulo lleva
        delante el id de su página y el título del capítulo tiene ese id a secas."""
        if not frag or frag == self.id_h1:
            return self.id
        return self.id + "--" + frag


def descubrir(raiz):
    paginas = [Pagina("README.md", "index.html", "portada")]

    def carpetas(base):
        d = os.path.join(raiz, base)
        return sorted(n for n in os.listdir(d)
                      if re.match(r"\d\d[a-z]?-", n) and os.path.isfile(os.path.join(d, n, "README.md")))

    paginas.append(Pagina("lessons/README.md", "lecciones.html", "indice", "Lecciones"))
    for n in carpetas("lessons"):
        paginas.append(Pagina("lessons/%s/README.md" % n, "leccion-%s.html" % n, "leccion",
                              "Lecciones"))
    # El glosario, tras las lecciones: una página propia en el menú, en la búsqueda y en el
    # EPUB y el PDF (no depende de que un capítulo lo enlace).
    if os.path.isfile(os.path.join(raiz, "lessons", "GLOSARIO.md")):
        paginas.append(Pagina("lessons/GLOSARIO.md", "glosario.html", "glosario", "Lecciones"))
    paginas.append(Pagina("labs/README.md", "laboratorios.html", "indice", "Laboratorios"))
    for n in carpetas("labs"):
        paginas.append(Pagina("labs/%s/README.md" % n, "laboratorio-%s.html" % n, "laboratorio",
                              "Laboratorios"))
    return paginas


def archivo_para(ruta_rel, tipo):
    plano = re.sub(r"[^A-Za-z0-9._-]+", "-", ruta_rel.replace("/", "-")).strip("-")
    if tipo == "anexo":
        return "anexo-" + re.sub(r"\.md$", "", plano) + ".html"
    return "codigo-" + plano + ".html"


class Libro:
    def __init__(self, raiz, salida):
        self.raiz = raiz
        self.salida = salida
        self.sitio = os.path.join(salida, "sitio")
        self.pandoc = Pandoc(os.path.join(salida, ".cache"))
        self.paginas = descubrir(raiz)
        self.por_fuente = {p.fuente: p for p in self.paginas}
        self.anexos = []
        self.codigos = []
        fecha = git(raiz, "log", "-1", "--format=%cs") or "sin fecha"
        version = git(raiz, "describe", "--always", "--dirty") or "sin versión"
        self.fecha, self.version = fecha, version
        self.epoch = git(raiz, "log", "-1", "--format=%ct") or "0"

    # Un enlace relativo del Markdown → (página, fragmento) o None si no existe el destino.
    def destino(self, pagina, url):
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) or url.startswith("//"):
            return None
        ruta, _, frag = url.partition("#")
        if not ruta:
            return (pagina, frag)
        base = os.path.dirname(pagina.fuente)
        rel = os.path.normpath(os.path.join(base, ruta))
        if rel.startswith(".."):
            return None
        abs_ = os.path.join(self.raiz, rel)
        if os.path.isdir(abs_):
            if os.path.isfile(os.path.join(abs_, "README.md")):
                rel = os.path.join(rel, "README.md")
            else:
                return None
        elif not os.path.isfile(abs_):
            return None
        if rel in self.por_fuente:
            return (self.por_fuente[rel], frag)
        ext = os.path.splitext(rel)[1]
        if ext == ".md":
            p = Pagina(rel, archivo_para(rel, "anexo"), "anexo", "Anexos")
            self.anexos.append(p)
        elif ext in EXT_CODIGO or os.path.basename(rel) in ("Makefile", "LICENSE"):
            p = Pagina(rel, archivo_para(rel, "codigo"), "codigo")
            self.codigos.append(p)
        else:
            return None
        self.por_fuente[rel] = p
        return (p, frag)

    def leer(self, fuente):
        with open(os.path.join(self.raiz, fuente), encoding="utf-8") as f:
            return f.read()

    def cargar(self, pagina):
        """Markdown → AST, y los enlaces relativos pasan a apuntar a páginas del libro."""
        ast = self.pandoc.a_ast(self.leer(pagina.fuente))
        titulo = [None]
        predice = [False]  # el marcador anterior pedía esconder la salida que sigue

        def f(x):
            t = x.get("t")
            if t == "Header" and x["c"][0] == 1 and titulo[0] is None:
                titulo[0] = texto_plano(x["c"][2])
                pagina.id_h1 = x["c"][1][0]
            elif t == "RawBlock" and x["c"][0] == "html" and x["c"][1].lstrip().startswith("<!--"):
                # Marcadores del comprobador de lecciones: no son para el lector. Una salida
                # con la opción «predice» se esconde tras «Predice la salida y luego mira».
                predice[0] = re.match(r"\s*<!--\s*salida:[^|>]*\|[^>]*\bpredice\b", x["c"][1]) is not None
                return []
            elif t == "CodeBlock" and predice[0]:
                predice[0] = False
                return [{"t": "RawBlock", "c": ["html", PREDICE_ABRE]}, x,
                        {"t": "RawBlock", "c": ["html", "</details>"]}]
            elif t == "Link":
                url = x["c"][2][0]
                d = self.destino(pagina, url)
                if d is not None:
                    x["c"][2][0] = "libro:" + d[0].fuente + "#" + d[1]
                elif not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) and not url.startswith("#"):
                    x["c"][0][1].append("roto")  # lo denuncia comprobar.py
            return x

        pagina.ast = recorrer(ast, f)
        pagina.titulo = titulo[0] or os.path.dirname(pagina.fuente) or TITULO

    def cargar_codigo(self, pagina):
        ext = os.path.splitext(pagina.fuente)[1]
        lenguaje = EXT_CODIGO.get(ext, "makefile" if pagina.fuente.endswith("Makefile") else "")
        texto = self.leer(pagina.fuente)
        pagina.titulo = pagina.fuente
        pagina.ast = {"pandoc-api-version": self.pandoc.a_ast("x")["pandoc-api-version"],
                      "meta": {}, "blocks": [
                          {"t": "Header", "c": [1, ["programa", [], []],
                                                [{"t": "Code", "c": [["", [], []], pagina.fuente]}]]},
                          {"t": "CodeBlock", "c": [["", [lenguaje] if lenguaje else [], []], texto]}]}

    def todas(self):
        return self.paginas + self.anexos

    # --- Versión «sitio»: una página por capítulo ---------------------------------------------

    def enlaces_sitio(self, ast):
        def f(x):
            t = x.get("t")
            if t == "Link" and x["c"][2][0].startswith("libro:"):
                fuente, _, frag = x["c"][2][0][6:].partition("#")
                p = self.por_fuente[fuente]
                x["c"][2][0] = p.archivo + ("#" + frag if frag else "")
            elif t == "Header":
                ident = x["c"][1][0]
                if ident:
                    x["c"][2] = x["c"][2] + [{"t": "Space"}, {"t": "Link", "c": [
                        ["", ["ancla"], [["aria-label", "Enlace a esta sección"]]],
                        [{"t": "Str", "c": "¶"}], ["#" + ident, ""]]}]
            return x

        return recorrer(json.loads(json.dumps(ast)), f)

    def menu(self, actual):
        filas, grupo = [], None
        for p in self.todas():
            if p.grupo != grupo:
                if grupo is not None:
                    filas.append("</ul>")
                grupo = p.grupo
                if grupo:
                    filas.append('<p class="grupo">%s</p>' % html.escape(grupo))
                filas.append("<ul>")
            clase = ' class="actual" aria-current="page"' if p is actual else ""
            etiqueta = "Portada" if p.tipo == "portada" else p.titulo
            filas.append('<li><a href="%s"%s>%s</a></li>' % (p.archivo, clase, html.escape(etiqueta)))
        filas.append("</ul>")
        return "\n".join(filas)

    def programas_de(self, pagina):
        """Los programas de una lección o de un laboratorio, con su página."""
        if pagina.tipo not in ("leccion", "laboratorio"):
            return ""
        carpeta = os.path.dirname(pagina.fuente)
        nombres = sorted(n for n in os.listdir(os.path.join(self.raiz, carpeta))
                         if os.path.splitext(n)[1] in (".c", ".h"))
        if not nombres:
            return ""
        items = []
        for n in nombres:
            d = self.destino(pagina, n)
            if d:
                items.append('<li><a href="%s"><code>%s</code></a></li>' % (d[0].archivo, html.escape(n)))
        titulo = "Los programas de esta lección" if pagina.tipo == "leccion" else "Los archivos de este laboratorio"
        return '<nav class="programas" aria-label="%s"><h2>%s</h2><ul>%s</ul></nav>' % (
            titulo, titulo, "".join(items))

    def cubierta(self, pagina):
        """En la portada, antes del README: por dónde empezar y el libro para llevar."""
        if pagina.tipo != "portada":
            return ""
        primera = next((p for p in self.paginas if p.tipo == "leccion"), None)
        botones = []
        if primera:
            botones.append('<a class="boton principal" href="%s">Empieza por la %s</a>' % (
                primera.archivo, html.escape(primera.titulo.split(" — ")[0].lower())))
        botones.append('<a class="boton" href="laboratorios.html">Los laboratorios</a>')
        botones.append('<a class="boton" href="../%s.epub">EPUB</a>' % NOMBRE_ARCHIVO)
        botones.append('<a class="boton" href="../%s.pdf">PDF</a>' % NOMBRE_ARCHIVO)
        return ('<section class="entrada" aria-label="Cómo empezar"><p class="lema">El libro del '
                'curso: se lee sin conexión, en el navegador, en un lector de libros o en papel. '
                'Cada programa que aparece se puede compilar y ejecutar con el curso.</p>'
                '<p class="botones">%s</p></section>\n' % " ".join(botones))

    def pagina_html(self, plantilla, pagina, cuerpo, anterior, siguiente):
        cuerpo = desplazables_con_teclado(cuerpo)

        def nav(p, rel, texto):
            if p is None:
                return "<span></span>"
            return '<a rel="%s" href="%s">%s<br><strong>%s</strong></a>' % (
                rel, p.archivo, texto, html.escape(p.titulo))

        valores = {
            "titulo": html.escape(pagina.titulo),
            "libro": html.escape(TITULO),
            "menu": self.menu(pagina),
            "cuerpo": tras_titulo(cuerpo, self.cubierta(pagina)) + self.programas_de(pagina),
            "anterior": nav(anterior, "prev", "← Anterior"),
            "siguiente": nav(siguiente, "next", "Siguiente →"),
            "version": html.escape(self.version),
            "fecha": html.escape(self.fecha),
            "tipo": pagina.tipo,
        }
        return re.sub(r"\{\{(\w+)\}\}", lambda m: valores[m.group(1)], plantilla)

    def indice_busqueda(self, pagina, ast):
        """Una entrada por sección (h1–h3): título, ancla y texto sin acentos."""
        entradas, actual = [], None
        for b in ast["blocks"]:
            if b["t"] == "Header" and b["c"][0] <= 3:
                actual = {"p": pagina.archivo, "a": b["c"][1][0], "s": texto_plano(b["c"][2]),
                          "c": pagina.titulo, "x": []}
                entradas.append(actual)
                continue
            if actual is None:
                actual = {"p": pagina.archivo, "a": "", "s": pagina.titulo, "c": pagina.titulo,
                          "x": []}
                entradas.append(actual)
            actual["x"].append(texto_plano(b))
        for e in entradas:
            e["x"] = sin_acentos(" ".join(e["x"]))[:6000]
        return entradas

    # --- Versión «un solo documento»: EPUB y PDF ------------------------------------------------

    def documento_unico(self):
        """Todos los capítulos en un AST: ids con el prefijo de su página (no chocan entre
        capítulos) y enlaces entre capítulos convertidos en enlaces internos. Los enlaces a
        programas quedan como texto: el EPUB y el PDF no llevan el código fuente aparte."""
        bloques = []
        for p in self.todas():
            prefijo = p.id + "--"
            primero = [True]

            def f(x, p=p, prefijo=prefijo, primero=primero):
                t = x.get("t")
                if t == "Header":
                    ident = x["c"][1][0]
                    if x["c"][0] == 1 and primero[0]:
                        x["c"][1][0] = p.id
                        primero[0] = False
                    elif ident:
                        x["c"][1][0] = prefijo + ident
                elif t in ("Div", "Span", "CodeBlock", "Code", "Image", "Table") and x["c"][0][0]:
                    x["c"][0][0] = prefijo + x["c"][0][0]
                elif t == "Link":
                    url = x["c"][2][0]
                    if url.startswith("libro:"):
                        fuente, _, frag = url[6:].partition("#")
                        d = self.por_fuente[fuente]
                        if d.tipo == "codigo":
                            return {"t": "Span", "c": [["", ["programa"], []], x["c"][1]]}
                        x["c"][2][0] = "#" + d.ancla_unica(frag)
                    elif url.startswith("#"):
                        x["c"][2][0] = "#" + p.ancla_unica(url[1:])
                return x

            ast = recorrer(json.loads(json.dumps(p.ast)), f)
            for b in ast["blocks"]:
                if b["t"] == "RawBlock" and b["c"][1] == PREDICE_ABRE:
                    b["c"][1] = PREDICE_ABRE.replace('class="predice">', 'class="predice" open="open">')
            # Un h1 más allá del primero (p. ej. en un índice) se convierte en h2.
            vistos = 0
            for b in ast["blocks"]:
                if b["t"] == "Header" and b["c"][0] == 1:
                    vistos += 1
                    if vistos > 1:
                        b["c"][0] = 2
            bloques.extend(ast["blocks"])
        api = self.paginas[0].ast["pandoc-api-version"]
        meta = {
            "title": {"t": "MetaInlines", "c": inlines_texto(TITULO)},
            "lang": {"t": "MetaString", "c": "es"},
            "date": {"t": "MetaString", "c": self.fecha},
            "subtitle": {"t": "MetaInlines", "c": inlines_texto("Versión " + self.version)},
            "creator": {"t": "MetaList", "c": [{"t": "MetaMap", "c": {
                "role": {"t": "MetaString", "c": "author"},
                "text": {"t": "MetaInlines", "c": inlines_texto("Curso abierto «" + TITULO + "»")}}}]},
        }
        return {"pandoc-api-version": api, "meta": meta, "blocks": bloques}

    # --- Construir -------------------------------------------------------------------------

    def construir(self, con_epub=True, con_pdf=True):
        for p in self.paginas:
            self.cargar(p)
        # Los programas de cada lección y laboratorio también tienen su página.
        for p in list(self.paginas):
            self.programas_de(p)
        pendientes = list(self.anexos)
        while pendientes:
            p = pendientes.pop(0)
            antes = len(self.anexos)
            self.cargar(p)
            pendientes.extend(self.anexos[antes:])
        for p in self.codigos:
            self.cargar_codigo(p)

        os.makedirs(self.sitio, exist_ok=True)
        with open(os.path.join(AQUI, "plantilla.html"), encoding="utf-8") as f:
            plantilla = f.read()

        orden = self.todas()
        cuerpos = {}
        trabajos = {p.archivo: self.enlaces_sitio(p.ast) for p in orden + self.codigos}
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
            for archivo, cuerpo in zip(trabajos, ex.map(self.pandoc.a_html, trabajos.values())):
                cuerpos[archivo] = cuerpo

        escritos = 0
        for i, p in enumerate(orden):
            anterior = orden[i - 1] if i > 0 else None
            siguiente = orden[i + 1] if i + 1 < len(orden) else None
            escritos += escribir_si_cambia(os.path.join(self.sitio, p.archivo),
                                           self.pagina_html(plantilla, p, cuerpos[p.archivo],
                                                            anterior, siguiente))
        for p in self.codigos:
            escritos += escribir_si_cambia(os.path.join(self.sitio, p.archivo),
                                           self.pagina_html(plantilla, p, cuerpos[p.archivo],
                                                            None, None))
        # Búsqueda: el índice va en un .js (un fetch() de un .json no funciona desde file://).
        indice = []
        for p in orden:
            indice.extend(self.indice_busqueda(p, p.ast))
        escritos += escribir_si_cambia(
            os.path.join(self.sitio, "indice-busqueda.js"),
            "window.INDICE_LIBRO = " + json.dumps(indice, ensure_ascii=False, sort_keys=True) + ";\n")
        buscar = Pagina("", "buscar.html", "buscar")
        buscar.titulo = "Buscar en el libro"
        escritos += escribir_si_cambia(
            os.path.join(self.sitio, "buscar.html"),
            self.pagina_html(plantilla, buscar,
                             '<h1 id="buscar">Buscar en el libro</h1>\n'
                             '<div id="resultados" aria-live="polite"></div>', None, None))
        with open(os.path.join(AQUI, "estilo.css"), encoding="utf-8") as f:
            css = f.read() + "\n/* Resaltado de código (pandoc, estilo pygments) */\n" + \
                self.pandoc.css_resaltado() + "\n"
        escritos += escribir_si_cambia(os.path.join(self.sitio, "estilo.css"), css)
        for n in ("buscar.js", "impreso.css"):
            with open(os.path.join(AQUI, n), "rb") as f:
                escritos += escribir_si_cambia(os.path.join(self.sitio, n), f.read())
        # Lo que ya no forma parte del libro (un capítulo renombrado) se borra.
        vivos = {p.archivo for p in orden + self.codigos} | {
            "buscar.html", "indice-busqueda.js", "estilo.css", "buscar.js", "libro-completo.html",
            "impreso.css"}
        for n in os.listdir(self.sitio):
            if n not in vivos:
                os.remove(os.path.join(self.sitio, n))

        unico = self.documento_unico()
        clave_unico = huella(json.dumps(unico, sort_keys=True, ensure_ascii=False),
                             open(os.path.join(AQUI, "estilo.css"), encoding="utf-8").read(),
                             open(os.path.join(AQUI, "impreso.css"), encoding="utf-8").read(),
                             open(os.path.join(AQUI, "construir.py"), encoding="utf-8").read())
        self.libro_completo(unico)
        hechos = [("sitio", len(orden) + len(self.codigos), escritos)]
        if con_epub:
            hechos.append(("epub", self.epub(unico, clave_unico)))
        if con_pdf:
            hechos.append(("pdf", self.pdf(clave_unico)))
        return hechos

    def libro_completo(self, unico):
        cuerpo = self.pandoc._correr(
            ["-f", "json", "-t", "html5", "--highlight-style=pygments", "--toc",
             "--toc-depth=1", "-s", "--template", os.path.join(AQUI, "completo.html"),
             "--metadata", "title=" + TITULO],
            json.dumps(unico, ensure_ascii=False, sort_keys=True))
        cuerpo = cuerpo.replace("{{version}}", html.escape(self.version)).replace(
            "{{fecha}}", html.escape(self.fecha))
        escribir_si_cambia(os.path.join(self.sitio, "libro-completo.html"), cuerpo)

    def _hecho(self, destino, clave):
        marca = destino + ".huella"
        if os.path.exists(destino) and os.path.exists(marca):
            with open(marca) as f:
                return f.read() == clave
        return False

    def epub(self, unico, clave):
        destino = os.path.join(self.salida, NOMBRE_ARCHIVO + ".epub")
        if self._hecho(destino, clave):
            return "sin cambios"
        entorno = dict(os.environ, SOURCE_DATE_EPOCH=self.epoch)
        with tempfile.TemporaryDirectory() as tmp:
            css = os.path.join(tmp, "epub.css")
            with open(css, "w", encoding="utf-8") as f:
                f.write(open(os.path.join(AQUI, "epub.css"), encoding="utf-8").read())
                f.write(self.pandoc.css_resaltado())
            r = subprocess.run(
                ["pandoc", "-f", "json", "-t", "epub3", "-o", destino + ".tmp", "--toc",
                 "--toc-depth=2", "--epub-chapter-level=1", "--highlight-style=pygments",
                 "--css", css, "--metadata", "identifier=urn:curso:" + NOMBRE_ARCHIVO + ":" +
                 self.version],
                input=json.dumps(unico, ensure_ascii=False), capture_output=True, text=True,
                env=entorno)
        if r.returncode != 0:
            raise SystemExit("pandoc (EPUB) falló: " + r.stderr.strip())
        fijar_fechas_zip(destino + ".tmp", int(self.epoch))
        os.replace(destino + ".tmp", destino)
        escribir_si_cambia(destino + ".huella", clave)
        return "hecho"

    def pdf(self, clave):
        destino = os.path.join(self.salida, NOMBRE_ARCHIVO + ".pdf")
        if self._hecho(destino, clave):
            return "sin cambios"
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if not chromium:
            raise SystemExit("falta chromium (make deps) para imprimir el PDF")
        with tempfile.TemporaryDirectory() as perfil:
            r = subprocess.run(
                [chromium] + opciones_chromium(perfil) + [
                    "--no-pdf-header-footer", "--generate-pdf-document-outline",
                    "--print-to-pdf=" + destino + ".tmp",
                    "file://" + os.path.join(os.path.abspath(self.sitio), "libro-completo.html")],
                capture_output=True, text=True, timeout=180)
        if r.returncode != 0 or not os.path.exists(destino + ".tmp"):
            raise SystemExit("chromium no pudo imprimir el PDF: " + r.stderr.strip()[-2000:])
        os.replace(destino + ".tmp", destino)
        escribir_si_cambia(destino + ".huella", clave)
        return "hecho"


def desplazables_con_teclado(cuerpo):
    """El código y las tablas anchas se desplazan de lado (overflow: auto): con tabindex="0"
    se pueden enfocar y desplazar con las flechas, sin ratón (WCAG 2.1.1; la regla
    scrollable-region-focusable de axe-core)."""
    return re.sub(r"<(pre|table)(?![^>]*tabindex)", r'<\1 tabindex="0"', cuerpo)


def luminancia(hexa):
    r, g, b = (int(hexa[i:i + 2], 16) / 255 for i in (0, 2, 4))
    lineal = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lineal[0] + 0.7152 * lineal[1] + 0.0722 * lineal[2]


def contraste(a, b):
    la, lb = sorted((luminancia(a), luminancia(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def colores_legibles(css, fondo="f6f8fa", minimo=4.6):
    """Los colores del resaltado de pandoc (pygments) no todos llegan al contraste AA (4.5:1)
    sobre el fondo del código: el de los comentarios, #60a0b0, da 2.9. Cada color que no
    llega se oscurece, manteniendo su tono, hasta que llega (con un poco de margen)."""
    def arreglar(m):
        hexa = m.group(1).lower()
        if len(hexa) == 3:
            hexa = "".join(c * 2 for c in hexa)
        rgb = [int(hexa[i:i + 2], 16) for i in (0, 2, 4)]
        while contraste("%02x%02x%02x" % tuple(rgb), fondo) < minimo and any(rgb):
            rgb = [max(0, int(c * 0.95)) for c in rgb]
        return "color: #%02x%02x%02x" % tuple(rgb)

    return re.sub(r"(?<![-\w])color:\s*#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", arreglar, css)


def tras_titulo(cuerpo, bloque):
    """Pone `bloque` justo después del primer título (h1) del cuerpo, o delante si no hay."""
    if not bloque:
        return cuerpo
    fin = cuerpo.find("</h1>")
    if fin < 0:
        return bloque + cuerpo
    fin += len("</h1>")
    return cuerpo[:fin] + "\n" + bloque + cuerpo[fin:]


def fijar_fechas_zip(ruta, epoch):
    """pandoc 2.17 pone la hora actual a cada archivo del EPUB (un zip): se reescribe con la
    del último commit para que dos construcciones den los mismos bytes. `mimetype` sigue el
    primero y sin comprimir, como exige EPUB."""
    fecha = time.gmtime(max(epoch, 315532800))[:6]  # zip no admite fechas antes de 1980
    with zipfile.ZipFile(ruta) as z:
        entradas = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(ruta + ".fijo", "w") as z:
        for info, datos in entradas:
            nueva = zipfile.ZipInfo(info.filename, date_time=fecha)
            nueva.compress_type = info.compress_type
            nueva.external_attr = 0o644 << 16
            z.writestr(nueva, datos)
    os.replace(ruta + ".fijo", ruta)


def opciones_chromium(perfil):
    """Chromium sin interfaz y sin red: sin estas opciones intenta conectar con servicios de
    Google al arrancar (y en esta máquina, sin red, cada intento es un error)."""
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--user-data-dir=" + perfil]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    libro = Libro(os.path.abspath(args[0]), os.path.abspath(args[1]))
    hechos = libro.construir(con_epub="--sin-epub" not in sys.argv,
                             con_pdf="--sin-pdf" not in sys.argv)
    for h in hechos:
        if h[0] == "sitio":
            print("  libro: sitio, %d páginas (%d reescritas)" % (h[1], h[2]))
        else:
            print("  libro: %s, %s" % (h[0], h[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
