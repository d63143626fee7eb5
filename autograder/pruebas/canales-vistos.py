#!/usr/bin/env python3
"""canales-vistos.py SALIDA BINARIO… — mientras vive (hasta SIGTERM), anota en SALIDA la ruta
de cada socket de Unix en escucha que tiene abierto un proceso cuyo ejecutable es uno de los
BINARIOS y que desciende de quien lo lanzó (su parte de la prueba: CANALES_RAIZ, su pid, o el
padre), cada una la primera vez
que la ve: «ruta<TAB>TMPDIR», con el TMPDIR de quien lanzó
ese proceso (el ejecutor, que pone ahí el canal si su carpeta de trabajo no cabe en un socket;
vacío si no se pudo leer). Así se juzga cada canal con la carpeta de su propia calificación:
otra parte de la prueba puede calificar a la vez con otro TMPDIR (trampa_vpl).

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


def padre_de(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[1]


def tmpdir_del_padre(pid, binarios):
    """El TMPDIR de quien lanzó `pid`: el primer antepasado que no es uno de `binarios` (los
    procesos de Criterion que hace el calificador son el mismo ejecutable, con el TMPDIR de la
    verificación). "/tmp" si no tiene; "" si no se pudo leer."""
    try:
        padre = padre_de(pid)
        while os.readlink(f"/proc/{padre}/exe") in binarios:
            padre = padre_de(padre)
        with open(f"/proc/{padre}/environ", "rb") as f:
            for var in f.read().split(b"\0"):
                if var.startswith(b"TMPDIR="):
                    return var[7:].decode(errors="replace") or "/tmp"
        return "/tmp"
    except (OSError, IndexError):
        return ""


def desciende_de(pid, raiz):
    """¿Es `pid` un descendiente de `raiz`? Las otras partes de prueba-autograder califican a la
    vez, y una pone su canal aposta fuera de toda calificación (el caso «canal», con
    CALIF_CANAL): el CI de la sesión 26 falló por verlo."""
    try:
        while pid not in ("0", "1"):
            pid = padre_de(pid)
            if pid == raiz:
                return True
    except (OSError, IndexError):
        pass
    return False


def inodos_de(binarios, raiz):
    """inodo → TMPDIR de quien lanzó el proceso, de los sockets que tienen abiertos los procesos
    de `binarios` que descienden de `raiz`."""
    inodos = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.readlink(f"/proc/{pid}/exe") not in binarios or not desciende_de(pid, raiz):
                continue
            tmpdir = None
            for fd in os.listdir(f"/proc/{pid}/fd"):
                destino = os.readlink(f"/proc/{pid}/fd/{fd}")
                if destino.startswith("socket:["):
                    tmpdir = tmpdir_del_padre(pid, binarios) if tmpdir is None else tmpdir
                    inodos[destino[8:-1]] = tmpdir
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
    # La parte de la prueba que lo lanzó (su shell, $$): con pyenv, el padre es un guion.
    raiz = os.environ.get("CANALES_RAIZ") or str(padre)
    vistas = set()
    with open(salida, "w") as f:
        while seguir[0] and os.getppid() == padre:
            inodos = inodos_de(binarios, raiz)
            if inodos:
                for inodo, ruta in sockets_en_escucha().items():
                    if inodo in inodos and ruta not in vistas:
                        vistas.add(ruta)
                        print(f"{ruta}\t{inodos[inodo]}", file=f, flush=True)
            time.sleep(0.05)


if __name__ == "__main__":
    main()
