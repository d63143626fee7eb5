#!/usr/bin/python3
"""contador_aiofiles.py — el contador de palabras del laboratorio 08 escrito como lo escribe
el curso de Python (ejercicio 8): aiofiles, un semáforo de N archivos a la vez y
asyncio.gather(..., return_exceptions=True). Lee en trozos de 64 KiB, como el de C, y
cuenta con bytes.split(), con la palabra cortada entre dos trozos contada una vez.

Uso: contador_aiofiles.py [-j N] ARCHIVO...   (mismo formato de salida que el de C)
"""
import argparse
import asyncio
import sys

import aiofiles

TROZO = 64 * 1024
ESPACIOS = b" \t\n\v\f\r"


async def contar(ruta, sem):
    async with sem:
        palabras, dentro = 0, False
        async with aiofiles.open(ruta, "rb") as f:
            while trozo := await f.read(TROZO):
                n = len(trozo.split())
                # La primera palabra del trozo sigue a la del anterior: ya se contó.
                if dentro and trozo[0] not in ESPACIOS:
                    n -= 1
                palabras += n
                dentro = trozo[-1] not in ESPACIOS
        print(palabras, ruta, flush=True)
        return palabras


async def principal(rutas, plazas):
    sem = asyncio.Semaphore(plazas)
    resultados = await asyncio.gather(*(contar(r, sem) for r in rutas),
                                      return_exceptions=True)
    leidos = [(n, r) for n, r in zip(resultados, rutas) if not isinstance(n, BaseException)]
    for n, r in zip(resultados, rutas):
        if isinstance(n, BaseException):
            print(f"ERROR {r}: {n}", file=sys.stderr)
    total = sum(n for n, _ in leidos)
    print(f"TOTAL {total} palabras en {len(leidos)} archivos")
    print(f"MEDIA {total / len(leidos) if leidos else 0:.1f} palabras por archivo")
    if leidos:
        mayor = max(leidos, key=lambda x: x[0])  # max() se queda con el primero en un empate
        print(f"MAYOR {mayor[0]} {mayor[1]}")
    return 0 if len(leidos) == len(rutas) else 1


if __name__ == "__main__":
    opciones = argparse.ArgumentParser()
    opciones.add_argument("-j", type=int, default=4)
    opciones.add_argument("rutas", nargs="+")
    a = opciones.parse_args()
    sys.exit(asyncio.run(principal(a.rutas, a.j)))
