"""Par de comparación en Python: el mismo trabajo escrito como lo escribe el curso original.

Uso: cliente_aiohttp.py URL N SIMULTANEAS  → imprime «segundos=X ok=N bytes=B».
Una sola ClientSession reutilizada y un asyncio.Semaphore que limita la concurrencia.
"""
import asyncio
import sys
import time

import aiohttp


async def descargar(sesion, url, semaforo):
    async with semaforo:
        async with sesion.get(url) as respuesta:
            cuerpo = await respuesta.read()
            return respuesta.status, len(cuerpo)


async def main(url, n, simultaneas):
    semaforo = asyncio.Semaphore(simultaneas)
    conector = aiohttp.TCPConnector(limit=simultaneas)
    inicio = time.monotonic()
    async with aiohttp.ClientSession(connector=conector) as sesion:
        resultados = await asyncio.gather(
            *(descargar(sesion, url, semaforo) for _ in range(n)))
    segundos = time.monotonic() - inicio
    ok = sum(1 for estado, _ in resultados if estado == 200)
    total = sum(largo for _, largo in resultados)
    print(f"segundos={segundos:.3f} ok={ok} bytes={total}")
    return 0 if ok == n else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
