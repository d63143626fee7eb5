#!/usr/bin/env python3
"""hojas.py — las hojas de notas de «make grade-clase» a partir de alumnos/<alumno>/results.json
(lo que deja el ejecutor por cada entrega). Lo llama clase.sh; se puede volver a ejecutar sin
volver a calificar.

    hojas.py --salida build/clase/07-monitor-web --lab 07-monitor-web [--lista lista.txt]
             [--suelto archivo …] [--segundos S --j J --calificadas N] -- alumno…

Escribe en --salida:
  notas.csv         para guiones: «,», punto decimal, UTF-8 sin BOM; las siete columnas de
                    siempre y detrás estado, id, nota_10 y una columna por verificación;
  notas-es.csv      para una hoja de cálculo en español (Excel, LibreOffice): «;», coma
                    decimal, UTF-8 con BOM; nota de 0 a 10, estado y una columna por
                    verificación;
  (--lista puede ser la classroom_roster.csv de GitHub Classroom: cada carpeta de
                    `gh classroom clone`, «<tarea>-<usuario>», toma el nombre y el
                    identificador de la fila de su usuario de GitHub)
  moodle-notas.csv  la calificación de 0 a 10 por identificador de Moodle (lo que importa
                    «Importar calificaciones» de la tarea / del libro de calificaciones);
  retroalimentacion/<carpeta>/informe.txt y retroalimentacion.zip, para devolverlos de una
                    vez (las carpetas se llaman como las de la entrega: Moodle las casa así);
  resumen.txt       (y en pantalla): media, mediana, estados, las verificaciones que más
                    fallan (solo entre las que se calificaron), las notas que cambiaron sin
                    que cambiara la entrega y las entregas parecidas (similitud.txt).
"""
import argparse
import csv
import json
import os
import re
import shutil
import statistics
import sys
import unicodedata
import zipfile

MOODLE = re.compile(r"^(?P<nombre>.+?)_(?P<id>\d+)_assign(?:submission|feedback)_\w*?_?$")
ESTADOS = ["calificada", "se colgó", "no compila", "no se califica", "sin entrega", "pendiente"]


# Las carpetas de «Descargar entregas» de VPL: «Apellidos Nombre ID usuario» (vpl_entregas.py).
VPL = re.compile(r"^(?P<nombre>.+?) (?P<id>\d+) (?P<usuario>\S+)$")


def moodle(carpeta, vpl=False):
    """«Ana García López_301245_assignsubmission_file_» → («Ana García López», «301245»); con
    vpl, «García López Ana 301245 agarcia» → («García López Ana», «301245»)."""
    m = (VPL if vpl else MOODLE).match(carpeta)
    return (m.group("nombre").strip(), m.group("id")) if m else (carpeta, "")


def clave(nombre):
    """Para casar nombres de la lista y de las carpetas: sin tildes ni mayúsculas."""
    t = unicodedata.normalize("NFKD", nombre)
    return " ".join("".join(c for c in t if not unicodedata.combining(c)).lower().split())


def leer_lista(ruta):
    """Una línea por estudiante: «Nombre», «Nombre;id» o «id;Nombre» (también con «,» o
    tabulador). Las líneas vacías y las que empiezan por # no cuentan."""
    gente = []
    with open(ruta, encoding="utf-8-sig") as f:
        for linea in f:
            linea = linea.strip()
            if not linea or linea.startswith("#"):
                continue
            partes = [p.strip() for p in re.split(r"[;,\t]", linea) if p.strip()]
            ids = [p for p in partes if p.isdigit()]
            nombres = [p for p in partes if not p.isdigit()]
            if nombres:
                gente.append((nombres[0], ids[0] if ids else ""))
    return gente


def leer_roster(ruta):
    """classroom_roster.csv de GitHub Classroom («Download» en la pestaña «Students» de la
    clase), con las columnas identifier, github_username, github_id y name: [(nombre,
    identificador, usuario de GitHub)], o None si el archivo no tiene esa cabecera (entonces es
    una lista de las de siempre). Sin nombre, el identificador; sin este, el usuario."""
    with open(ruta, encoding="utf-8-sig", newline="") as f:
        lector = csv.DictReader(f)
        columnas = {(c or "").strip() for c in (lector.fieldnames or [])}
        if not {"identifier", "github_username"} <= columnas:
            return None
        gente = []
        for fila in lector:
            fila = {(k or "").strip(): (v or "").strip() for k, v in fila.items() if isinstance(v, str)}
            ident, usuario = fila.get("identifier", ""), fila.get("github_username", "")
            nombre = fila.get("name", "") or ident or usuario
            if nombre:
                gente.append((nombre, ident, usuario))
    return gente


def de_classroom(carpeta, roster):
    """La fila de la lista de Classroom de la carpeta de un repositorio: `gh classroom clone
    student-repos` los llama «<prefijo de la tarea>-<usuario>» (o solo el usuario). Si encajan
    dos usuarios (ana y juan-ana), el más largo."""
    c = carpeta.lower()
    encajan = [g for g in roster if g[2] and (c == g[2].lower() or c.endswith("-" + g[2].lower()))]
    return max(encajan, key=lambda g: len(g[2])) if encajan else None


