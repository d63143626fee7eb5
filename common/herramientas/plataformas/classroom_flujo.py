#!/usr/bin/env python3
"""classroom_flujo.py — ejecuta un flujo de trabajo de GitHub Actions (el classroom.yml de
«make classroom») como lo haría un runner con un trabajo en contenedor, sin GitHub: para la
fila classroom de la suite de plataformas (classroom.sh).

    classroom_flujo.py imagen FLUJO
        escribe la imagen de contenedor que pide el trabajo (jobs.<único>.container.image)
    classroom_flujo.py ejecutar FLUJO --contenedor NOMBRE --raiz DIR --repo NOMBRE
        --estudiante GIT --privado NOMBRE=GIT --var K=V --secreto K=V --artefactos DIR
        --informe SALIDA.json [--actor USUARIO]

El contenedor ya está en marcha (classroom.sh lo arranca con la imagen que dice «imagen» y DIR
montada en /__w, como el runner). Cada paso se ejecuta en orden, con su «if», como GitHub:

  run:     el guion en /__w/_temp/NOMBRE.sh con el intérprete de «shell» (bash: «bash
           --noprofile --norc -eo pipefail ARCHIVO»), en el espacio de trabajo
           /__w/REPO/REPO, con el entorno del trabajo y del paso, las variables GITHUB_* que
           usa el flujo y los archivos GITHUB_OUTPUT, GITHUB_ENV y GITHUB_STEP_SUMMARY; de su
           salida se leen las órdenes de flujo de trabajo («::notice …», «::error …»,
           «::set-output …», «::stop-commands::CLAVE» … «::CLAVE::»);
  uses:    las acciones que el flujo usa, imitadas según su código (no se descargan):
    actions/checkout@v4   el repositorio (por omisión el del estudiante; «repository»: uno de
                          --privado, que exige «token» igual al secreto que se dio para él: si
                          no, falla como GitHub, «Not Found») en «path», sin .git (en un
                          contenedor sin git, checkout baja el contenido con la API);
    classroom-resources/autograding-command-grader@v1   src/main.js: «setup-command» y
                          «command» con /bin/sh -c, en el espacio de trabajo, con SOLO PATH,
                          HOME, FORCE_COLOR y DOTNET_* en el entorno, «timeout» en minutos;
                          sale con 0 → pass y «max-score» puntos; si no, fail (o error si se
                          agotó el tiempo); la salida «result» es el JSON en base64;
    classroom-resources/autograding-grading-reporter@v1   src/main.js y notify-classroom.js:
                          «runners», y de cada uno la variable <ID>_RESULTS del entorno del paso;
                          suma los puntos de los que tienen max_score y deja las anotaciones
                          «Autograding complete» (Points N/M) y «Autograding report»; falla el
                          paso si alguno es fail o error;
    actions/upload-artifact@v4   copia «path» a --artefactos/«name».
  Otra acción, o una expresión ${{ }} que no sea un contexto (secrets, vars, steps, github,
  env) ni las funciones de estado en un «if», es un error: la fila falla.

El informe (--informe) es JSON: cada paso (nombre, id, conclusión, segundos, registro), las
anotaciones con el paso que las dejó, las salidas y la conclusión del trabajo.
"""
import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import time

import yaml

PATH_IMAGEN = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
ORDEN = re.compile(r"^::([A-Za-z][\w-]*)(?: ([^:]*))?::(.*)$")


class ErrorFlujo(Exception):
    """El flujo usa algo que esta imitación no sabe hacer."""


def cargar(ruta):
    with open(ruta, encoding="utf-8") as f:
        flujo = yaml.safe_load(f)
    trabajos = flujo.get("jobs") or {}
    if len(trabajos) != 1:
        raise ErrorFlujo(f"el flujo tiene {len(trabajos)} trabajos (se espera uno)")
    (nombre, trabajo), = trabajos.items()
    return flujo, nombre, trabajo


def imagen(trabajo):
    c = trabajo.get("container")
    if isinstance(c, str):
        return c
    if isinstance(c, dict) and c.get("image"):
        return c["image"]
    raise ErrorFlujo("el trabajo no corre en un contenedor (jobs.*.container.image)")


