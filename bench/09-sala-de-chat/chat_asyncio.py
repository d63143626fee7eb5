#!/usr/bin/python3
"""chat_asyncio.py — la sala de chat del laboratorio 09 escrita en Python con asyncio.

Es el servidor del curso de Python (asyncio.start_server, StreamReader/StreamWriter, un
diccionario de writers y una difusión con writer.write + await writer.drain()) completado
para hablar EXACTAMENTE el protocolo del enunciado (labs/09-sala-de-chat/README.md): así
el mismo generador de carga (carga_chat) mide este servidor y la solución en C.

Uso: /usr/bin/python3 chat_asyncio.py [--puerto N]   (0 = efímero; imprime el real)
Solo la biblioteca estándar de la python3 de Debian.

Una diferencia deliberada con el enunciado: como en el original, la difusión hace
«await writer.drain()» con cada destinatario, así que un cliente que no lee no se expulsa
sino que frena la difusión de todos (el problema que el límite de 1 MiB del laboratorio
evita). La comparación no tiene clientes lentos, así que no cambia las cifras.
"""
import asyncio
import signal
import sys

MAX_LINEA = 4096
MAX_NOMBRE = 32
PREGUNTA = "* ¿Cómo te llamas?\n".encode()

clientes = {}  # {writer: nombre}, en orden de llegada (los dict conservan el orden)
conectados = set()  # todos los writers, tengan nombre o no (para el aviso de parada)


async def enviar(writer, datos):
    try:
        writer.write(datos)
        await writer.drain()
    except (ConnectionError, RuntimeError):
        pass  # se fue: su propio manejador lo sacará de la sala


async def difundir(datos, remitente=None):
    for writer in list(clientes):
        if writer is not remitente:
            await enviar(writer, datos)


def validar(nombre):
    if not nombre:
        return "! El nombre no puede estar vacío\n"
    if len(nombre) > MAX_NOMBRE:
        return "! El nombre es demasiado largo (máximo 32 bytes)\n"
    try:
        texto = nombre.decode("utf-8")
    except UnicodeDecodeError:
        return "! El nombre tiene caracteres no permitidos\n"
    if texto.startswith("/") or any(c < " " or c in "\x7f :," for c in texto):
        return "! El nombre tiene caracteres no permitidos\n"
    if nombre in clientes.values():
        return f"! El nombre «{texto}» ya está en uso\n"
    return None


async def leer_linea(reader, writer):
    """Una línea sin su final (LF o CRLF); None al cerrar. Las demasiado largas se tiran."""
    while True:
        try:
            linea = await reader.readuntil(b"\n")
        except asyncio.IncompleteReadError:
            return None
        except asyncio.LimitOverrunError as e:
            # Se descarta hasta el '\n' que cierre la línea larga, lo que tarde en llegar.
            await reader.readexactly(e.consumed)
            while True:
                try:
                    await reader.readuntil(b"\n")
                    break
                except asyncio.LimitOverrunError as e2:
                    await reader.readexactly(e2.consumed)
            await enviar(writer, "! Línea demasiado larga (máximo 4096 bytes): se descarta\n".encode())
            return b"\x00larga"
        linea = linea[:-1]
        if linea.endswith(b"\r"):
            linea = linea[:-1]
        if len(linea) > MAX_LINEA:
            await enviar(writer, "! Línea demasiado larga (máximo 4096 bytes): se descarta\n".encode())
            return b"\x00larga"
        return linea


async def manejar_cliente(reader, writer):
    nombre = None
    conectados.add(writer)
    try:
        await enviar(writer, PREGUNTA)
        while nombre is None:
            linea = await leer_linea(reader, writer)
            if linea is None:
                return
            if linea == b"\x00larga":
                await enviar(writer, PREGUNTA)
                continue
            if linea == b"/quit":
                await enviar(writer, "* ¡Adiós!\n".encode())
                return
            error = validar(linea)
            if error:
                await enviar(writer, error.encode() + PREGUNTA)
                continue
            nombre = linea
        clientes[writer] = nombre
        texto = nombre.decode()
        await enviar(writer, f"* Hola, {texto}. Órdenes: /list, /quit\n".encode())
        await difundir(f"* {texto} ha entrado en la sala\n".encode(), writer)
        while True:
            linea = await leer_linea(reader, writer)
            if linea is None:
                break
            if linea == b"\x00larga" or not linea:
                continue
            if linea == b"/quit":
                await enviar(writer, f"* ¡Adiós, {texto}!\n".encode())
                break
            if linea == b"/list":
                nombres = ", ".join(n.decode() for n in clientes.values())
                await enviar(writer, f"* Conectados ({len(clientes)}): {nombres}\n".encode())
            elif linea.startswith(b"/"):
                await enviar(writer, "! Orden desconocida (usa /list o /quit)\n".encode())
            else:
                await difundir(nombre + b": " + linea + b"\n", writer)
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        conectados.discard(writer)
        if clientes.pop(writer, None) is not None:
            await difundir(f"* {nombre.decode()} ha salido de la sala\n".encode())
        writer.close()
        try:
            await writer.wait_closed()
        except (ConnectionError, asyncio.CancelledError):
            pass


async def main():
    puerto = 9999
    if len(sys.argv) == 3 and sys.argv[1] == "--puerto":
        puerto = int(sys.argv[2])
    servidor = await asyncio.start_server(manejar_cliente, "127.0.0.1", puerto,
                                          limit=MAX_LINEA + 2, backlog=1024)
    print(f"Escuchando en 127.0.0.1:{servidor.sockets[0].getsockname()[1]}", flush=True)
    parar = asyncio.Event()
    bucle = asyncio.get_running_loop()
    for s in (signal.SIGINT, signal.SIGTERM):
        bucle.add_signal_handler(s, parar.set)
    async with servidor:
        await parar.wait()
        aviso = "* El servidor se va a cerrar. ¡Hasta pronto!\n".encode()
        clientes.clear()  # al apagar no se anuncian salidas
        for writer in list(conectados):
            writer.write(aviso)
            writer.close()


if __name__ == "__main__":
    asyncio.run(main())
