#!/usr/bin/env bash
# devcontainer.sh — fila «macOS / Windows (Docker Desktop, WSL 2, Codespaces)»: el contenedor
# de desarrollo (.devcontainer/Dockerfile) construido y arrancado con podman como lo haría el
# editor, sobre la imagen de Debian 12 de la suite (BASE: aquí no hay registro de imágenes):
# la raíz de mmdebstrap con el perfil grade, que es la misma de Gradescope; el Dockerfile
# instala encima lo demás del perfil «estudiante».
# Dentro, como el usuario «estudiante» y con el curso en su carpeta: make y
# make grade SOLUCIONES=1, cada solución al 100 %; devcontainer.json es JSON válido y
# reenvía el puerto del servidor de práctica.
set -u
source "$(dirname "$0")/comun.sh"
cd "$RAIZ_CURSO" || exit 1
python3 - <<'FIN' || { echo "✘ .devcontainer/devcontainer.json inválido o sin el puerto 8080"; exit 1; }
import json, re
d = json.loads(re.sub(r'^\s*//.*$', '', open(".devcontainer/devcontainer.json").read(), flags=re.M))
assert 8080 in d["forwardPorts"]
assert d["build"]["dockerfile"] == "Dockerfile"
print("✔ devcontainer.json: válido; reenvía el puerto 8080")
FIN
base=$(bash "$(dirname "$0")/imagen.sh" curso bookworm grade) || exit 1
sal="$PLAT_DIR/devcontainer"
rm -rf "$sal" && mkdir -p "$sal"
clave=$( (cat .devcontainer/Dockerfile common/herramientas/dependencias.sh; echo "$base") | sha256sum | cut -c1-12)
imagen="localhost/curso-devcontainer:$clave"
inicio=$(date +%s)
if ! hay_imagen "$imagen"; then
  pod build --network host --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 \
    --build-arg BASE="$base" \
    -f .devcontainer/Dockerfile -t "$imagen" . >"$sal/build.log" 2>&1 || {
    echo "✘ devcontainer: no se construye"; tail -n 25 "$sal/build.log" | sed 's/^/    /'; exit 1; }
fi
echo "✔ devcontainer: imagen construida ($(($(date +%s) - inicio)) s)"
tar=$(copia_curso)
chmod 777 "$sal"  # el contenedor escribe aquí como «estudiante»
pod_run -v "$tar:/curso.tar:ro" -v "$sal:/salida" "$imagen" bash -c '
    mkdir -p ~/curso && tar -C ~/curso -xf /curso.tar && cd ~/curso
    id -un >/salida/usuario.txt
    make -j2 >/salida/make.log 2>&1; echo $? >/salida/make.rc
    make --no-print-directory grade SOLUCIONES=1 >/salida/soluciones.log 2>&1
    cp build/calificacion/results.json /salida/soluciones.json' >"$sal/run.log" 2>&1
mal=0
[ "$(cat "$sal/usuario.txt" 2>/dev/null)" = estudiante ] || { echo "✘ devcontainer: no corre como «estudiante»"; mal=1; }
[ "$(cat "$sal/make.rc" 2>/dev/null)" = 0 ] || { echo "✘ devcontainer: make falló"; tail -n 20 "$sal/make.log" | sed 's/^/    /'; mal=1; }
python3 "$(dirname "$0")/notas.py" soluciones "$sal/soluciones.json" || mal=1
exit $mal
