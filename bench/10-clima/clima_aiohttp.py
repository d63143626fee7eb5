#!/usr/bin/python3
"""clima_aiohttp.py — el agregador del laboratorio 10 como lo escribe el curso de Python:
aiohttp, un asyncio.Semaphore para el tope, asyncio.wait_for por petición y
asyncio.gather(..., return_exceptions=True) para que un proveedor que falla no tumbe a
los demás. Misma salida que el programa en C (salvo los textos de algunos errores).

    clima_aiohttp.py [-t MS] [-c N] -f PROVEEDORES CIUDAD...

Es el par de bench/10-clima/comparar-clima.sh: no forma parte del laboratorio.
"""
import argparse
import asyncio
import json
import os
import sys
from urllib.parse import quote

import aiohttp


def buscar(doc, ruta):
    v = doc
    for trozo in ruta.split("."):
        if isinstance(v, dict):
            v = v[trozo]
        elif isinstance(v, list) and trozo.isdigit():
            v = v[int(trozo)]
        else:
            raise KeyError(ruta)
    return v


async def consultar(sesion, semaforo, prov, ciudad, limite_s):
    url = prov["url"].replace("{ciudad}", quote(ciudad, safe=""))
    async with semaforo:  # el límite empieza a contar al salir de la cola
        async def pedir():
            async with sesion.get(url) as r:
                if r.status >= 400:
                    raise RuntimeError(f"estado HTTP {r.status}")
                return json.loads(await r.text())
        try:
            doc = await asyncio.wait_for(pedir(), limite_s)
        except asyncio.TimeoutError:
            raise RuntimeError(f"se agotó el tiempo límite ({int(limite_s * 1000)} ms)")
    try:
        v = buscar(doc, prov["ruta"])
    except (KeyError, IndexError, TypeError):
        raise RuntimeError(f"no existe «{prov['ruta']}»")
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise RuntimeError(f"«{prov['ruta']}» no es un número")
    t = {"C": v, "K": v - 273.15, "F": (v - 32) * 5 / 9}[prov["unidad"]]
    if not -90 <= t <= 60:
        raise RuntimeError(f"valor imposible: {t:.1f} °C")
    return t


async def principal(args):
    with open(args.f, encoding="utf-8") as f:
        proveedores = json.load(f)["proveedores"]
    base = os.environ.get("CURSO_SERVIDOR", "http://127.0.0.1:8080")
    for p in proveedores:
        if p["url"].startswith("/"):
            p["url"] = base + p["url"]
    semaforo = asyncio.Semaphore(args.c)
    conector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=conector) as sesion:
        tareas = [consultar(sesion, semaforo, p, c, args.t / 1000)
                  for c in args.ciudades for p in proveedores]
        resultados = await asyncio.gather(*tareas, return_exceptions=True)
    sin_datos = False
    for i, ciudad in enumerate(args.ciudades):
        buenos = []
        for j, p in enumerate(proveedores):
            r = resultados[i * len(proveedores) + j]
            if isinstance(r, Exception):
                print(f"{ciudad} {p['nombre']} ERROR {r}")
            else:
                buenos.append(r)
                print(f"{ciudad} {p['nombre']} {r:.1f} °C")
        if buenos:
            media = sum(buenos) / len(buenos)
            print(f"{ciudad} PROMEDIO {media:.1f} °C ({len(buenos)} de {len(proveedores)} proveedores)")
        else:
            sin_datos = True
            print(f"{ciudad} SIN DATOS")
    return 1 if sin_datos else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-t", type=int, default=3000)
    ap.add_argument("-c", type=int, default=10)
    ap.add_argument("-f", required=True)
    ap.add_argument("ciudades", nargs="+")
    try:
        sys.exit(asyncio.run(principal(ap.parse_args())))
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
