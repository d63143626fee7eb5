#!/usr/bin/env python3
"""notas.py — juzga los results.json de la suite de plataformas.

    notas.py soluciones A.json [partidas B.json] [laboratorios N]

«soluciones»: cada laboratorio al 100 %; «partidas»: cada uno ≤ 20 % (lo que exige
prueba-labs). «laboratorios N»: deben aparecer N laboratorios (por omisión, los que haya).
«otra C.json» (tras unas soluciones): un laboratorio que no llegó al 100 % cuenta como bien si
en C.json, calificado otra vez al final de la fila, sí llega; la línea dice las dos notas (la
regla de prueba-mutantes: con otras filas al lado, la carga puede tumbar una verificación
de tiempos; la tolerancia no cambia).
Imprime una línea por laboratorio y sale con 1 si algo no cumple o el JSON no es válido
(los campos de Gradescope: score, tests[] con score, max_score y status)."""
import json
import sys


def labs_de(ruta):
    d = json.load(open(ruta, encoding="utf-8"))
    assert isinstance(d.get("score"), (int, float)), "sin score"
    assert isinstance(d.get("tests"), list) and d["tests"], "sin tests"
    labs = {}
    for t in d["tests"]:
        for k in ("name", "score", "max_score", "status"):
            assert k in t, "una prueba sin " + k
        lab = t.get("extra_data", {}).get("lab", "?")
        p, m = labs.get(lab, (0, 0))
        labs[lab] = (p + t["score"], m + t["max_score"])
    return labs


args = sys.argv[1:]
mal = 0
esperados = None
pares = []
otras = {}
while args:
    clave, valor = args[0], args[1]
    args = args[2:]
    if clave == "laboratorios":
        esperados = int(valor)
    elif clave == "otra":
        try:
            otras.update(labs_de(valor))
        except Exception as e:
            print("✘ otra: results.json inválido (%s): %s" % (valor, e))
            mal = 1
    else:
        pares.append((clave, valor))
for clave, ruta in pares:
    try:
        labs = labs_de(ruta)
    except Exception as e:  # JSON inválido o sin los campos: la fila falla
        print("✘ %s: results.json inválido (%s): %s" % (clave, ruta, e))
        mal = 1
        continue
    if esperados is not None and len(labs) != esperados:
        print("✘ %s: %d laboratorios, se esperaban %d" % (clave, len(labs), esperados))
        mal = 1
    for lab, (p, m) in sorted(labs.items()):
        pct = 100.0 * p / m if m else 0
        ok = pct == 100 if clave == "soluciones" else pct <= 20
        otra = ""
        if not ok and clave == "soluciones" and lab in otras:
            p2, m2 = otras[lab]
            ok = m2 > 0 and p2 == m2
            otra = "; otra vez, al final de la fila: %g/%g" % (p2, m2)
        print("%s %s lab %s: %g/%g (%.0f %%)%s" % ("✔" if ok else "✘", clave, lab, p, m, pct, otra))
        mal |= not ok
sys.exit(1 if mal else 0)
