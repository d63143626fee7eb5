"""en_terminal.py ORDEN…: ejecuta ORDEN con una terminal propia y la imprime.

ORDEN corre como lo haría en una ventana: con un pty nuevo como su terminal de control (su
sesión, su entrada, su salida). Lo que ORDEN escribe en él sale por nuestra stdout al terminar;
el código de salida es el de ORDEN. Así prueba-autograder califica «desde una terminal» también
en el CI, que no tiene ninguna (hostiles/inyecta_terminal.c).
"""
import os
import pty
import sys

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
salida = b""
while True:
    try:
        trozo = os.read(fd, 4096)
    except OSError:  # EIO: el otro lado se cerró
        break
    if not trozo:
        break
    salida += trozo
_, estado = os.waitpid(pid, 0)
sys.stdout.write(salida.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(estado))
