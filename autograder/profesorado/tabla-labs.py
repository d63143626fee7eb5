#!/usr/bin/env python3
"""tabla-labs.py — la tabla de laboratorios de labs/README.md sale de los lab.json («titulo» y
«resumen»): nadie la edita a mano. La escribe «make tabla-labs» (y «make nuevo-lab»);
«tabla-labs.py --comprobar» sale con 1 si la del README no es la que sale de los lab.json
(lo comprueba prueba-edicion).
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


def main():
    texto = open(README, encoding="utf-8").read()
    if INICIO not in texto or FIN not in texto:
        print(f"tabla-labs: labs/README.md no tiene las marcas «{INICIO}» … «{FIN}»", file=sys.stderr)
        return 2
    antes, resto = texto.split(INICIO, 1)
    _, despues = resto.split(FIN, 1)
    nuevo = antes + tabla() + despues
    if "--comprobar" in sys.argv[1:]:
        if nuevo != texto:
            print("tabla-labs: la tabla de labs/README.md no es la de los lab.json: make tabla-labs",
                  file=sys.stderr)
            return 1
        return 0
    if nuevo != texto:
        open(README, "w", encoding="utf-8").write(nuevo)
    return 0


if __name__ == "__main__":
    sys.exit(main())