class Runner:
    def __init__(self, a, flujo, trabajo):
        self.a = a
        self.flujo = flujo
        self.trabajo = trabajo
        self.repo = a.repo
        self.dentro_ws = f"/__w/{a.repo}/{a.repo}"
        self.fuera_ws = os.path.join(a.raiz, a.repo, a.repo)
        self.fuera_temp = os.path.join(a.raiz, "_temp")
        os.makedirs(self.fuera_ws, exist_ok=True)
        os.makedirs(os.path.join(self.fuera_temp, "_runner_file_commands"), exist_ok=True)
        os.makedirs(os.path.join(a.raiz, "_home"), exist_ok=True)
        self.vars = dict(kv.split("=", 1) for kv in a.var)
        self.secretos = dict(kv.split("=", 1) for kv in a.secreto)
        self.privados = dict(kv.split("=", 1) for kv in a.privado)
        self.salidas = {}
        self.avisos = []
        self.pasos = []
        self.entorno_extra = {}
        self.estado = "success"
        self.github = {
            "actor": a.actor, "repository": f"clase/{a.repo}", "workspace": self.dentro_ws,
            "server_url": "https://github.com", "event_name": "push", "ref": "refs/heads/main",
            "job": "", "token": "token-de-github-del-trabajo",
        }

    # --- expresiones ---------------------------------------------------------------
    def contexto(self, expr):
        partes = expr.split(".")
        raiz = partes[0]
        if raiz == "secrets" and len(partes) == 2:
            return self.secretos.get(partes[1], "")
        if raiz == "vars" and len(partes) == 2:
            return self.vars.get(partes[1], "")
        if raiz == "github" and len(partes) == 2:
            return self.github.get(partes[1], "")
        if raiz == "env" and len(partes) == 2:
            return self.entorno_base().get(partes[1], "")
        if raiz == "steps" and len(partes) == 4 and partes[2] == "outputs":
            return self.salidas.get(partes[1], {}).get(partes[3], "")
        if raiz == "steps" and len(partes) == 3 and partes[2] in ("outcome", "conclusion"):
            for p in self.pasos:
                if p["id"] == partes[1]:
                    return p["conclusion"]
            return ""
        raise ErrorFlujo(f"expresión no imitada: ${{{{ {expr} }}}}")

    def sustituir(self, valor):
        if valor is None:
            return ""
        if not isinstance(valor, str):
            return str(valor).lower() if isinstance(valor, bool) else str(valor)
        return EXPR.sub(lambda m: self.contexto(m.group(1)), valor)

    def condicion(self, cond, por_omision="success()"):
        c = (cond if cond is not None else por_omision)
        if isinstance(c, bool):
            return c
        c = str(c).strip()
        m = EXPR.fullmatch(c)
        if m:
            c = m.group(1)
        if c == "always()":
            return True
        if c == "success()":
            return self.estado == "success"
        if c == "failure()":
            return self.estado == "failure"
        if c == "cancelled()":
            return False
        m = re.fullmatch(r"([\w.\-]+)\s*(==|!=)\s*'([^']*)'", c)
        if m:
            v = self.contexto(m.group(1))
            igual = v.lower() == m.group(3).lower()
            return (igual if m.group(2) == "==" else not igual) and self.estado == "success"
        raise ErrorFlujo(f"condición no imitada: {c}")

    # --- el contenedor ------------------------------------------------------------------
    def entorno_base(self):
        e = {"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": self.dentro_ws,
             "GITHUB_ACTOR": self.a.actor, "GITHUB_REPOSITORY": f"clase/{self.repo}",
             "GITHUB_EVENT_NAME": "push", "GITHUB_SERVER_URL": "https://github.com",
             "RUNNER_TEMP": "/__w/_temp", "RUNNER_OS": "Linux", "HOME": "/github/home"}
        for k, v in (self.flujo.get("env") or {}).items():
            e[k] = self.sustituir(v)
        for k, v in (self.trabajo.get("env") or {}).items():
            e[k] = self.sustituir(v)
        e.update(self.entorno_extra)
        return e

    def ejecutar(self, orden, entorno, cwd, limite):
        """`podman exec` en el contenedor; devuelve (código, salida) o (None, salida) si se
        agotó el tiempo."""
        pod = ["podman", "--runtime", "runc", "--cgroup-manager=cgroupfs", "exec", "-w", cwd]
        for k, v in entorno.items():
            pod += ["-e", f"{k}={v}"]
        pod += [self.a.contenedor] + orden
        try:
            r = subprocess.run(pod, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=limite, check=False)
            return r.returncode, r.stdout.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as e:
            return None, (e.stdout or b"").decode("utf-8", "replace")

    def leer_ordenes(self, paso, salida, sal):
        """Las órdenes de flujo de trabajo de la salida de un paso, como el runner."""
        parada = None
        for linea in salida.split("\n"):
            linea = linea.rstrip("\r")
            if parada is not None:
                if linea == f"::{parada}::":
                    parada = None
                continue
            m = ORDEN.match(linea)
            if not m:
                continue
            orden, props, texto = m.group(1), m.group(2) or "", m.group(3)
            if orden == "stop-commands":
                parada = texto
            elif orden in ("notice", "warning", "error"):
                titulo = ""
                for p in props.split(","):
                    if p.strip().startswith("title="):
                        titulo = p.strip()[len("title="):]
                self.avisos.append({"paso": paso, "tipo": orden, "titulo": titulo, "texto": texto})
            elif orden == "set-output":
                nombre = props.strip()[len("name="):] if props.strip().startswith("name=") else ""
                if nombre:
                    sal[nombre] = texto

    # --- los pasos ----------------------------------------------------------------------
    def paso_run(self, paso, entorno, n):
        shell = paso.get("shell") or (self.flujo.get("defaults") or {}).get("run", {}).get("shell") or \
            (self.trabajo.get("defaults") or {}).get("run", {}).get("shell") or "bash"
        if shell != "bash":
            raise ErrorFlujo(f"shell no imitado: {shell}")
        guion = f"paso{n}.sh"
        with open(os.path.join(self.fuera_temp, guion), "w", encoding="utf-8") as f:
            f.write(self.sustituir(paso["run"]))
        archivos = {}
        for k in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_STEP_SUMMARY"):
            nombre = f"_runner_file_commands/{k.lower()}_{n}"
            open(os.path.join(self.fuera_temp, nombre), "w").close()
            archivos[k] = nombre
            entorno[k] = f"/__w/_temp/{nombre}"
        cwd = self.dentro_ws
        if paso.get("working-directory"):
            cwd = os.path.join(self.dentro_ws, self.sustituir(paso["working-directory"]))
        limite = float(paso.get("timeout-minutes", 360)) * 60
        rc, salida = self.ejecutar(["bash", "--noprofile", "--norc", "-eo", "pipefail",
                                    f"/__w/_temp/{guion}"], entorno, cwd, limite)
        sal = {}
        self.leer_ordenes(paso.get("name", ""), salida, sal)
        sal.update(leer_salidas(os.path.join(self.fuera_temp, archivos["GITHUB_OUTPUT"])))
        self.entorno_extra.update(leer_salidas(os.path.join(self.fuera_temp, archivos["GITHUB_ENV"])))
        return rc == 0, salida, sal

    def paso_checkout(self, con, entorno):
        repo = self.sustituir(con.get("repository")) or f"clase/{self.repo}"
        ruta = self.sustituir(con.get("path")) or "."
        destino = os.path.normpath(os.path.join(self.fuera_ws, ruta))
        if not destino.startswith(self.fuera_ws):
            return False, f"path fuera del espacio de trabajo: {ruta}\n", {}
        if repo == f"clase/{self.repo}":
            origen = self.a.estudiante
        else:
            origen = self.privados.get(repo)
            if origen is None:
                return False, f"Error: Repository not found: {repo} (no es uno de los privados de la prueba)\n", {}
            token = self.sustituir(con.get("token"))
            esperado = self.secretos.get(self.a.secreto_de.get(repo, ""), None)
            if not token or token != esperado:
                return False, f"Error: Not Found - {repo} (el token no es el del secreto)\n", {}
        if os.path.isdir(destino) and ruta != ".":
            shutil.rmtree(destino)
        os.makedirs(destino, exist_ok=True)
        archivo = subprocess.run(["git", "-C", origen, "archive", "--format=tar", "HEAD"],
                                 stdout=subprocess.PIPE, check=False)
        if archivo.returncode != 0:
            return False, f"Error: no se pudo leer {repo}\n", {}
        subprocess.run(["tar", "-x", "-C", destino], input=archivo.stdout, check=True)
        return True, f"{repo} en {ruta} (sin .git: el contenedor no tiene git, como la API de GitHub)\n", {}

    def paso_command_grader(self, con):
        nombre = self.sustituir(con.get("test-name"))
        preparar = self.sustituir(con.get("setup-command"))
        orden = self.sustituir(con.get("command"))
        if not nombre or not orden:
            raise ErrorFlujo("autograding-command-grader sin test-name o command")
        limite = float(self.sustituir(con.get("timeout")) or 10) * 60
        texto_max = self.sustituir(con.get("max-score")) or "0"
        m = re.match(r"\s*[+-]?\d+", texto_max)
        maximo = int(m.group(0)) if m else 0
        # src/main.js: el entorno es SOLO este (no el del paso ni el del trabajo).
        entorno = {"PATH": PATH_IMAGEN, "FORCE_COLOR": "true", "DOTNET_CLI_HOME": "/tmp",
                   "DOTNET_NOLOGO": "true", "HOME": "/github/home"}
        registro = ""
        estado = "pass"
        inicio = time.time()
        for o in ([preparar] if preparar else []) + [orden]:
            rc, salida = self.ejecutar(["/bin/sh", "-c", o], entorno, self.dentro_ws, limite)
            registro += salida
            if rc is None:
                estado, mensaje = "error", "Command timed out"
                break
            if rc != 0:
                estado, mensaje = "fail", "failed with exit code 1"
                break
        duracion = int((time.time() - inicio) * 1000)
        resultado = {"version": 1, "status": estado, "max_score": maximo, "tests": [{
            "name": nombre, "status": estado, "score": maximo if estado == "pass" else 0,
            "message": "" if estado == "pass" else mensaje, "test_code": orden, "filename": "",
            "line_no": 0, "duration": duracion}]}
        sal = {"result": base64.b64encode(json.dumps(resultado).encode()).decode()}
        return True, registro, sal

    def paso_reporter(self, con, entorno):
        runners = self.sustituir(con.get("runners")).split(",")
        resultados = []
        for r in runners:
            codificado = entorno.get(f"{r.strip().upper()}_RESULTS")
            if codificado is None:
                return False, f"Error: falta {r.strip().upper()}_RESULTS\n", {}
            try:
                resultados.append(json.loads(base64.b64decode(codificado).decode("utf-8")))
            except ValueError as e:
                return False, f"Error: {r}: {e}\n", {}
        total = maximo = 0
        for res in resultados:
            if not res.get("max_score"):
                continue
            maximo += res["max_score"]
            total += sum(t.get("score", 0) for t in res.get("tests", []))
        registro = "".join(f"{r}: {res['tests'][0]['score']}/{res['max_score']}\n"
                           for r, res in zip(runners, resultados))
        if maximo:
            self.avisos.append({"paso": "(reporter)", "tipo": "notice", "titulo": "Autograding complete",
                                "texto": f"Points {total}/{maximo}", "reporter": True})
            self.avisos.append({"paso": "(reporter)", "tipo": "notice", "titulo": "Autograding report",
                                "texto": json.dumps({"totalPoints": total, "maxPoints": maximo},
                                                   separators=(",", ":")),
                                "reporter": True})
        ok = not any(r.get("status") in ("fail", "error") for r in resultados)
        return ok, registro, {}

    def paso_artefacto(self, con):
        """Una ruta o varias (una por línea); con varias, como upload-artifact, las rutas del
        artefacto son relativas a la carpeta que tienen en común."""
        nombre = self.sustituir(con.get("name")) or "artifact"
        rutas = [r.strip() for r in self.sustituir(con.get("path")).split("\n") if r.strip()]
        origenes = [os.path.normpath(os.path.join(self.fuera_ws, r)) for r in rutas]
        hay = [o for o in origenes if os.path.exists(o)]
        destino = os.path.join(self.a.artefactos, nombre)
        shutil.rmtree(destino, ignore_errors=True)
        if not hay:
            aviso = self.sustituir(con.get("if-no-files-found")) or "warn"
            return aviso != "error", f"No files were found with the provided path: {rutas}\n", {}
        if len(hay) == 1 and os.path.isdir(hay[0]):
            shutil.copytree(hay[0], destino, symlinks=True)
        else:
            base = os.path.commonpath([os.path.dirname(o) for o in hay])
            for o in hay:
                d = os.path.join(destino, os.path.relpath(o, base))
                os.makedirs(os.path.dirname(d), exist_ok=True)
                if os.path.isdir(o):
                    shutil.copytree(o, d, symlinks=True)
                else:
                    shutil.copy(o, d)
        return True, f"artefacto {nombre}: {len(hay)} de {len(rutas)} rutas\n", {}

    def correr(self):
        inicio_trabajo = time.time()
        tope = float(self.trabajo.get("timeout-minutes", 360)) * 60
        if not self.condicion(self.trabajo.get("if"), "success()"):
            return {"conclusion": "skipped", "pasos": [], "avisos": []}
        for n, paso in enumerate(self.trabajo.get("steps") or [], 1):
            nombre = paso.get("name") or paso.get("uses") or f"paso {n}"
            pid = paso.get("id") or f"__paso{n}"
            registro = {"nombre": nombre, "id": pid, "segundos": 0.0}
            if time.time() - inicio_trabajo > tope:
                self.estado = "failure"
                registro["conclusion"] = "cancelled (timeout-minutes del trabajo)"
                self.pasos.append(registro)
                continue
            if not self.condicion(paso.get("if")):
                registro["conclusion"] = "skipped"
                self.pasos.append(registro)
                continue
            entorno = self.entorno_base()
            for k, v in (paso.get("env") or {}).items():
                entorno[k] = self.sustituir(v)
            con = paso.get("with") or {}
            inicio = time.time()
            if "run" in paso:
                ok, salida, sal = self.paso_run(paso, entorno, n)
            else:
                uses = paso.get("uses", "")
                accion = uses.split("@")[0]
                if accion == "actions/checkout":
                    ok, salida, sal = self.paso_checkout(con, entorno)
                elif accion == "classroom-resources/autograding-command-grader":
                    ok, salida, sal = self.paso_command_grader(con)
                    self.leer_ordenes(nombre, salida, sal)
                elif accion == "classroom-resources/autograding-grading-reporter":
                    ok, salida, sal = self.paso_reporter(con, entorno)
                elif accion == "actions/upload-artifact":
                    ok, salida, sal = self.paso_artefacto(con)
                else:
                    raise ErrorFlujo(f"acción no imitada: {uses}")
            registro["segundos"] = round(time.time() - inicio, 1)
            registro["conclusion"] = "success" if ok else "failure"
            registro["registro"] = salida[-20000:]
            if paso.get("id"):
                self.salidas[paso["id"]] = sal
            if not ok and not paso.get("continue-on-error"):
                self.estado = "failure"
            self.pasos.append(registro)
        return {"conclusion": self.estado, "pasos": self.pasos, "avisos": self.avisos,
                "salidas": self.salidas, "segundos": round(time.time() - inicio_trabajo, 1)}