def es(numero, decimales=1):
    return f"{numero:.{decimales}f}".replace(".", ",")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--salida", required=True)
    p.add_argument("--lab", required=True)
    p.add_argument("--lista")
    p.add_argument("--suelto", action="append", default=[])
    p.add_argument("--segundos", type=float, default=0.0)
    p.add_argument("--j", default="?")
    p.add_argument("--calificadas", type=int, default=0)
    p.add_argument("--vpl", action="store_true", help="carpetas de «Descargar entregas» de VPL")
    p.add_argument("alumnos", nargs="*")
    a = p.parse_args()
    sal = a.salida

    roster = leer_roster(a.lista) if a.lista else None
    filas, ids_verif, nombres_verif, cambios = [], [], {}, []
    for carpeta in a.alumnos:
        d = os.path.join(sal, "alumnos", carpeta)
        nombre, ident = moodle(carpeta, a.vpl)
        quien = de_classroom(carpeta, roster) if roster else None
        if quien:
            nombre, ident = quien[0], quien[1]
        fila = {"carpeta": carpeta, "nombre": nombre, "id": ident, "verif": {}}
        try:
            r = json.load(open(os.path.join(d, "results.json"), encoding="utf-8"))
            info = r["extra_data"]["labs"][0]
            fila.update(puntos=r["score"], maximo=r["extra_data"]["max_score"],
                        compila="sí" if info["compila"] and info["calificado"] else "no",
                        segundos=info["segundos"], estado=info.get("estado", "calificada"))
            notas = [x for x in (info.get("entrega", ""), info.get("aviso", "")) if x]
            for t in r["tests"]:
                i = t["extra_data"]["id"]
                if i not in nombres_verif:
                    ids_verif.append(i)
                    nombres_verif[i] = t["name"].split(" · ", 1)[-1]
                fila["verif"][i] = (t["score"], t["max_score"], t["status"] == "passed")
            ant = os.path.join(d, "anterior.json")
            if os.path.exists(ant):
                antes = json.load(open(ant, encoding="utf-8"))["score"]
                if antes != r["score"]:
                    cambios.append((carpeta, antes, r["score"]))
        except (OSError, ValueError, KeyError, IndexError):
            if os.path.exists(os.path.join(d, "codigo")):
                cod = open(os.path.join(d, "codigo")).read().strip()
                fila.update(puntos=0, maximo=0, compila="no", segundos=0.0, estado="no se califica")
                notas = [f"no se pudo calificar (código {cod}; ver terminal.txt)"]
            else:  # con ALUMNO=, a quien aún no se ha calificado nunca
                fila.update(puntos=0, maximo=0, compila="no", segundos=0.0, estado="pendiente")
                notas = ["aún sin calificar: make grade-clase sin ALUMNO="]
        nota = " | ".join(notas).replace("\n", " ")
        fila["nota"] = nota[:299] + "…" if len(nota) > 300 else nota
        filas.append(fila)

    maximo = max((f["maximo"] for f in filas), default=0)
    # La lista de la clase: quien no entregó, «sin entrega».
    if a.lista:
        hay_id = {f["id"] for f in filas if f["id"]}
        hay_nombre = {clave(f["nombre"]) for f in filas}
        gente = [(g[0], g[1]) for g in roster] if roster is not None else leer_lista(a.lista)
        for nombre, ident in gente:
            if (ident and ident in hay_id) or clave(nombre) in hay_nombre:
                continue
            filas.append({"carpeta": "", "nombre": nombre, "id": ident, "verif": {}, "puntos": 0,
                          "maximo": maximo, "compila": "no", "segundos": 0.0,
                          "estado": "sin entrega", "nota": "no entregó nada"})
        filas.sort(key=lambda f: clave(f["nombre"]))
    for f in filas:
        f["maximo"] = f["maximo"] or maximo
        f["pct"] = round(100.0 * f["puntos"] / f["maximo"]) if f["maximo"] else 0
        f["nota10"] = round(10.0 * f["puntos"] / f["maximo"], 2) if f["maximo"] else 0.0

    # notas.csv: para guiones.
    with open(os.path.join(sal, "notas.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["alumno", "puntos", "maximo", "porcentaje", "compila", "segundos", "nota",
                    "estado", "id", "nota_10"] + ids_verif)
        for f in filas:
            w.writerow([f["carpeta"] or f["nombre"], f["puntos"], f["maximo"], f["pct"],
                        f["compila"], f"{f['segundos']:.1f}", f["nota"], f["estado"], f["id"],
                        f"{f['nota10']:.2f}"]
                       + [f["verif"][i][0] if i in f["verif"] else "" for i in ids_verif])
    # notas-es.csv: hoja de cálculo en español.
    with open(os.path.join(sal, "notas-es.csv"), "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        w.writerow(["Estudiante", "Identificador", "Estado", "Nota (0-10)", "Puntos", "Máximo",
                    "Porcentaje", "Observaciones"] + [nombres_verif[i] for i in ids_verif])
        for f in filas:
            w.writerow([f["nombre"], f["id"], f["estado"], es(f["nota10"], 2), f["puntos"],
                        f["maximo"], f["pct"], f["nota"]]
                       + [f["verif"][i][0] if i in f["verif"] else "" for i in ids_verif])
    # moodle-notas.csv: lo que importa Moodle (Calificación por identificador).
    with open(os.path.join(sal, "moodle-notas.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["Identificador", "Nombre completo", "Calificación", "Comentarios de retroalimentación"])
        for f in filas:
            w.writerow([f"Participante {f['id']}" if f["id"] else f["nombre"], f["nombre"],
                        f"{f['nota10']:.2f}", f"{f['estado']}: {f['pct']} %. {f['nota']}".strip()])
    # La retroalimentación de cada uno, con el nombre de su carpeta de entrega.
    retro = os.path.join(sal, "retroalimentacion")
    shutil.rmtree(retro, ignore_errors=True)
    os.makedirs(retro)
    for f in filas:
        if not f["carpeta"]:
            continue
        origen = os.path.join(sal, "alumnos", f["carpeta"], "informe.txt")
        os.makedirs(os.path.join(retro, f["carpeta"]))
        if os.path.exists(origen):
            shutil.copy(origen, os.path.join(retro, f["carpeta"], "informe.txt"))
        else:
            open(os.path.join(retro, f["carpeta"], "informe.txt"), "w", encoding="utf-8").write(
                f"{f['estado']}: {f['nota']}\n")
    with zipfile.ZipFile(os.path.join(sal, "retroalimentacion.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for f in filas:
            if f["carpeta"]:
                z.write(os.path.join(retro, f["carpeta"], "informe.txt"), f"{f['carpeta']}/informe.txt")

    # El resumen del profesorado.
    n = len(filas)
    pcts = [f["pct"] for f in filas] or [0]
    cuenta = {e: sum(f["estado"] == e for f in filas) for e in ESTADOS}
    corrieron = [f for f in filas if f["estado"] in ("calificada", "se colgó")]
    lineas = []
    if a.segundos > 0 and a.calificadas:
        lineas.append(f"Laboratorio {a.lab}: {a.calificadas} entregas calificadas en {a.segundos:.1f} s "
                      f"({60.0 * a.calificadas / a.segundos:.1f} entregas/min, J={a.j}); {n} en la hoja")
    lineas += [f"Media {statistics.mean(pcts):.1f} % · mediana {statistics.median(pcts):.1f} % · "
               f"mínimo {min(pcts)} % · máximo {max(pcts)} %",
               f"100 %: {sum(p == 100 for p in pcts)} · " +
               " · ".join(f"{e}: {k}" for e, k in cuenta.items() if k), ""]
    if a.suelto:
        lineas += ["⚠ Archivos sueltos en ENTREGAS (no son de ningún estudiante; cada entrega va en "
                   "su carpeta): " + ", ".join(a.suelto), ""]
    if cambios:
        lineas.append("⚠ Notas que cambiaron sin que cambiara la entrega (revísalas a mano):")
        for c, antes, ahora in cambios:
            lineas.append(f"  {c}: {antes} → {ahora} puntos")
        lineas.append("")
    # Las entregas parecidas (similitud.py, con sim_c): nunca una nota, una lista para mirar.
    sim = os.path.join(sal, "similitud.txt")
    if os.path.exists(sim):
        lineas += open(sim, encoding="utf-8").read().rstrip("\n").split("\n") + [""]
    fallos = {}
    for f in corrieron:
        for i, (_, _, ok) in f["verif"].items():
            if not ok:
                fallos[i] = fallos.get(i, 0) + 1
    if fallos:
        lineas.append(f"Las verificaciones que más fallan (entre las {len(corrieron)} que se "
                      "calificaron):")
        for i, k in sorted(fallos.items(), key=lambda x: (-x[1], x[0]))[:8]:
            lineas.append(f"  {k:3d} de {len(corrieron)}  {i:26s} {nombres_verif[i]}")
        lineas.append("")
    lineas.append("Por estudiante:")
    for f in filas:
        extra = f"  ({f['nota'][:90]})" if f["nota"] else ""
        quien = f["nombre"] + (" (" + f["id"] + ")" if f["id"] else "")
        lineas.append(f"  {quien[:40]:40s} {f['puntos']:>4}/{f['maximo']:<4} "
                      f"{f['pct']:>3} %  {es(f['nota10'], 2):>5}  {f['estado']}{extra}")
    lineas += ["", f"Notas: {os.path.join(sal, 'notas.csv')} (guiones), notas-es.csv (hoja de "
               "cálculo), moodle-notas.csv",
               f"Informes: {os.path.join(sal, 'alumnos')}/<alumno>/informe.txt; para devolverlos: "
               "retroalimentacion.zip"]
    texto = "\n".join(lineas) + "\n"
    open(os.path.join(sal, "resumen.txt"), "w", encoding="utf-8").write(texto)
    sys.stdout.write(texto)


if __name__ == "__main__":
    main()
