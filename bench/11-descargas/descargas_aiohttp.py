"""descargas_aiohttp.py — el gestor de descargas como lo escribe el curso de Python: aiohttp,
un semáforo para -c, cada trozo al disco con aiofiles (o, si no está, con un hilo del
ejecutor, que es lo que aiofiles hace por dentro) y os.replace como «commit».

Uso: descargas_aiohttp.py N DIR URL...   (sale con 0 si todas bajaron bien)
"""
import asyncio
import os
import sys

import aiohttp

try:
    import aiofiles
except ImportError:  # python3-aiofiles no instalado: lo mismo a mano
    aiofiles = None

TROZO = 65536


async def escribir(f, datos):
    if aiofiles is not None:
        await f.write(datos)
    else:
        await asyncio.get_running_loop().run_in_executor(None, f.write, datos)


async def descargar(sesion, sem, url, ruta):
    async with sem:
        parte = ruta + ".parte"
        async with sesion.get(url) as r:
            r.raise_for_status()
            if aiofiles is not None:
                async with aiofiles.open(parte, "wb") as f:
                    async for trozo in r.content.iter_chunked(TROZO):
                        await escribir(f, trozo)
            else:
                with open(parte, "wb") as f:
                    async for trozo in r.content.iter_chunked(TROZO):
                        await escribir(f, trozo)
        os.replace(parte, ruta)


async def principal(n, carpeta, urls):
    sem = asyncio.Semaphore(n)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as sesion:
        tareas = [descargar(sesion, sem, u, os.path.join(carpeta, "f%d" % i))
                  for i, u in enumerate(urls)]
        await asyncio.gather(*tareas)


if __name__ == "__main__":
    asyncio.run(principal(int(sys.argv[1]), sys.argv[2], sys.argv[3:]))
