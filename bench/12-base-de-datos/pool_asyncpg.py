#!/usr/bin/python3
"""pool_asyncpg.py — el contrincante en Python de bench/12-base-de-datos: N inserciones a la vez
por un pool de asyncpg de TAMAÑO conexiones, como lo escribiría el curso de Python.

    pool_asyncpg.py N TAMAÑO CONEXION

Crea la tabla usuarios si falta, la vacía y mide, desde create_pool (perezoso: min_size=0,
como el pool del laboratorio) hasta la última inserción, las filas 1…N del laboratorio 12.
Imprime «ms=<milisegundos> filas=<N>».
"""
import asyncio
import sys
import time

import asyncpg


def dsn_de(cadena):
    """«host=… port=… user=… password=… dbname=…» de libpq → argumentos de asyncpg.connect
    (el clúster de pruebas pide contraseña: md5, como el del laboratorio 12)."""
    partes = dict(p.split("=", 1) for p in cadena.split())
    return {"host": partes.get("host"), "port": int(partes.get("port", 5432)),
            "user": partes.get("user"), "password": partes.get("password"),
            "database": partes.get("dbname")}


async def principal(n, tamano, cadena):
    args = dsn_de(cadena)
    conn = await asyncpg.connect(**args)
    await conn.execute("CREATE TABLE IF NOT EXISTS usuarios (id integer PRIMARY KEY, "
                       "nombre text NOT NULL, correo text)")
    await conn.execute("TRUNCATE usuarios")
    await conn.close()

    t0 = time.monotonic()
    pool = await asyncpg.create_pool(min_size=0, max_size=tamano, **args)

    async def insertar(i):
        async with pool.acquire() as c:
            await c.execute("INSERT INTO usuarios (id, nombre, correo) VALUES ($1, $2, $3)",
                            i, f"Usuaria «{i}» O'Higgins; DROP TABLE usuarios; --",
                            f"u{i}@ejemplo.es")

    await asyncio.gather(*(insertar(i) for i in range(1, n + 1)))
    ms = (time.monotonic() - t0) * 1000
    await pool.close()
    print(f"ms={ms:.0f} filas={n}")


if __name__ == "__main__":
    asyncio.run(principal(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]))
