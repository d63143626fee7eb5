#!/usr/bin/env python3
"""vpl_calificar.py LAB — lo ejecuta vpl_execution en la jaula de VPL (Moodle), después de
vpl_evaluate.sh: califica .vpl/entrega/ con el ejecutor del curso (lo mismo que «make grade
LAB=NN ENTREGA=…»: misma caja, mismos límites, mismo informe) y escribe en stdout lo que VPL
lee de una evaluación:

  <|--                      los comentarios, en un bloque: una línea que empieza por «-» es un
  -título                   título (uno por verificación, con ✔/✘ y los puntos); las demás,
  texto                     su texto (el de la primera que falla, completo; de las demás, lo
  --|>                      obtenido en una línea)
  Grade :=>>N               la nota del laboratorio escalada a [VPL_GRADEMIN, VPL_GRADEMAX]

VPL se queda con la ÚLTIMA línea «Grade :=>>» de la salida (mod_vpl_submission::
find_proposedgrade), y esta es la última que se escribe. Lo que la entrega haya escrito y el
informe cite se limpia: ninguna línea suya cierra el bloque, abre otro ni parece una nota.

Todo lo que necesita (las variables de VPL, cómo compilar) se lee al arrancar, antes de que
corra nada de la entrega: la entrega corre con el mismo usuario y podría cambiar los archivos
después. Este archivo lo lee entero Python antes de ejecutar nada.
"""
import json
import os
import re
import subprocess
import sys

AQUI = os.getcwd()
VPL = os.path.join(AQUI, ".vpl")
CURSO = os.path.join(VPL, "curso")
SALIDA = os.path.join(VPL, "calificacion")
ENTREGA = os.path.join(VPL, "entrega")
# «make vpl HITO=B» pone aquí el hito hasta el que se califica (sobre 100); vacío: todo.
HITO = "@HITO@"


def variables_vpl():
    """VPL_GRADEMIN y VPL_GRADEMAX de vpl_environment.sh (la jaula no las pone en el entorno)."""
    v = {}
    try:
        with open(os.path.join(AQUI, "vpl_environment.sh"), encoding="utf-8", errors="replace") as f:
            for linea in f:
                m = re.match(r"\s*export\s+(VPL_GRADEMIN|VPL_GRADEMAX)=['\"]?([-0-9.]+)['\"]?\s*$", linea)
                if m:
                    v[m.group(1)] = m.group(2)
    except OSError:
        pass
    for k in ("VPL_GRADEMIN", "VPL_GRADEMAX"):
        if k in os.environ and k not in v:
            v[k] = os.environ[k]

    def num(k, omision):
        try:
            return float(v.get(k, omision))
        except ValueError:
            return omision
    minimo, maximo = num("VPL_GRADEMIN", 0.0), num("VPL_GRADEMAX", 10.0)
    if maximo <= minimo:
        minimo, maximo = 0.0, 10.0
    return minimo, maximo


def limpio(texto):
    """Una línea que VPL no confunda con sus marcas: ni fin ni principio de bloque, ni nota, ni
    comentario de una línea, ni título (las de la entrega nunca empiezan por «-»)."""
    texto = texto.replace("\r", "").replace("--|>", "-- |>").replace("<|--", "<| --")
    texto = re.sub(r":=>>", ": =>>", texto)
    return texto


def escribir_bloque(titulos):
    """titulos: [(título, [líneas])] → el bloque de comentarios de VPL."""
    print("<|--")
    for titulo, lineas in titulos:
        print("-" + limpio(titulo).replace("\n", " "))
        for l in lineas:
            for parte in limpio(l).split("\n"):
                print("  " + parte if parte.strip() else "")
    print("--|>")


def nota(minimo, maximo, puntos, total):
    """La nota con dos decimales como mucho y punto decimal (lo que lee VPL): 10, 0.4, 2.64."""
    n = minimo + (maximo - minimo) * (puntos / total if total > 0 else 0.0)
    return f"{n:.2f}".rstrip("0").rstrip(".")


