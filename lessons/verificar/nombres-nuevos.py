#!/usr/bin/env python3
"""nombres-nuevos.py — ningún capítulo pide aprender de golpe demasiadas funciones y tipos de
biblioteca (lessons/CONVENCIONES.md §1): cuenta, capítulo a capítulo y en el orden de lectura,
los nombres de libuv, libcurl, jansson, libpq y llhttp (uv_*, curl_*, json_*, PQ*, llhttp_*)
que usan sus programas y que ningún programa de un capítulo anterior había usado, y falla si
alguno pasa de LIMITE.

Por qué los programas y no el texto: lo que un estudiante tiene que aprender a usar es lo que
ejecuta; el texto también nombra tipos de pasada (la tabla de handles de la lección 2 los
enseña todos, para situarlos, no para usarlos). Un programa de una sección opcional (su
cabecera lo dice con «opcional» en sus primeras líneas, como mini_multi.c de la lección 8) no
cuenta: el capítulo se puede cerrar sin él.

    python3 lessons/verificar/nombres-nuevos.py     (make prueba-nombres)

Antes de mirar el curso se prueba con un control (dos capítulos inventados, uno por encima
del límite): si la cuenta deja de verlo, falla. Última línea: «resumen: …».
"""
import glob
import os
import re
import sys

RAIZ = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# «Unos 25». Hoy el que más pide es la lección 10 (29: la API no bloqueante de libpq entera,
# conectar, consultar, canalizar, más uv_poll), la única que presenta una biblioteca de golpe;
# por encima de 30, el capítulo se parte o manda lo de más a una sección opcional.
LIMITE = 30
NOMBRE = re.compile(r"\b(uv_[a-z_0-9]+|curl_[a-z_]+|json_[a-z_]+|PQ[a-zA-Z]+|llhttp_[a-z_]+)\b")


def opcional(ruta):
    with open(ruta, encoding="utf-8") as f:
        return "opcional" in "".join(f.readline() for _ in range(4))


def capitulos():
    """[(capítulo, {nombres de sus programas obligatorios})] en el orden de lectura."""
    res = []
    for carpeta in sorted(glob.glob(os.path.join(RAIZ, "lessons", "[0-9][0-9]*-*"))):
        nombres = set()
        for c in sorted(glob.glob(os.path.join(carpeta, "*.c"))):
            if not opcional(c):
                nombres |= set(NOMBRE.findall(open(c, encoding="utf-8").read()))
        res.append((os.path.basename(carpeta), nombres))
    return res


def contar(caps):
    """[(capítulo, nuevos)] con los nombres que ningún capítulo anterior usó."""
    vistos, res = set(), []
    for cap, nombres in caps:
        res.append((cap, sorted(nombres - vistos)))
        vistos |= nombres
    return res


def pasados(cuentas):
    return [(c, n) for c, n in cuentas if len(n) > LIMITE]


def main():
    control = [("01-a", {f"uv_a{i}" for i in range(5)}), ("02-b", {f"uv_b{i}" for i in range(LIMITE + 1)})]
    if [c for c, _ in pasados(contar(control))] != ["02-b"]:
        print("nombres-nuevos: el control no falla donde debe (la cuenta está rota)")
        print("resumen: control roto")
        return 1
    cuentas = contar(capitulos())
    for cap, nuevos in cuentas:
        print(f"  {'✘' if len(nuevos) > LIMITE else '✔'} {cap}: {len(nuevos)} nombres nuevos")
    malos = pasados(cuentas)
    for cap, nuevos in malos:
        print(f"lessons/{cap}: {len(nuevos)} nombres de biblioteca nuevos en sus programas (como "
              f"mucho {LIMITE}): {', '.join(nuevos)}. Pasa parte a otro capítulo o a una "
              "sección opcional.")
    print(f"resumen: {len(cuentas)} capítulos, {len(malos)} con más de {LIMITE} nombres nuevos")
    return 1 if malos else 0


if __name__ == "__main__":
    sys.exit(main())