def leer_salidas(ruta):
    """name=valor y name<<FIN … FIN, como GITHUB_OUTPUT y GITHUB_ENV."""
    r = {}
    try:
        lineas = open(ruta, encoding="utf-8", errors="replace").read().split("\n")
    except OSError:
        return r
    i = 0
    while i < len(lineas):
        l = lineas[i]
        m = re.match(r"^([^=<]+)<<(.+)$", l)
        if m:
            fin, valor = m.group(2), []
            i += 1
            while i < len(lineas) and lineas[i] != fin:
                valor.append(lineas[i])
                i += 1
            r[m.group(1)] = "\n".join(valor)
        elif "=" in l:
            k, v = l.split("=", 1)
            r[k] = v
        i += 1
    return r


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "imagen":
        try:
            print(imagen(cargar(sys.argv[2])[2]))
        except (ErrorFlujo, OSError, yaml.YAMLError) as e:
            print(f"classroom_flujo: {e}", file=sys.stderr)
            return 1
        return 0
    p = argparse.ArgumentParser()
    p.add_argument("orden", choices=["ejecutar"])
    p.add_argument("flujo")
    p.add_argument("--contenedor", required=True)
    p.add_argument("--raiz", required=True)
    p.add_argument("--repo", required=True)
    p.add_argument("--estudiante", required=True)
    p.add_argument("--privado", action="append", default=[], help="org/nombre=carpeta git")
    p.add_argument("--secreto-de", action="append", default=[], help="org/nombre=SECRETO")
    p.add_argument("--var", action="append", default=[])
    p.add_argument("--secreto", action="append", default=[])
    p.add_argument("--artefactos", required=True)
    p.add_argument("--informe", required=True)
    p.add_argument("--actor", default="estudiante-de-prueba")
    a = p.parse_args()
    a.secreto_de = dict(kv.split("=", 1) for kv in a.secreto_de)
    try:
        flujo, _, trabajo = cargar(a.flujo)
        informe = Runner(a, flujo, trabajo).correr()
    except (ErrorFlujo, OSError, yaml.YAMLError) as e:
        informe = {"conclusion": "error", "error": str(e), "pasos": [], "avisos": []}
    with open(a.informe, "w", encoding="utf-8") as f:
        json.dump(informe, f, ensure_ascii=False, indent=1)
    print(f"trabajo: {informe['conclusion']}" + (f" ({informe['error']})" if "error" in informe else ""))
    return 0 if informe["conclusion"] != "error" else 1


if __name__ == "__main__":
    sys.exit(main())
