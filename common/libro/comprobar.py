#!/usr/bin/python3
"""comprobar.py — prueba el libro construido con herramientas de verdad (prueba-libro).

    comprobar.py RAIZ SALIDA [--solo-sitio]

SALIDA es lo que escribió construir.py (build/libro). Comprueba:
  1. el sitio: cada enlace y cada ancla internos llevan a algo que existe; ninguna página
     carga nada de fuera (src, <link>, url() con http); los enlaces externos solo son texto
     para quien lee (<a href="https://…">), y se cuentan;
  2. que cada lección y cada laboratorio del repositorio tiene su página (los nuevos aparecen
     sin tocar el código del libro) y la búsqueda los indexa;
  3. Chromium sin interfaz abre desde file:// la portada, una lección y un laboratorio: sin
     errores en la consola, y la captura no está en blanco (se guarda en SALIDA/capturas);
     la búsqueda encuentra una palabra de la lección 05 escrita sin acentos y el enlace del
     resultado abre esa lección;
  4. el EPUB pasa epubcheck; el PDF tiene en su índice (outline) un capítulo por lección y
     por laboratorio, y más de una página por capítulo;
  5. reproducible: construido otra vez en otra carpeta, el sitio y el EPUB son idénticos
     byte a byte (el PDF es la excepción documentada: Chromium anota su fecha). La otra
     carpeta empieza con una copia de la caché de pandoc (SALIDA/.cache): lo que se prueba es
     lo nuestro, que da a pandoc la misma entrada (la caché va por la huella de la entrada; una
     entrada que cambiara entre construcciones no estaría en ella y pandoc correría otra vez).
     Sin la caché eran unos 50 s más de pandoc, la mitad de prueba-libro (04-12-2026).
Con --solo-sitio, solo 1 y 2 (la prueba de que el comprobador detecta lo que debe).
Cada comprobación escribe «✔ …» o «✘ …»; la última línea es «resumen: N bien, M mal».
"""

import glob
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import urllib.parse
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import construir  # noqa: E402  (mismo directorio)

bien = mal = 0


def resultado(ok, texto):
    global bien, mal
    if ok:
        bien += 1
        print("  ✔ " + texto)
    else:
        mal += 1
        print("  ✘ " + texto)
    sys.stdout.flush()
    return ok


