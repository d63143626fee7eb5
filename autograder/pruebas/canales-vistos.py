#!/usr/bin/env python3
"""canales-vistos.py SALIDA BINARIO… — mientras vive (hasta SIGTERM), anota en SALIDA la ruta
de cada socket de Unix en escucha que tiene abierto un proceso cuyo ejecutable es uno de los
BINARIOS, una ruta por línea, cada una la primera vez que la ve.

Para prueba-autograder: Criterion une sus procesos por un socket con nombre, y el ejecutor
lo lleva a la carpeta de trabajo de cada calificación (CALIF_CANAL, lib/canal.c); en el /tmp
de todos (/tmp/criterion_<pid>.sock) choca con el de otro usuario. Esto lo ve desde fuera,
sin tocar el calificador: el ejecutable de cada proceso (/proc/PID/exe), sus descriptores
(socket:[inodo]) y la tabla de sockets de Unix del núcleo (/proc/net/unix, con la ruta con la
que se hizo bind). Mira cada 50 ms: el canal vive lo que vive el calificador (segundos).
"""
import os
import signal
import sys
import time

EN_ESCUCHA = 0x00010000  # __SO_ACCEPTCON en la columna Flags de /proc/net/unix


def sockets_en_escucha():
    """inodo → ruta de los sockets de Unix con ruta que escuchan."""
    tabla = {}
    try:
        with open("/proc/net/unix") as f:
            next(f)
            for linea in f:
                campos = linea.split()
                if len(campos) >= 8 and int(campos[3], 16) & EN_ESCUCHA:
                    tabla[campos[6]] = campos[7]
    except OSError:
        pass
    return tabla


def inodos_de(binarios):
    """Los inodos de los sockets que tienen abiertos los procesos de `binarios`."""
    inodos = set()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.readlink(f"/proc/{pid}/exe") not in binarios:
                continue
            for fd in os.listdir(f"/proc/{pid}/fd"):
                destino = os.readlink(f"/proc/{pid}/fd/{fd}")
                if destino.startswith("socket:["):
                    inodos.add(destino[8:-1])
        except OSError:
            continue  # ya terminó, o no es nuestro
    return inodos


def main():
    salida, binarios = sys.argv[1], {os.path.realpath(b) for b in sys.argv[2:]}
    seguir = [True]
    signal.signal(signal.SIGTERM, lambda *_: seguir.__setitem__(0, False))
    # Y si muere quien lo lanzó: con pyenv, «python3» es un guion que no hace exec, y el
    # SIGTERM de la prueba se lo lleva él (medido: este proceso seguía, huérfano).
    padre = os.getppid()
    vistas = set()
    with open(salida, "w") as f:
        while seguir[0] and os.getppid() == padre:
            inodos = inodos_de(binarios)
            if inodos:
                for inodo, ruta in sockets_en_escucha().items():
                    if inodo in inodos and ruta not in vistas:
                        vistas.add(ruta)
                        print(ruta, file=f, flush=True)
            time.sleep(0.05)


if __name__ == "__main__":
    main()
