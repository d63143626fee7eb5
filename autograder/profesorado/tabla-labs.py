#!/usr/bin/env python3
"""tabla-labs.py — las tablas que nadie edita a mano, porque salen de los datos:
  - la de laboratorios de labs/README.md, de los lab.json («titulo» y «resumen»);
  - la de puntos del anexo de cada enunciado (labs/NN-tema/README.md), de su lab.json: una
    fila por verificación, con el «nombre» que da el informe de make grade, su id y sus puntos;
  - la lista de programas de laboratorio que ofrece .vscode/launch.json para depurar («programaLab»),
    de los lab.json («programa»): un laboratorio nuevo aparece solo;
  - la de horas y caminos de lessons/README.md («Dos caminos»): las horas de cada lección
    (su texto y su práctica, con la regla de HORAS_LECCION) y las de cada laboratorio (la
    suma de las «horas» de sus hitos), en el curso entero y en el corto (LECCIONES_CORTO y
    el «camino_corto» de cada lab.json: "entero", el id del último hito que se pide, o nada
    si el laboratorio no entra).
Las escribe «make tabla-labs» (y «make nuevo-lab»); «tabla-labs.py --comprobar» sale con 1 si
alguna no es la que sale de los datos (lo comprueba prueba-edicion).
"""
import glob
import json
import os
import re
import sys

RAIZ = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
README = os.path.join(RAIZ, "labs", "README.md")
INICIO = "<!-- tabla de laboratorios: la escribe «make tabla-labs» a partir de los lab.json -->"
FIN = "<!-- fin de la tabla de laboratorios -->"


def tabla():
    filas = ["| Lab | Carpeta | Qué construyes |", "|---|---|---|"]
    for ruta in sorted(glob.glob(os.path.join(RAIZ, "labs", "[0-9][0-9]-*", "lab.json"))):
        carpeta = os.path.basename(os.path.dirname(ruta))
        lab = json.load(open(ruta, encoding="utf-8"))
        que = lab.get("resumen") or lab.get("titulo", "")
        filas.append(f"| {carpeta[:2]} | [`{carpeta}/`]({carpeta}/README.md) | {que} |")
    return INICIO + "\n" + "\n".join(filas) + "\n" + FIN


# Las horas de una lección: leerla con sus ejemplos en marcha, 1 h por cada 1 500 palabras de
# texto (sin los bloques de código, que se ejecutan, no se leen), y 45 min por ejercicio de su
# práctica; cada parte redondeada a la media hora. Es una estimación con regla, no una medida:
# la regla es la misma para todas, así que las lecciones se comparan bien entre sí.
PALABRAS_HORA = 1500
HORAS_EJERCICIO = 0.75
# El curso corto (una asignatura de 6 créditos): estas lecciones enteras, con su práctica, y de
# las de PARTES_CORTO solo lo que se dice, leído (sin práctica), con sus horas.
LECCIONES_CORTO = ["01", "02", "03", "04", "05", "06", "06b", "07", "08"]
PARTES_CORTO = {"11": ("§1 a §3, leídas", 2.0), "12": ("§1, leída", 0.5)}
README_LECCIONES = os.path.join(RAIZ, "lessons", "README.md")
INICIO_H = "<!-- tabla de horas: la escribe «make tabla-labs» a partir de las lecciones y los lab.json -->"
FIN_H = "<!-- fin de la tabla de horas -->"


def media_hora(h):
    return round(h * 2) / 2


def horas_texto(h):
    return f"{h:g}"


def horas_leccion(carpeta):
    texto = open(os.path.join(carpeta, "README.md"), encoding="utf-8").read()
    prosa = re.sub(r"^```.*?^```", "", texto, flags=re.S | re.M)
    ejercicios = len(glob.glob(os.path.join(carpeta, "practica", "[0-9]*-*", "casos")))
    return media_hora(len(prosa.split()) / PALABRAS_HORA) + media_hora(ejercicios * HORAS_EJERCICIO)


def tabla_horas():
    filas = ["| | Horas | Curso entero | Curso corto |", "|---|---|---|---|"]
    entero = corto = 0.0
    for carpeta in sorted(glob.glob(os.path.join(RAIZ, "lessons", "[0-9][0-9]*-*"))):
        nombre = os.path.basename(carpeta)
        num = nombre.split("-", 1)[0]
        h = horas_leccion(carpeta)
        titulo = "Interludio" if num == "06b" else f"Lección {int(num)}"
        if num in LECCIONES_CORTO:
            celda, hc = "sí", h
        elif num in PARTES_CORTO:
            parte, hc = PARTES_CORTO[num]
            celda = f"{parte} ({horas_texto(hc)} h)"
        else:
            celda, hc = "no", 0
        entero += h
        corto += hc
        filas.append(f"| [{titulo}]({nombre}/README.md) | {horas_texto(h)} | sí | {celda} |")
    for ruta in sorted(glob.glob(os.path.join(RAIZ, "labs", "[0-9][0-9]-*", "lab.json"))):
        carpeta = os.path.basename(os.path.dirname(ruta))
        lab = json.load(open(ruta, encoding="utf-8"))
        hitos = lab.get("hitos", [])
        h = sum(x.get("horas", 0) for x in hitos)
        elegido = lab.get("camino_corto")
        ids = [x["id"] for x in hitos]
        if elegido is None:
            celda, hc = "no", 0
        elif elegido == "entero":
            celda, hc = "entero", h
        elif elegido in ids:
            hc = sum(x.get("horas", 0) for x in hitos[: ids.index(elegido) + 1])
            celda = f"hasta el hito {elegido} ({horas_texto(hc)} h): `make grade LAB={carpeta[:2]} HITO={elegido}`"
        else:
            raise ValueError(f"labs/{carpeta}/lab.json: «camino_corto» es «{elegido}»: debe ser "
                             f"\"entero\" o un hito ({', '.join(ids)})")
        entero += h
        corto += hc
        filas.append(f"| [Laboratorio {carpeta[:2]}](../labs/{carpeta}/README.md) | "
                     f"{horas_texto(h)} | entero | {celda} |")
    filas.append(f"| **Total** | | **{horas_texto(entero)} h** | **{horas_texto(corto)} h** |")
    return INICIO_H + "\n" + "\n".join(filas) + "\n" + FIN_H


