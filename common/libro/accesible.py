#!/usr/bin/python3
"""accesible.py — el libro, leído por quien no ve bien, no usa ratón o usa un lector de pantalla.

    accesible.py SITIO AXE_JS [--informe ARCHIVO]

SITIO es build/libro/sitio; AXE_JS, el axe.min.js de axe-core (lo instala probar-libro.sh
con npm, en la versión fijada en common/libro/package-lock.json). Para cada tipo de página
(portada, índice, lección, laboratorio, página de un programa, glosario y resultados de la
búsqueda) se abre una COPIA de la página en Chromium sin interfaz, con axe-core inyectado,
y se comprueba:

  1. axe-core (reglas WCAG 2.0/2.1 A y AA y buenas prácticas): ninguna infracción «serious»
     ni «critical». El contraste de color AA (4.5:1) es una de esas reglas, y también el
     texto alternativo de las imágenes;
  2. teclado: lo primero que se alcanza con el tabulador es el enlace «Saltar al contenido»,
     que lleva a un elemento que existe; el foco se ve (el estilo cambia al enfocar); y el
     buscador es un campo que se puede enfocar.

Chromium se conduce con --dump-dom y --virtual-time-budget: el guion inyectado escribe su
resultado en un <pre id="axe-resultado"> y el DOM volcado lo trae de vuelta. Sin red y sin
protocolo de depuración. Sale con 0 solo si todas las páginas pasan; escribe «✔ …»/«✘ …».
"""

import glob
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import construir  # noqa: E402  (mismo directorio)

GRAVES = ("serious", "critical")

# Se ejecuta en la página, tras su propio JavaScript (la búsqueda pinta sus resultados al
# cargar). Deja el resultado en un <pre> que --dump-dom devuelve.
GUION = r"""
window.addEventListener("load", function () {
  setTimeout(function () {
    var teclado = {};
    try {
      var enfocables = Array.prototype.filter.call(
        document.querySelectorAll("a[href], input, button, select, textarea, [tabindex]"),
        function (e) { return e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0
                              || e.classList.contains("saltar"); });
      var primero = enfocables[0];
      teclado.primero = primero ? (primero.className || primero.tagName) + " → " +
                                  (primero.getAttribute("href") || "") : "";
      var destino = primero && primero.getAttribute("href") || "";
      teclado.destino_existe = destino.charAt(0) === "#" &&
                               !!document.getElementById(destino.slice(1));
      // ¿Se ve el foco? El estilo del elemento enfocado debe cambiar (contorno o sombra).
      function huella(e) {
        var s = getComputedStyle(e);
        return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow,
                s.top, s.left, s.clip, s.clipPath, s.width, s.height].join("|");
      }
      function foco_visible(e) {
        if (!e) return false;
        e.blur();
        var antes = huella(e);
        e.focus();
        var s = getComputedStyle(e);
        var ok = document.activeElement === e && huella(e) !== antes &&
                 ((s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) ||
                  s.boxShadow !== "none");
        e.blur();
        return ok;
      }
      teclado.foco_saltar = foco_visible(primero);
      var enlace = document.querySelector("main a[href]:not(.ancla)");
      teclado.foco_enlace = enlace ? foco_visible(enlace) : true;
      var q = document.getElementById("q");
      teclado.buscador = !!q && q.tabIndex >= 0 && !q.disabled &&
                         !!document.querySelector("label[for=q]");
    } catch (e) { teclado.error = String(e); }
    axe.run(document, {
      runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
      resultTypes: ["violations"]
    }).then(function (r) {
      var pre = document.createElement("pre");
      pre.id = "axe-resultado";
      pre.textContent = JSON.stringify({teclado: teclado, infracciones: r.violations.map(
        function (v) { return {id: v.id, impact: v.impact, ayuda: v.help, nodos: v.nodes.length,
                               ejemplo: v.nodes.length ? v.nodes[0].target.join(" ") : ""}; })});
      document.body.appendChild(pre);
    }, function (e) {
      var pre = document.createElement("pre");
      pre.id = "axe-resultado";
      pre.textContent = JSON.stringify({error: String(e)});
      document.body.appendChild(pre);
    });
  }, 50);
});
"""

bien = mal = 0


def resultado(ok, texto):
    global bien, mal
    if ok:
        bien += 1
    else:
        mal += 1
    print(("  ✔ " if ok else "  ✘ ") + texto)
    sys.stdout.flush()
    return ok


def paginas_a_probar(sitio):
    """(tipo, archivo, consulta): una página de cada tipo que existe."""
    def primera(patron):
        todas = sorted(glob.glob(os.path.join(sitio, patron)))
        return os.path.basename(todas[0]) if todas else None

    candidatas = [("portada", "index.html", ""), ("índice", "lecciones.html", ""),
                  ("lección", primera("leccion-*.html"), ""),
                  ("laboratorio", primera("laboratorio-*.html"), ""),
                  ("programa", primera("codigo-*.html"), ""),
                  ("glosario", "glosario.html", ""),
                  ("búsqueda", "buscar.html", "?q=semaforo")]
    return [(t, a, q) for t, a, q in candidatas
            if a is not None and os.path.exists(os.path.join(sitio, a))]