class Analizador(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.enlaces = []  # (etiqueta, atributo, valor)
        self.estilos = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for atr in ("href", "src", "srcset", "poster", "data"):
            if a.get(atr) is not None:
                self.enlaces.append((tag, atr, a[atr]))
        if a.get("style"):
            self.estilos.append(a["style"])


def analizar(ruta):
    p = Analizador()
    with open(ruta, encoding="utf-8") as f:
        p.feed(f.read())
    return p


def comprobar_sitio(sitio):
    paginas = sorted(glob.glob(os.path.join(sitio, "*.html")))
    cache = {}

    def ids_de(ruta):
        if ruta not in cache:
            cache[ruta] = analizar(ruta).ids
        return cache[ruta]

    rotos, fuera, externos = [], [], 0
    for pagina in paginas:
        a = analizar(pagina)
        for tag, atr, valor in a.enlaces:
            if re.match(r"^(https?:)?//", valor):
                if tag == "a" and atr == "href":
                    externos += 1
                else:
                    fuera.append("%s: <%s %s=%s>" % (os.path.basename(pagina), tag, atr, valor))
                continue
            if re.match(r"^[a-z]+:", valor):  # mailto:, javascript:…
                if valor.startswith("javascript:"):
                    fuera.append("%s: %s" % (os.path.basename(pagina), valor))
                continue
            ruta, _, frag = valor.partition("#")
            ruta = urllib.parse.unquote(ruta)
            destino = os.path.normpath(os.path.join(os.path.dirname(pagina), ruta)) if ruta else pagina
            if ruta.endswith("buscar.html?q=") or "?" in ruta:
                destino = destino.split("?")[0]
            if not os.path.exists(destino):
                rotos.append("%s → %s (no existe)" % (os.path.basename(pagina), valor))
                continue
            frag = urllib.parse.unquote(frag)
            if frag and destino.endswith(".html") and frag not in ids_de(destino):
                rotos.append("%s → %s (no hay ancla «%s»)" % (os.path.basename(pagina), valor, frag))
        for estilo in a.estilos:
            if "url(" in estilo:
                fuera.append("%s: style con url()" % os.path.basename(pagina))
        with open(pagina, encoding="utf-8") as f:
            texto = f.read()
        if 'class="roto"' in texto or "class=\"roto " in texto:
            rotos.append("%s: un enlace del Markdown no lleva a ningún archivo del repositorio" %
                         os.path.basename(pagina))
    # El índice de búsqueda es texto del libro (puede citar URLs), no algo que se cargue.
    for css in glob.glob(os.path.join(sitio, "*.css")) + [
            j for j in glob.glob(os.path.join(sitio, "*.js")) if not j.endswith("indice-busqueda.js")]:
        with open(css, encoding="utf-8") as f:
            t = f.read()
        for m in re.finditer(r"url\(([^)]*)\)|@import|https?://", t):
            fuera.append("%s: %s" % (os.path.basename(css), m.group(0)))
    resultado(not rotos, "%d páginas: todos los enlaces y anclas internos existen%s" % (
        len(paginas), "" if not rotos else ":\n      " + "\n      ".join(rotos[:20])))
    resultado(not fuera, "nada se carga de fuera (%d enlaces externos, solo texto para quien lee)%s" % (
        externos, "" if not fuera else ":\n      " + "\n      ".join(fuera[:20])))


def comprobar_predice(raiz, sitio):
    """Las salidas marcadas «predice» en las lecciones van escondidas en su página del sitio
    (tras «Predice la salida y luego mira») y abiertas en el libro completo (EPUB, PDF)."""
    marcadas = esperadas = 0
    sin = []
    for d in sorted(glob.glob(os.path.join(raiz, "lessons", "*", "README.md"))):
        with open(d, encoding="utf-8") as f:
            n = len(re.findall(r"^<!--\s*salida:[^|>]*\|[^>]*\bpredice\b", f.read(), re.M))
        if n == 0:
            continue
        marcadas += n
        pagina = os.path.join(sitio, "leccion-" + os.path.basename(os.path.dirname(d)) + ".html")
        with open(pagina, encoding="utf-8") as f:
            hay = f.read().count('<details class="predice"><summary>Predice la salida')
        esperadas += hay
        if hay != n:
            sin.append("%s: %d marcadas, %d escondidas" % (os.path.basename(pagina), n, hay))
    with open(os.path.join(sitio, "libro-completo.html"), encoding="utf-8") as f:
        abiertas = f.read().count('<details class="predice" open="open">')
    resultado(marcadas > 0 and not sin and abiertas == marcadas,
              "«predice y luego mira»: %d salidas escondidas en el sitio y %d abiertas en el libro "
              "completo, de %d marcadas%s" % (esperadas, abiertas, marcadas,
                                              ": " + "; ".join(sin) if sin else ""))


def comprobar_cobertura(raiz, sitio):
    faltan = []
    for base, prefijo in (("lessons", "leccion-"), ("labs", "laboratorio-")):
        for d in sorted(glob.glob(os.path.join(raiz, base, "[0-9][0-9]-*", "README.md"))):
            nombre = os.path.basename(os.path.dirname(d))
            if not os.path.exists(os.path.join(sitio, prefijo + nombre + ".html")):
                faltan.append(base + "/" + nombre)
    resultado(not faltan, "cada lección y cada laboratorio tiene su página%s" % (
        "" if not faltan else ": faltan " + ", ".join(faltan)))
    with open(os.path.join(sitio, "indice-busqueda.js"), encoding="utf-8") as f:
        t = f.read()
    indice = json.loads(t[t.index("=") + 1:].rstrip().rstrip(";"))
    paginas_indice = {e["p"] for e in indice}
    sin = [os.path.basename(p) for p in glob.glob(os.path.join(sitio, "leccion-*.html"))
           + glob.glob(os.path.join(sitio, "laboratorio-*.html"))
           if os.path.basename(p) not in paginas_indice]
    resultado(not sin, "la búsqueda indexa %d secciones de todas las lecciones y laboratorios%s" % (
        len(indice), "" if not sin else ": faltan " + ", ".join(sin)))


# --- Chromium -----------------------------------------------------------------------------

def chromium(perfil, args, url, tiempo=60):
    exe = construir.shutil.which("chromium") or construir.shutil.which("chromium-browser")
    orden = [exe] + construir.opciones_chromium(perfil) + [
        "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000"] + args + [url]
    return subprocess.run(orden, capture_output=True, text=True, timeout=tiempo)


def errores_consola(stderr):
    malos = []
    for linea in stderr.splitlines():
        if "CONSOLE" in linea or "Uncaught" in linea or "ERR_FILE_NOT_FOUND" in linea:
            malos.append(linea.strip()[:300])
    return malos


def png_pixeles(ruta):
    """Decodifica un PNG de 8 bits por canal (lo que escribe Chromium): ancho, alto, filas."""
    with open(ruta, "rb") as f:
        datos = f.read()
    if datos[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("no es un PNG")
    pos, idat = 8, b""
    ancho = alto = canales = 0
    while pos < len(datos):
        n, tipo = struct.unpack(">I4s", datos[pos:pos + 8])
        cuerpo = datos[pos + 8:pos + 8 + n]
        if tipo == b"IHDR":
            ancho, alto, prof, color = struct.unpack(">IIBB", cuerpo[:10])
            if prof != 8 or color not in (2, 6):
                raise ValueError("PNG de un tipo no esperado")
            canales = 3 if color == 2 else 4
        elif tipo == b"IDAT":
            idat += cuerpo
        pos += 12 + n
    crudo = zlib.decompress(idat)
    paso = ancho * canales
    filas, anterior, i = [], bytearray(paso), 0
    for _ in range(alto):
        filtro, linea = crudo[i], bytearray(crudo[i + 1:i + 1 + paso])
        i += 1 + paso
        for x in range(paso):
            a = linea[x - canales] if x >= canales else 0
            b = anterior[x]
            c = anterior[x - canales] if x >= canales else 0
            if filtro == 1:
                linea[x] = (linea[x] + a) & 255
            elif filtro == 2:
                linea[x] = (linea[x] + b) & 255
            elif filtro == 3:
                linea[x] = (linea[x] + (a + b) // 2) & 255
            elif filtro == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                linea[x] = (linea[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        filas.append(bytes(linea))
        anterior = linea
    return ancho, alto, canales, filas


def no_en_blanco(ruta):
    """Proporción de píxeles que no son del color más frecuente (el fondo), muestreando."""
    ancho, alto, canales, filas = png_pixeles(ruta)
    cuenta = {}
    for y in range(0, alto, 4):
        f = filas[y]
        for x in range(0, ancho, 4):
            k = f[x * canales:x * canales + 3]
            cuenta[k] = cuenta.get(k, 0) + 1
    total = sum(cuenta.values())
    return 1 - max(cuenta.values()) / total, len(cuenta)


def comprobar_navegador(raiz, salida, sitio):
    capturas = os.path.join(salida, "capturas")
    os.makedirs(capturas, exist_ok=True)
    leccion = sorted(glob.glob(os.path.join(sitio, "leccion-*.html")))
    lab = sorted(glob.glob(os.path.join(sitio, "laboratorio-*.html")))
    objetivos = [("portada", os.path.join(sitio, "index.html"))]
    if leccion:
        objetivos.append(("leccion", leccion[0]))
    if lab:
        objetivos.append(("laboratorio", lab[0]))
    with tempfile.TemporaryDirectory() as perfil:
        for nombre, ruta in objetivos:
            png = os.path.join(capturas, nombre + ".png")
            if os.path.exists(png):
                os.remove(png)
            r = chromium(perfil, ["--window-size=1280,900", "--screenshot=" + png],
                         "file://" + ruta)
            errores = errores_consola(r.stderr)
            ok = os.path.exists(png)
            tinta, colores = no_en_blanco(png) if ok else (0, 0)
            resultado(ok and not errores and tinta > 0.03 and colores > 20,
                      "Chromium abre %s: sin errores de consola, captura con %.0f %% de tinta y %d "
                      "colores (%s)%s" % (os.path.basename(ruta), tinta * 100, colores,
                                          os.path.relpath(png, raiz),
                                          "" if not errores else ":\n      " + "\n      ".join(errores[:5])))
        # Móvil: la misma lección en 390 px de ancho, también legible.
        if leccion:
            png = os.path.join(capturas, "leccion-movil.png")
            r = chromium(perfil, ["--window-size=390,844", "--screenshot=" + png], "file://" + leccion[0])
            tinta, colores = no_en_blanco(png) if os.path.exists(png) else (0, 0)
            resultado(os.path.exists(png) and tinta > 0.03 and not errores_consola(r.stderr),
                      "y en un móvil (390 px): %.0f %% de tinta" % (tinta * 100))

        # La búsqueda: una palabra de la lección 05, sin acentos.
        l05 = glob.glob(os.path.join(raiz, "lessons", "05-*", "README.md"))
        if not resultado(bool(l05), "existe la lección 05 para probar la búsqueda"):
            return
        with open(l05[0], encoding="utf-8") as f:
            texto05 = f.read()
        palabra = "semáforo"
        resultado(palabra in texto05.lower(), "la lección 05 habla de «%s»" % palabra)
        consulta = construir.sin_acentos(palabra)
        url = "file://" + os.path.join(sitio, "buscar.html") + "?q=" + urllib.parse.quote(consulta)
        r = chromium(perfil, ["--dump-dom"], url)
        enlaces = re.findall(r'<a class="resultado" href="([^"]+)">', r.stdout)
        pagina05 = "leccion-" + os.path.basename(os.path.dirname(l05[0])) + ".html"
        hacia05 = [e for e in enlaces if e.split("#")[0] == pagina05]
        resultado(bool(hacia05) and not errores_consola(r.stderr),
                  "buscar «%s» da %d resultados, %d en %s" % (consulta, len(enlaces), len(hacia05), pagina05))
        if hacia05:
            destino = "file://" + os.path.join(sitio, hacia05[0])
            r = chromium(perfil, ["--dump-dom"], destino)
            titulo = re.search(r"<title>(.*?)</title>", r.stdout, re.S)
            ancla = urllib.parse.unquote(hacia05[0].partition("#")[2])
            resultado(titulo is not None and "Lección 5" in titulo.group(1)
                      and (not ancla or ('id="%s"' % ancla) in r.stdout),
                      "el primer resultado abre «%s»%s" % (
                          titulo.group(1).strip() if titulo else "?", " en #" + ancla if ancla else ""))


# --- EPUB y PDF ---------------------------------------------------------------------------

def comprobar_epub(salida):
    epub = os.path.join(salida, construir.NOMBRE_ARCHIVO + ".epub")
    if not resultado(os.path.exists(epub), "existe el EPUB"):
        return
    jar = "/usr/share/java/epubcheck.jar"
    orden = ["java", "-jar", jar, epub] if os.path.exists(jar) else ["epubcheck", epub]
    # -XX:-UsePerfData: sin ella la JVM deja /tmp/hsperfdata_<usuario> (ruta fija, no sigue a
    # TMPDIR) y `make test` no puede dejar nada en /tmp. Por el entorno, que llega igual a
    # `java -jar` que al envoltorio `epubcheck`; detrás de las opciones que ya hubiera.
    opciones = (os.environ.get("JAVA_TOOL_OPTIONS", "") + " -XX:-UsePerfData").strip()
    entorno = dict(os.environ, JAVA_TOOL_OPTIONS=opciones)
    # El límite es contra un cuelgue, no una medida: epubcheck gasta unos 20 s de CPU (Java),
    # pero con la máquina muy cargada (carga 40) se midieron 4,5 minutos.
    r = subprocess.run(orden, capture_output=True, text=True, timeout=600, env=entorno)
    salida_ec = (r.stdout + r.stderr).strip().splitlines()
    resultado(r.returncode == 0 and any("No errors or warnings" in l for l in salida_ec),
              "epubcheck: %s" % ("; ".join(l for l in salida_ec if l.startswith("Messages")) or
                                 "\n      ".join(salida_ec[-8:])))


def comprobar_pdf(raiz, salida):
    pdf = os.path.join(salida, construir.NOMBRE_ARCHIVO + ".pdf")
    if not resultado(os.path.exists(pdf), "existe el PDF"):
        return
    r = subprocess.run(["qpdf", "--json=2", "--json-key=outlines", "--json-key=pages", pdf],
                       capture_output=True, text=True, timeout=120)
    if not resultado(r.returncode == 0, "qpdf lee el PDF"):
        return
    d = json.loads(r.stdout)
    titulos = [o.get("title", "") for o in d.get("outlines", [])]
    lecciones = len(glob.glob(os.path.join(raiz, "lessons", "[0-9][0-9]-*", "README.md")))
    labs = len(glob.glob(os.path.join(raiz, "labs", "[0-9][0-9]-*", "README.md")))
    en_pdf_l = sum(1 for t in titulos if t.startswith("Lección "))
    en_pdf_b = sum(1 for t in titulos if t.startswith("Laboratorio "))
    paginas = len(d.get("pages", []))
    resultado(en_pdf_l == lecciones and en_pdf_b == labs,
              "el índice del PDF tiene %d lecciones y %d laboratorios (el repositorio, %d y %d)" % (
                  en_pdf_l, en_pdf_b, lecciones, labs))
    resultado(paginas > 2 * (lecciones + labs), "el PDF tiene %d páginas" % paginas)
    # Accesible: etiquetado (estructura para lectores de pantalla), con idioma y con índice.
    raiz_pdf = ""
    t = subprocess.run(["qpdf", "--show-object=trailer", pdf], capture_output=True, text=True)
    m = re.search(r"/Root (\d+) 0 R", t.stdout)
    if m:
        raiz_pdf = subprocess.run(["qpdf", "--show-object=" + m.group(1), pdf],
                                  capture_output=True, text=True).stdout
    resultado("/StructTreeRoot" in raiz_pdf and re.search(r"/Marked true", raiz_pdf) is not None
              and "/Lang (es)" in raiz_pdf and "/Outlines" in raiz_pdf,
              "el PDF está etiquetado (StructTreeRoot, MarkInfo), en español y con índice")
    with open(pdf, "rb") as f:
        crudo = f.read()
    resultado(b"/Link" in crudo or b"/Dest" in crudo,
              "el índice impreso del PDF tiene enlaces que llevan a su capítulo")


def comprobar_reproducible(raiz, salida):
    with tempfile.TemporaryDirectory() as otra:
        cache = os.path.join(salida, ".cache")
        if os.path.isdir(cache):
            shutil.copytree(cache, os.path.join(otra, ".cache"))
        r = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "construir.py"),
                            raiz, otra, "--sin-pdf"], capture_output=True, text=True, timeout=300)
        if not resultado(r.returncode == 0, "el libro se construye otra vez en otra carpeta"):
            print(r.stderr[-2000:])
            return
        distintos = []
        for ruta in sorted(glob.glob(os.path.join(salida, "sitio", "*"))):
            otro = os.path.join(otra, "sitio", os.path.basename(ruta))
            with open(ruta, "rb") as a:
                da = a.read()
            try:
                with open(otro, "rb") as b:
                    db = b.read()
            except FileNotFoundError:
                db = None
            if da != db:
                distintos.append(os.path.basename(ruta))
        nombre = construir.NOMBRE_ARCHIVO + ".epub"
        with open(os.path.join(salida, nombre), "rb") as a, open(os.path.join(otra, nombre), "rb") as b:
            if a.read() != b.read():
                distintos.append(nombre)
        resultado(not distintos, "reproducible: el sitio y el EPUB salen idénticos byte a byte%s" % (
            "" if not distintos else " (distintos: " + ", ".join(distintos[:10]) + ")"))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    raiz, salida = os.path.abspath(args[0]), os.path.abspath(args[1])
    sitio = os.path.join(salida, "sitio")
    print("── el sitio")
    comprobar_sitio(sitio)
    comprobar_cobertura(raiz, sitio)
    comprobar_predice(raiz, sitio)
    if "--solo-sitio" in sys.argv:
        print("resumen: %d bien, %d mal" % (bien, mal))
        return 0 if mal == 0 else 1
    print("── en Chromium")
    comprobar_navegador(raiz, salida, sitio)
    print("── EPUB y PDF")
    comprobar_epub(salida)
    comprobar_pdf(raiz, salida)
    print("── reproducible")
    comprobar_reproducible(raiz, salida)
    print("resumen: %d bien, %d mal" % (bien, mal))
    return 0 if mal == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