INICIO_P = "<!-- tabla de puntos: la escribe «make tabla-labs» a partir de lab.json -->"
FIN_P = "<!-- fin de la tabla de puntos -->"


def tabla_puntos(ruta_json):
    """La tabla de puntos de un laboratorio: cada verificación con el nombre del informe."""
    lab = json.load(open(ruta_json, encoding="utf-8"))
    filas = ["| Verificación | Puntos |", "|---|---|"]
    for v in lab["verificaciones"]:
        filas.append(f"| {v['nombre']} (`{v['id']}`) | {v['puntos']} |")
    total = sum(v["puntos"] for v in lab["verificaciones"])
    filas.append(f"| **Total** | **{total}** |")
    return INICIO_P + "\n" + "\n".join(filas) + "\n" + FIN_P


LANZADOR = os.path.join(RAIZ, ".vscode", "launch.json")


def lanzador():
    """.vscode/launch.json con las opciones de «programaLab» (y su valor por omisión) sacadas de
    los lab.json, sin tocar el resto del archivo."""
    programas = []
    for ruta in sorted(glob.glob(os.path.join(RAIZ, "labs", "[0-9][0-9]-*", "lab.json"))):
        carpeta = os.path.basename(os.path.dirname(ruta))
        lab = json.load(open(ruta, encoding="utf-8"))
        programas.append(f"build/labs/{carpeta}/{lab['programa']}")
    texto = open(LANZADOR, encoding="utf-8").read()
    patron = re.compile(r'("id": "programaLab",.*?"options": \[)(.*?)(\n\s*\],\s*"default": )"[^"]*"',
                        re.S)
    m = patron.search(texto)
    if m is None:
        raise ValueError(".vscode/launch.json no tiene la entrada «programaLab» con «options» y «default»")
    sangria = "\n        "
    opciones = ",".join(f'{sangria}"{p}"' for p in programas)
    nuevo = texto[:m.start()] + m.group(1) + opciones + m.group(3) + f'"{programas[0]}"' + texto[m.end():]
    return texto, nuevo


def sustituir(ruta, inicio, fin, nueva):
    """El texto de `ruta` con lo que hay entre las marcas cambiado por `nueva` (None si no las
    tiene)."""
    texto = open(ruta, encoding="utf-8").read()
    if inicio not in texto or fin not in texto:
        return texto, None
    antes, resto = texto.split(inicio, 1)
    _, despues = resto.split(fin, 1)
    return texto, antes + nueva + despues


def main():
    cambios = []
    tablas = [(README, INICIO, FIN, tabla), (README_LECCIONES, INICIO_H, FIN_H, tabla_horas)]
    for ruta_json in sorted(glob.glob(os.path.join(RAIZ, "labs", "[0-9][0-9]-*", "lab.json"))):
        tablas.append((os.path.join(os.path.dirname(ruta_json), "README.md"), INICIO_P, FIN_P,
                       lambda r=ruta_json: tabla_puntos(r)))
    for ruta, inicio, fin, generar in tablas:
        try:
            texto, nuevo = sustituir(ruta, inicio, fin, generar())
        except ValueError as e:
            print(f"tabla-labs: {e}", file=sys.stderr)
            return 2
        if nuevo is None:
            print(f"tabla-labs: {os.path.relpath(ruta, RAIZ)} no tiene las marcas «{inicio}» … «{fin}»",
                  file=sys.stderr)
            return 2
        if nuevo != texto:
            cambios.append((ruta, nuevo))
    try:
        texto, nuevo = lanzador()
    except ValueError as e:
        print(f"tabla-labs: {e}", file=sys.stderr)
        return 2
    if nuevo != texto:
        cambios.append((LANZADOR, nuevo))
    if "--comprobar" in sys.argv[1:]:
        for ruta, _ in cambios:
            print(f"tabla-labs: la tabla de {os.path.relpath(ruta, RAIZ)} no es la que sale de los "
                  "datos: make tabla-labs", file=sys.stderr)
        return 1 if cambios else 0
    for ruta, nuevo in cambios:
        open(ruta, "w", encoding="utf-8").write(nuevo)
    return 0


if __name__ == "__main__":
    sys.exit(main())
