#!/usr/bin/env python3
"""labs-tocados.py — qué laboratorios leyó de verdad una orden: la medida de cada parte de la
pasada de los hostiles (pasada-hostiles.sh), para que su huella sea solo de lo que la califica.

    labs-tocados.py SALIDA ORDEN [ARGUMENTO…]

Ejecuta ORDEN (con la misma entrada, salida y errores) y, mientras dura, apunta con inotify
cada archivo que alguien abre bajo labs/NN-*/, solutions/NN-*/ y build/labs/NN-*/ (el programa
de partida, la solución, el calificador y su binario: quien califica el laboratorio NN abre
alguno). Al acabar escribe en SALIDA los laboratorios tocados, uno por línea, o «todos» si no
pudo medir (sin inotify, la cola de eventos desbordada, un árbol que no se pudo vigilar): en la
duda, la parte depende de todos, como antes de medir. Sale con el código de ORDEN.

Por qué medir y no declarar: una parte llega a un laboratorio por muchos caminos (el ejecutor
con --lab, el binario del calificador a mano, una copia de la solución o de la partida, una
lectura estática de los calificadores) y una lista escrita a mano se queda vieja sin que nadie
lo note. Lo que se abre no miente, sea cual sea el camino. Lo que no cuenta:
  - abrir una carpeta (listarla da nombres, no contenido; quien usa un archivo lo abre);
  - labs/NN-*/.calificador/hostiles/: las tablas de casos las leen todas las partes para
    repartirse los casos, así que esas carpetas entran en la huella de todas (pasada-hostiles.sh)
    y no hacen falta aquí.
Un laboratorio que se compila dentro de la orden (su calificador sin construir) sale tocado:
de más obliga a pasar esa parte otra vez sin necesidad, nunca deja entrar un cambio sin pasarla.
"""
import ctypes
import os
import select
import signal
import struct
import subprocess
import sys

IN_OPEN = 0x00000020
IN_CREATE = 0x00000100
IN_Q_OVERFLOW = 0x00004000
IN_ISDIR = 0x40000000
IN_ONLYDIR = 0x01000000
IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000
CABECERA = struct.Struct("iIII")


class Vigia:
    """Un descriptor de inotify con una vigilancia por carpeta; cada una sabe de qué lab es."""

    def __init__(self):
        libc = ctypes.CDLL(None, use_errno=True)
        self._anadir = libc.inotify_add_watch
        self._anadir.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        self.fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self.lab_de = {}  # descriptor de vigilancia → (lab, ruta de la carpeta)
        self.tocados = set()
        self.a_ciegas = ""  # por qué ya no se puede medir (entonces: todos)

    def vigilar(self, carpeta, lab):
        wd = self._anadir(self.fd, os.fsencode(carpeta), IN_OPEN | IN_CREATE | IN_ONLYDIR)
        if wd < 0:
            self.a_ciegas = "no se pudo vigilar %s: %s" % (carpeta, os.strerror(ctypes.get_errno()))
            return
        self.lab_de[wd] = (lab, carpeta)

    def vigilar_arbol(self, raiz, lab):
        for carpeta, subcarpetas, _ in os.walk(raiz):
            if os.path.basename(carpeta) == "hostiles" and carpeta.endswith(".calificador/hostiles"):
                subcarpetas[:] = []
                continue
            self.vigilar(carpeta, lab)

    def leer(self):
        while True:
            try:
                datos = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return
            i = 0
            while i + CABECERA.size <= len(datos):
                wd, mascara, _, largo = CABECERA.unpack_from(datos, i)
                nombre = datos[i + CABECERA.size : i + CABECERA.size + largo].rstrip(b"\0")
                i += CABECERA.size + largo
                if mascara & IN_Q_OVERFLOW:
                    self.a_ciegas = "la cola de inotify se desbordó"
                    continue
                if wd not in self.lab_de:
                    continue
                lab, carpeta = self.lab_de[wd]
                if mascara & IN_CREATE and mascara & IN_ISDIR and nombre:
                    self.vigilar_arbol(os.path.join(carpeta, os.fsdecode(nombre)), lab)
                elif mascara & IN_OPEN and not mascara & IN_ISDIR:
                    self.tocados.add(lab)


def escribir(salida, lineas):
    with open(salida, "w", encoding="utf-8") as f:
        f.write("".join(l + "\n" for l in lineas))


def main():
    if len(sys.argv) < 3:
        sys.stderr.write("uso: labs-tocados.py SALIDA ORDEN [ARGUMENTO…]\n")
        return 2
    salida, orden = sys.argv[1], sys.argv[2:]
    raiz = os.getcwd()
    vigia = None
    try:
        vigia = Vigia()
        for arbol in ("labs", "solutions", os.path.join("build", "labs")):
            base = os.path.join(raiz, arbol)
            if not os.path.isdir(base):
                continue
            for lab in sorted(os.listdir(base)):
                if lab[:2].isdigit() and lab[2:3] == "-" and os.path.isdir(os.path.join(base, lab)):
                    vigia.vigilar_arbol(os.path.join(base, lab), lab)
    except OSError as e:
        vigia = None
        sys.stderr.write("labs-tocados.py: sin medir (%s): la parte contará como de todos\n" % e)
    # Ctrl+C llega también a la orden (el mismo grupo): aquí solo se espera a que acabe.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        hijo = subprocess.Popen(orden, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    except OSError as e:
        sys.stderr.write("labs-tocados.py: no se pudo ejecutar %s: %s\n" % (orden[0], e.strerror))
        escribir(salida, [])
        return 127
    # Pase lo que pase al medir, se espera a la orden: quien llama no debe seguir con ella viva.
    midiendo = vigia is not None
    while hijo.poll() is None:
        if midiendo:
            try:
                select.select([vigia.fd], [], [], 0.5)
                vigia.leer()
            except Exception as e:  # noqa: BLE001 — cualquier fallo al medir: todos
                vigia.a_ciegas = "falló la lectura de inotify (%s)" % e
                midiendo = False
        else:
            try:
                hijo.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
    if midiendo:
        try:
            vigia.leer()
        except Exception as e:  # noqa: BLE001
            vigia.a_ciegas = "falló la lectura de inotify (%s)" % e
    if vigia is None or vigia.a_ciegas:
        if vigia is not None:
            sys.stderr.write("labs-tocados.py: %s: la parte contará como de todos\n" % vigia.a_ciegas)
        lineas = ["todos"]
    else:
        lineas = sorted(vigia.tocados)
    escribir(salida, lineas)
    return hijo.returncode if hijo.returncode >= 0 else 128 - hijo.returncode


if __name__ == "__main__":
    sys.exit(main())
