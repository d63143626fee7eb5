#!/usr/bin/env python3
"""similitud.py — entregas sospechosamente parecidas de una clase, con sim_c (paquete
similarity-tester de Debian, hecho para esto: compara por símbolos del lenguaje, así que
cambiar nombres, espacios o comentarios no esconde una copia). Lo llama clase.sh después de
calificar; escribe similitud.txt en --salida y lo resume hojas.py en resumen.txt.

    similitud.py --salida build/clase/07-monitor-web --partida labs/07-monitor-web/monitor.c
                 [--umbral 80] -- alumno…

Lee alumnos/<alumno>/entrega/*.c (lo que recogió el ejecutor). Un par sale si uno de los dos
está hecho en un --umbral % o más del material del otro, salvo que lo que comparten sea el
programa de partida (los dos siguen siendo casi la partida). Nunca es una nota: es una lista
para mirar a mano (dos soluciones cortas y correctas pueden parecerse de verdad).
Sale con 0; si no hay sim_c, lo dice en similitud.txt.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

LINEA = re.compile(r"^(\d+)\.c consists for (\d+) % of (\d+)\.c material$")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--salida", required=True)
    p.add_argument("--partida", action="append", default=[])
    p.add_argument("--umbral", type=int, default=80)
    p.add_argument("alumnos", nargs="*")
    a = p.parse_args()
    destino = os.path.join(a.salida, "similitud.txt")
    sim = shutil.which("sim_c")
    if sim is None:
        open(destino, "w", encoding="utf-8").write(
            "Sin sim_c (paquete similarity-tester): no se buscaron entregas parecidas.\n")
        return 0
    tmp = tempfile.mkdtemp(prefix="similitud.")
    try:
        nombres = []  # índice → alumno (0 = la partida)
        with open(os.path.join(tmp, "0.c"), "w", encoding="utf-8", errors="replace") as f:
            for ruta in a.partida:
                f.write(open(ruta, encoding="utf-8", errors="replace").read())
        nombres.append(None)
        for alumno in a.alumnos:
            fuentes = sorted(glob.glob(os.path.join(a.salida, "alumnos", alumno, "entrega", "*.[ch]")))
            if not fuentes:
                continue
            i = len(nombres)
            with open(os.path.join(tmp, f"{i}.c"), "w", encoding="utf-8", errors="replace") as f:
                for ruta in fuentes:
                    f.write(open(ruta, encoding="utf-8", errors="replace").read() + "\n")
            nombres.append(alumno)
        archivos = [f"{i}.c" for i in range(len(nombres))]
        r = subprocess.run([sim, "-p", "-t", "20"] + archivos, cwd=tmp, capture_output=True,
                           text=True, timeout=300)
        pct = {}
        for linea in r.stdout.splitlines():
            m = LINEA.match(linea.strip())
            if m:
                x, porc, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
                pct[(x, y)] = max(pct.get((x, y), 0), porc)
        de_partida = {i: pct.get((i, 0), 0) for i in range(1, len(nombres))}
        pares = {}
        for (x, y), porc in pct.items():
            if x == 0 or y == 0 or porc < a.umbral:
                continue
            if de_partida[x] >= a.umbral and de_partida[y] >= a.umbral:
                continue  # los dos son casi la partida: se parecen por eso
            clave = tuple(sorted((x, y)))
            pares[clave] = max(pares.get(clave, 0), porc)
        # Grupos: componentes conexas de los pares.
        grupo = {}
        for x, y in pares:
            gx, gy = grupo.get(x, {x}), grupo.get(y, {y})
            g = gx | gy
            for k in g:
                grupo[k] = g
        grupos = []
        for g in {frozenset(g) for g in grupo.values()}:
            grupos.append(sorted(nombres[k] for k in g))
        grupos.sort()
        lineas = [f"Entregas parecidas (sim_c, umbral {a.umbral} %; entre {len(nombres) - 1} entregas "
                  "con código). No es una nota: míralas a mano."]
        if not grupos:
            lineas.append("  Ninguna.")
        for g in grupos:
            lineas.append(f"  Grupo de {len(g)}: " + ", ".join(g))
        for (x, y), porc in sorted(pares.items(), key=lambda t: (-t[1], t[0])):
            lineas.append(f"    {nombres[x]} ↔ {nombres[y]}: {porc} %")
        open(destino, "w", encoding="utf-8").write("\n".join(lineas) + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