def abrir(perfil, url):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    orden = [exe] + construir.opciones_chromium(perfil) + [
        "--window-size=1280,900", "--virtual-time-budget=60000", "--dump-dom", url]
    return subprocess.run(orden, capture_output=True, text=True, timeout=240)


def imagenes_sin_alt(sitio):
    """Las <img> de TODO el sitio sin texto alternativo (alt vacío solo si es decorativa,
    con role="presentation"). axe lo mira en las páginas que abre; esto, en todas."""
    malas = []
    for ruta in sorted(glob.glob(os.path.join(sitio, "*.html"))):
        with open(ruta, encoding="utf-8") as f:
            for img in re.findall(r"<img\b[^>]*>", f.read()):
                alt = re.search(r'\balt="([^"]*)"', img)
                if alt is None or (not alt.group(1).strip() and "presentation" not in img):
                    malas.append("%s: %s" % (os.path.basename(ruta), img[:80]))
    return malas


def comprobar(sitio, axe_js):
    """Devuelve {tipo: {"serious": n, …}} y anota cada comprobación."""
    cuentas = {}
    malas = imagenes_sin_alt(sitio)
    resultado(not malas, "todas las imágenes del sitio tienen texto alternativo%s" % "".join(
        "\n      " + m for m in malas[:5]))
    with tempfile.TemporaryDirectory() as tmp:
        copia = os.path.join(tmp, "sitio")
        shutil.copytree(sitio, copia)
        shutil.copy(axe_js, os.path.join(copia, "axe.min.js"))
        with open(os.path.join(copia, "axe-correr.js"), "w", encoding="utf-8") as f:
            f.write(GUION)
        perfil = os.path.join(tmp, "perfil")
        for tipo, archivo, consulta in paginas_a_probar(sitio):
            ruta = os.path.join(copia, archivo)
            with open(ruta, encoding="utf-8") as f:
                pagina = f.read()
            inyectado = '<script src="axe.min.js"></script><script src="axe-correr.js"></script>'
            if "</body>" not in pagina:
                resultado(False, "%s (%s): no tiene </body> donde inyectar axe-core" % (tipo, archivo))
                continue
            with open(ruta, "w", encoding="utf-8") as f:
                f.write(pagina.replace("</body>", inyectado + "</body>", 1))
            r = abrir(perfil, "file://" + ruta + consulta)
            m = re.search(r'<pre id="axe-resultado">(.*?)</pre>', r.stdout, re.S)
            if not resultado(m is not None, "%s (%s): axe-core se ejecutó en Chromium" % (tipo, archivo)):
                print("      " + (r.stderr.strip().splitlines() or ["(sin salida)"])[-1][:300])
                continue
            datos = json.loads(html.unescape(m.group(1)))
            if "error" in datos:
                resultado(False, "%s: axe-core falló: %s" % (tipo, datos["error"]))
                continue
            por_impacto = {}
            for v in datos["infracciones"]:
                por_impacto[v["impact"]] = por_impacto.get(v["impact"], 0) + 1
            cuentas[tipo] = por_impacto
            graves = [v for v in datos["infracciones"] if v["impact"] in GRAVES]
            resumen = ", ".join("%s %d" % (k, por_impacto[k]) for k in sorted(por_impacto)) or "ninguna"
            resultado(not graves, "%s (%s): infracciones de axe por impacto: %s%s" % (
                tipo, archivo, resumen, "".join(
                    "\n      %s [%s] %s (%d nodos; p. ej. %s)" % (v["id"], v["impact"], v["ayuda"],
                                                               v["nodos"], v["ejemplo"])
                    for v in graves)))
            t = datos["teclado"]
            resultado(not t.get("error") and "saltar" in t.get("primero", "") and t.get("destino_existe"),
                      "%s: el tabulador empieza en «Saltar al contenido» (%s) y su destino existe" % (
                          tipo, t.get("primero") or t.get("error")))
            resultado(bool(t.get("foco_saltar")) and bool(t.get("foco_enlace")),
                      "%s: el foco se ve (saltar: %s, enlace del texto: %s)" % (
                          tipo, t.get("foco_saltar"), t.get("foco_enlace")))
            resultado(bool(t.get("buscador")), "%s: el buscador se alcanza con el teclado y tiene etiqueta" % tipo)
    return cuentas


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) < 2:
        sys.stderr.write(__doc__)
        return 2
    informe = None
    if "--informe" in sys.argv:
        informe = sys.argv[sys.argv.index("--informe") + 1]
        args = [a for a in args if a != informe]
    sitio, axe_js = args[0], args[1]
    if not os.path.exists(axe_js):
        resultado(False, "falta axe-core (%s): lo instala probar-libro.sh con npm ci" % axe_js)
        return 1
    cuentas = comprobar(sitio, axe_js)
    if informe:
        with open(informe, "w", encoding="utf-8") as f:
            json.dump(cuentas, f, ensure_ascii=False, sort_keys=True, indent=1)
    print("resumen: %d bien, %d mal" % (bien, mal))
    return 0 if mal == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
