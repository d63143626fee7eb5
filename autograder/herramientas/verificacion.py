#!/usr/bin/env python3
"""verificacion.py RESULTS ID — ¿aprobó la verificación ID, con todos sus puntos, en RESULTS (el
results.json que deja «make grade»)? Sale con 0 si sí y con 1 si no (o si no está, o el informe
no se lee), y escribe una línea que lo dice.

Lo usa el flujo de trabajo de GitHub Classroom («make classroom LAB=NN»): un paso
autograding-command-grader por verificación, que da sus puntos si la orden sale con 0. Los
puntos de una verificación no se reparten: o todos o ninguno, como en el informe. Un
laboratorio que no se califica (medios prohibidos) tiene la nota a 0 y ninguna verificación
con puntos: aquí no aprueba ninguna.
"""
import json
import sys


def main():
    if len(sys.argv) != 3:
        print("uso: verificacion.py RESULTS ID", file=sys.stderr)
        return 2
    ruta, ident = sys.argv[1], sys.argv[2]
    try:
        with open(ruta, encoding="utf-8") as f:
            informe = json.load(f)
        pruebas = informe["tests"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"✘ {ident}: no se puede leer el informe {ruta} ({e})")
        return 1
    for t in pruebas:
        if not isinstance(t, dict) or t.get("extra_data", {}).get("id") != ident:
            continue
        try:
            puntos, maximo = float(t.get("score", 0)), float(t.get("max_score", 0))
        except (TypeError, ValueError):
            puntos, maximo = 0.0, 1.0
        nombre = str(t.get("name", ident))
        if t.get("status") == "passed" and maximo > 0 and puntos >= maximo:
            print(f"✔ {nombre}: {puntos:g}/{maximo:g}")
            return 0
        print(f"✘ {nombre}: {puntos:g}/{maximo:g} (el detalle, en el informe del paso «Calificar»)")
        return 1
    print(f"✘ {ident}: no está en el informe")
    return 1


if __name__ == "__main__":
    sys.exit(main())
