#!/usr/bin/env python3
"""flujo.py LAB.JSON CARPETA MINUTOS — escribe en stdout el flujo de trabajo de GitHub Actions
(.github/workflows/classroom.yml) del repositorio plantilla de GitHub Classroom del laboratorio
CARPETA. Lo llama classroom.sh («make classroom LAB=NN»).

El trabajo corre en un contenedor de Debian 12 (la imagen «debian:12», como root):
  1. la entrega: el repositorio del estudiante en entrega/ (actions/checkout, sin guardar la
     credencial en .git/config);
  2. el curso del profesorado en curso/: el repositorio privado que nombra la variable de la
     organización CURSO_CALIFICADOR («org/repositorio»), con el token del secreto de la
     organización CURSO_CALIFICADOR_TOKEN (solo lectura de ese repositorio). Lleva lo mismo
     que el zip de Gradescope: el curso sin soluciones ni lo del profesorado;
  3. los paquetes del perfil grade (dependencias.sh, el mismo de make grade y de Gradescope);
  4. el curso construido y calificado como «make grade LAB=NN ENTREGA=entrega/»: el informe en
     calificacion/ (informe.txt, results.json, junit.xml) y en el registro del paso;
  5. un paso classroom-resources/autograding-command-grader por verificación: su orden sale con
     0 si esa verificación aprobó en results.json (autograder/herramientas/verificacion.py) y
     el paso da sus puntos (max-score); el grader no pasa el entorno del paso a la orden (solo
     PATH y HOME) y la ejecuta en la carpeta del repositorio: por eso rutas relativas;
  6. classroom-resources/autograding-grading-reporter suma los pasos y da los puntos a
     Classroom (una anotación «Points N/M»); sus entradas: «runners», la lista de los id de los
     pasos, y una variable <ID>_RESULTS con la salida «result» de cada uno;
  7. el informe (informe.txt, results.json y junit.xml de calificacion/) como artefacto del
     trabajo (actions/upload-artifact), pase lo que pase.
Lo que el programa de la entrega escriba y el informe cite no se toma por una orden de flujo
de trabajo («::notice …»): el informe se imprime entre ::stop-commands:: y su cierre, con
una clave nueva en cada ejecución.
"""
import json
import sys


def comillas(texto):
    """Una cadena de YAML entre comillas dobles (JSON es YAML válido)."""
    return json.dumps(texto, ensure_ascii=False)


def main():
    if len(sys.argv) != 4:
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        lab = json.load(f)
    carpeta, minutos = sys.argv[2], int(sys.argv[3])
    numero = carpeta[:2]
    verifs = lab["verificaciones"]
    total = sum(int(v["puntos"]) for v in verifs)
    ids = [f"v{i + 1:02d}" for i in range(len(verifs))]
    s = []
    w = s.append
    w(f"# classroom.yml — la calificación automática del laboratorio {carpeta} en GitHub Classroom.")
    w(f"# Lo genera «make classroom LAB={numero}» (autograder/profesorado/classroom/flujo.py): no lo")
    w("# edites a mano; vuelve a generarlo. Necesita, en la organización de la clase, la variable")
    w("# CURSO_CALIFICADOR («org/repositorio» del curso del profesorado, privado y sin soluciones) y")
    w("# el secreto CURSO_CALIFICADOR_TOKEN (un token de solo lectura de ese repositorio).")
    w("name: Calificación automática")
    w("'on':")
    w("  push:")
    w("  workflow_dispatch:")
    w("  repository_dispatch:")
    w("permissions:")
    w("  checks: write")
    w("  actions: read")
    w("  contents: read")
    w("defaults:")
    w("  run:")
    w("    shell: bash")
    w("jobs:")
    w("  calificar:")
    w("    runs-on: ubuntu-latest")
    w("    if: github.actor != 'github-classroom[bot]'")
    w(f"    timeout-minutes: {minutos}")
    w("    container:")
    w("      image: debian:12")
    w("    steps:")
    w("      - name: La entrega")
    w("        uses: actions/checkout@v4")
    w("        with:")
    w("          path: entrega")
    w("          persist-credentials: false")
    w("      - name: El repositorio del curso está configurado")
    w("        env:")
    w("          CURSO_CALIFICADOR: ${{ vars.CURSO_CALIFICADOR }}")
    w("        run: |")
    w("          if [ -z \"$CURSO_CALIFICADOR\" ]; then")
    w("            echo \"::error::Falta la variable CURSO_CALIFICADOR de la organización (el repositorio del curso del profesorado): avisa al profesorado.\"")
    w("            exit 1")
    w("          fi")
    w("      - name: El curso del profesorado")
    w("        uses: actions/checkout@v4")
    w("        with:")
    w("          repository: ${{ vars.CURSO_CALIFICADOR }}")
    w("          token: ${{ secrets.CURSO_CALIFICADOR_TOKEN }}")
    w("          path: curso")
    w("          persist-credentials: false")
    w("      - name: Los paquetes para calificar")
    w("        run: |")
    w("          export DEBIAN_FRONTEND=noninteractive")
    w("          # Una imagen recién creada no trae las listas de apt; si ya está todo, no hace falta red.")
    w("          if ! bash curso/common/herramientas/dependencias.sh comprobar grade 2>/dev/null; then")
    w("            apt-get update -q")
    w("          fi")
    w("          bash curso/common/herramientas/dependencias.sh asegurar grade \"classroom.yml\"")
    w("      - name: Construir el curso y el calificador")
    w(f"        run: make -C curso --no-print-directory -j\"$(nproc)\" preparar-calificacion LAB={numero}")
    w("      - name: Calificar")
    w("        run: |")
    w("          clave=\"informe-$RANDOM$RANDOM$RANDOM\"")
    w("          echo \"::stop-commands::$clave\"")
    w("          rc=0")
    w(f"          make -C curso --no-print-directory -s grade LAB={numero} ENTREGA=\"$GITHUB_WORKSPACE/entrega\" \\")
    w("            SALIDA=\"$GITHUB_WORKSPACE/calificacion\" || rc=$?")
    w("          echo \"::$clave::\"")
    w("          if [ \"$rc\" -ne 0 ] || [ ! -s calificacion/results.json ]; then")
    w("            echo \"::error::No se pudo calificar (make grade salió con $rc): avisa al profesorado.\"")
    w("            exit 1")
    w("          fi")
    for i, v in zip(ids, verifs):
        puntos = int(v["puntos"])
        w(f"      - name: {comillas(v['id'] + ': ' + v['nombre'])}")
        w(f"        id: {i}")
        w("        uses: classroom-resources/autograding-command-grader@v1")
        w("        with:")
        w(f"          test-name: {comillas(v['nombre'])}")
        w(f"          command: python3 curso/autograder/herramientas/verificacion.py calificacion/results.json {v['id']}")
        w("          timeout: 1")
        w(f"          max-score: {puntos}")
    w(f"      - name: Puntos a GitHub Classroom (sobre {total})")
    w("        uses: classroom-resources/autograding-grading-reporter@v1")
    w("        env:")
    for i in ids:
        w(f"          {i.upper()}_RESULTS: \"${{{{ steps.{i}.outputs.result }}}}\"")
    w("        with:")
    w(f"          runners: {','.join(ids)}")
    w("      - name: El informe, como artefacto")
    w("        if: always()")
    w("        uses: actions/upload-artifact@v4")
    w("        with:")
    w(f"          name: informe-{carpeta}")
    w("          path: |")
    w("            calificacion/informe.txt")
    w("            calificacion/results.json")
    w("            calificacion/junit.xml")
    w("          if-no-files-found: warn")
    print("\n".join(s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