def sin_calificar(motivo, minimo, detalle=""):
    titulos = [("No se pudo calificar", [motivo] + ([detalle] if detalle else []))]
    escribir_bloque(titulos)
    print(f"Grade :=>>{nota(minimo, minimo, 0, 0)}")
    sys.stdout.flush()
    sys.exit(0)


def resumen_obtenido(salida):
    """De las que fallan sin ser la primera, solo lo obtenido, en una línea (como la terminal)."""
    for l in salida.split("\n"):
        if l.startswith("Obtenido:"):
            t = l[len("Obtenido:"):].strip()
            return t if len(t) <= 110 else t[:110] + " …"
    return ""


def main():
    lab = sys.argv[1] if len(sys.argv) > 1 else ""
    minimo, maximo = variables_vpl()
    try:
        with open(os.path.join(VPL, "variables"), encoding="utf-8") as f:
            cc, cflags, libs = (f.read().split("\n") + ["", "", ""])[:3]
    except OSError:
        sin_calificar("falta .vpl/variables: vpl_evaluate.sh no terminó.", minimo)
    calificar = os.path.join(CURSO, "build", "bin", "calificar")
    if not os.access(calificar, os.X_OK):
        sin_calificar("el curso no está construido en la jaula (¿falló vpl_evaluate.sh?).", minimo)
    orden = [calificar, "--raiz", CURSO, "--construccion", os.path.join(CURSO, "build"),
             "--cc", cc or "cc", "--cflags", cflags, "--libs", libs, "--lab", lab,
             "--entrega", ENTREGA, "--salida", SALIDA] + (["--hito", HITO] if HITO else [])
    entorno = {k: v for k, v in os.environ.items() if not k.startswith("VPL_")}
    entorno.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    entorno["LANG"] = entorno["LC_ALL"] = "C.UTF-8"
    # Lo que escribe el ejecutor en la terminal, a un archivo (el informe va en results.json).
    with open(os.path.join(VPL, "terminal.txt"), "wb") as terminal:
        r = subprocess.run(orden, cwd=CURSO, env=entorno, stdin=subprocess.DEVNULL,
                           stdout=terminal, stderr=subprocess.STDOUT, check=False)
    try:
        with open(os.path.join(SALIDA, "results.json"), encoding="utf-8") as f:
            res = json.load(f)
        pruebas = res["tests"]
    except (OSError, ValueError, KeyError):
        with open(os.path.join(VPL, "terminal.txt"), encoding="utf-8", errors="replace") as f:
            cola = "\n".join(f.read().split("\n")[-20:])
        sin_calificar(f"el calificador terminó con el código {r.returncode} sin informe.", minimo, cola)
    puntos = sum(float(t.get("score", 0)) for t in pruebas)
    total = sum(float(t.get("max_score", 0)) for t in pruebas)
    pct = round(100 * puntos / total) if total > 0 else 0
    n = nota(minimo, maximo, puntos, total)
    general = [l for l in str(res.get("output", "")).split("\n") if l.strip()]
    titulos = [(f"Laboratorio {lab[:2]}: {puntos:g}/{total:g} puntos ({pct} %), nota {n} sobre {maximo:g}",
                general)]
    primera = True
    for t in pruebas:
        nombre = re.sub(r"^Lab \d+ · ", "", str(t.get("name", "")))
        ok = t.get("status") == "passed"
        p, m = float(t.get("score", 0)), float(t.get("max_score", 0))
        cuerpo = []
        salida = str(t.get("output", ""))
        if not ok and primera:
            cuerpo = ["↑ empieza por aquí"] + salida.split("\n")
            primera = False
        elif not ok:
            o = resumen_obtenido(salida)
            cuerpo = [f"Obtenido: {o}"] if o else []
        titulos.append((f"{'✔' if ok else '✘'} {p:g}/{m:g} {nombre}", cuerpo))
    if not primera:
        titulos.append(("El detalle de las demás", [
            "Lo mismo que «make grade LAB=%s DETALLE=1» en tu copia del curso." % lab[:2]]))
    escribir_bloque(titulos)
    print(f"Grade :=>>{n}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
