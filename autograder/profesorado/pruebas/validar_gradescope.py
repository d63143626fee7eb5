#!/usr/bin/env python3
"""validar_gradescope.py results.json — comprueba que un results.json cumple el formato que
documenta Gradescope («Autograder Specifications», results.json): solo campos conocidos, con
sus tipos y valores permitidos, y que la nota cuadre con las pruebas. Sale con 1 y dice qué
falla; con 0 imprime «score max_score».
"""
import json
import sys

ARRIBA = {"score", "execution_time", "output", "output_format", "test_output_format",
          "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
          "leaderboard"}
PRUEBA = {"score", "max_score", "status", "name", "name_format", "number", "output",
          "output_format", "tags", "visibility", "extra_data"}
VISIBILIDAD = {"hidden", "after_due_date", "after_published", "visible"}
FORMATOS = {"text", "html", "simple_format", "md", "ansi"}


def numero(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def validar(d):
    fallos = []
    if not isinstance(d, dict):
        return ["no es un objeto JSON"]
    fallos += [f"campo desconocido arriba: {k}" for k in d if k not in ARRIBA]
    if not numero(d.get("score")):
        fallos.append("score debe ser un número")
    if "execution_time" in d and not numero(d["execution_time"]):
        fallos.append("execution_time debe ser un número (segundos)")
    for k in ("output",):
        if k in d and not isinstance(d[k], str):
            fallos.append(f"{k} debe ser texto")
    for k in ("visibility", "stdout_visibility"):
        if k in d and d[k] not in VISIBILIDAD:
            fallos.append(f"{k}={d[k]!r} no es uno de {sorted(VISIBILIDAD)}")
    for k in ("output_format", "test_output_format", "test_name_format"):
        if k in d and d[k] not in FORMATOS:
            fallos.append(f"{k}={d[k]!r} no es un formato válido")
    if "extra_data" in d and not isinstance(d["extra_data"], dict):
        fallos.append("extra_data debe ser un objeto")
    pruebas = d.get("tests", [])
    if not isinstance(pruebas, list):
        return fallos + ["tests debe ser una lista"]
    suma = 0
    for i, t in enumerate(pruebas):
        donde = f"tests[{i}]"
        if not isinstance(t, dict):
            fallos.append(f"{donde} no es un objeto")
            continue
        fallos += [f"{donde}: campo desconocido {k}" for k in t if k not in PRUEBA]
        if not isinstance(t.get("name"), str) or not t["name"]:
            fallos.append(f"{donde}: sin name")
        for k in ("score", "max_score"):
            if k in t and not numero(t[k]):
                fallos.append(f"{donde}: {k} debe ser un número")
        if numero(t.get("score")) and numero(t.get("max_score")) and t["score"] > t["max_score"]:
            fallos.append(f"{donde}: score > max_score")
        if "status" in t and t["status"] not in ("passed", "failed"):
            fallos.append(f"{donde}: status={t['status']!r}")
        if "visibility" in t and t["visibility"] not in VISIBILIDAD:
            fallos.append(f"{donde}: visibility={t['visibility']!r}")
        if "output" in t and not isinstance(t["output"], str):
            fallos.append(f"{donde}: output debe ser texto")
        if "tags" in t and not (isinstance(t["tags"], list) and all(isinstance(x, str) for x in t["tags"])):
            fallos.append(f"{donde}: tags debe ser una lista de textos")
        if "number" in t and not isinstance(t["number"], str):
            fallos.append(f"{donde}: number debe ser texto")
        suma += t.get("score", 0) if numero(t.get("score")) else 0
    if pruebas and numero(d.get("score")) and abs(suma - d["score"]) > 1e-9:
        fallos.append(f"score={d['score']} no es la suma de las pruebas ({suma})")
    return fallos


def main():
    try:
        d = json.load(open(sys.argv[1], encoding="utf-8"))
    except Exception as e:  # noqa: BLE001 — cualquier fallo de lectura es un fallo
        print(f"no se puede leer {sys.argv[1]}: {e}")
        return 1
    fallos = validar(d)
    if fallos:
        print("; ".join(fallos))
        return 1
    maximo = sum(t.get("max_score", 0) for t in d.get("tests", []))
    print(d["score"], maximo)
    return 0


if __name__ == "__main__":
    sys.exit(main())
