#!/usr/bin/env bash
# debian13.sh — fila «Debian 13 (trixie)»: una raíz de trixie hecha con mmdebstrap, con el
# perfil «estudiante» instalado por dependencias.sh (gcc 14, libuv 1.50, llhttp de
# libllhttp-dev, PostgreSQL 17, valgrind 3.24), ejecutada con podman. Dentro:
#   · make -j2 con -Werror (todo el curso);
#   · make grade SOLUCIONES=1: cada solución al 100 %; make grade: cada partida ≤ 20 %;
#   · las pruebas Criterion de common (prueba-common) y el comprobador de lecciones
#     (prueba-lecciones) pasan.
# Lo que falla con las otras filas al lado (lecciones, soluciones por debajo del 100 %) se
# repite una vez al final de la fila, en el mismo contenedor, y el informe dice las dos veces.
set -u
source "$(dirname "$0")/comun.sh"
imagen=$(bash "$(dirname "$0")/imagen.sh" curso trixie estudiante) || exit 1
sal="$PLAT_DIR/debian13"
rm -rf "$sal" && mkdir -p "$sal"
tar=$(copia_curso)
pod_run -v "$tar:/curso.tar:ro" -v "$sal:/salida" -e CI=true "$imagen" bash -c '
    mkdir -p /curso && tar -C /curso -xf /curso.tar && cd /curso
    paso() { local n=$1; shift; "$@" >/salida/$n.log 2>&1; echo $? >/salida/$n.rc; }
    gcc --version | head -n1 >/salida/versiones.txt
    pkg-config --modversion libuv libcurl >>/salida/versiones.txt
    paso make make -j2 all
    paso soluciones make --no-print-directory grade SOLUCIONES=1
    cp build/calificacion/results.json /salida/soluciones.json
    paso partidas make --no-print-directory grade
    cp build/calificacion/results.json /salida/partidas.json
    paso prueba-common make --no-print-directory prueba-common
    paso prueba-lecciones make --no-print-directory prueba-lecciones
    # Lo que falló con las otras filas al lado (dos núcleos, tres carriles) se repite una vez
    # aquí, al final: las lecciones que fallaron y las soluciones por debajo del 100 %. Es la
    # regla de prueba-mutantes; ninguna tolerancia cambia y el informe dice las dos veces.
    if [ "$(cat /salida/prueba-lecciones.rc)" != 0 ]; then
      ls=$(sed -n "s/^Lecciones con fallos: //p" /salida/prueba-lecciones.log | sed "s/-[^ ]*//g")
      [ -n "$ls" ] && paso prueba-lecciones-otra make --no-print-directory leccion L="$ls"
    fi
    for lab in $(python3 -c "
import json
labs = {}
for t in json.load(open(\"/salida/soluciones.json\"))[\"tests\"]:
    l = t.get(\"extra_data\", {}).get(\"lab\", \"?\")
    p, m = labs.get(l, (0, 0))
    labs[l] = (p + t[\"score\"], m + t[\"max_score\"])
print(\" \".join(l[:2] for l, (p, m) in sorted(labs.items()) if p != m))
" 2>/dev/null); do
      make --no-print-directory grade LAB="$lab" SOLUCIONES=1 SALIDA="/tmp/otra-$lab" \
        >"/salida/soluciones-otra-$lab.log" 2>&1
      cp "/tmp/otra-$lab/results.json" "/salida/soluciones-otra-$lab.json" 2>/dev/null
    done
  ' >"$sal/contenedor.log" 2>&1
mal=0
echo "  $(tr '\n' ' ' <"$sal/versiones.txt" 2>/dev/null)"
for p in make prueba-common prueba-lecciones; do
  if [ "$(cat "$sal/$p.rc" 2>/dev/null)" = 0 ]; then
    echo "✔ debian13: $p"
  elif [ "$p" = prueba-lecciones ] && [ "$(cat "$sal/$p-otra.rc" 2>/dev/null)" = 0 ]; then
    echo "✔ debian13: $p (al final de la fila, otra vez: $(tail -n1 "$sal/$p-otra.log"); la primera, con las otras filas al lado: $(tail -n2 "$sal/$p.log" | head -n1))"
  else
    echo "✘ debian13: $p falló; últimas líneas:"; tail -n 25 "$sal/$p.log" 2>/dev/null | sed 's/^/    /'; mal=1
  fi
done
otras=()
for o in "$sal"/soluciones-otra-*.json; do [ -f "$o" ] && otras+=(otra "$o"); done
python3 "$(dirname "$0")/notas.py" soluciones "$sal/soluciones.json" "${otras[@]}" \
  partidas "$sal/partidas.json" || mal=1
exit $mal
