#!/usr/bin/env bash
# clase.sh LAB ENTREGAS [J] — `make grade-clase LAB=07 ENTREGAS=dir [J=2]`: califica cada
# subcarpeta de ENTREGAS (una por estudiante, con el nombre de la carpeta) como «make grade
# LAB=07 ENTREGA=…»: la misma caja de arena, los mismos límites, los mismos informes.
#
#   - De cada carpeta se toman solo los archivos del laboratorio (entregas.sh: arriba del
#     todo o en una subcarpeta); lo demás se ignora y se anota. ENTREGAS solo se lee.
#   - J calificaciones a la vez (por omisión, tantas como núcleos). Cada una con su carpeta
#     de trabajo, sus servidores de práctica y su red propia por verificación: una entrega
#     hostil o colgada no toca la nota de otra. Cada una corre las verificaciones a la vez que
#     dice «trabajos» de lab.json (casi todas esperan a temporizadores, no gastan CPU);
#     TRABAJOS=n lo cambia (p. ej. en una máquina muy cargada).
#   - Salida en build/clase/<lab>/: notas.csv (alumno, puntos, maximo, porcentaje, compila,
#     segundos, nota), alumnos/<alumno>/ (informe.txt, results.json, junit.xml y lo que se
#     vio en la terminal) y resumen.txt (media, mediana, las verificaciones que más fallan),
#     que también sale en pantalla.
# Variables (las pone make): CALIFICAR, B, CC, CALIF_CFLAGS, CALIF_LIBS y TRABAJOS.
set -u
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ" || exit 1
LAB=${1:-}
ENTREGAS=${2:-}
J=${3:-}
[ -n "$J" ] || J=$(nproc 2>/dev/null || echo 2)
if [ -z "$LAB" ] || [ -z "$ENTREGAS" ]; then
  echo "grade-clase: uso: make grade-clase LAB=07 ENTREGAS=carpeta [J=2]" >&2
  exit 2
fi
if [ ! -d "$ENTREGAS" ]; then
  echo "grade-clase: ENTREGAS=$ENTREGAS no es una carpeta" >&2
  exit 2
fi
case "$J" in '' | *[!0-9]* | 0) echo "grade-clase: J debe ser un número ≥ 1" >&2; exit 2 ;; esac
command -v python3 >/dev/null || { echo "grade-clase: falta python3 (make deps)" >&2; exit 2; }
ENTREGAS=$(cd "$ENTREGAS" && pwd)
mapfile -t carpetas < <("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$LAB" | awk -F'\t' '$2 == "programa" { print $1 }')
if [ "${#carpetas[@]}" -ne 1 ]; then
  echo "grade-clase: LAB=$LAB no es un laboratorio (o es más de uno)" >&2
  exit 2
fi
lab=${carpetas[0]}
datos=$("$CALIFICAR" --raiz "$RAIZ" --lista --lab "$lab")
mapfile -t archivos < <(awk -F'\t' '$2 == "archivo" { print $3 }' <<<"$datos")
limite=$(awk -F'\t' '$2 == "tiempo_limite_s" { print $3 }' <<<"$datos")
trabajos=$(awk -F'\t' '$2 == "trabajos" { print $3 }' <<<"$datos")
por_uno=${TRABAJOS:-$trabajos}
SAL="$B/clase/$lab"
rm -rf "$SAL"
mkdir -p "$SAL/alumnos" "$SAL/entregas"
# shellcheck source=../herramientas/entregas.sh
source "$RAIZ/autograder/herramientas/entregas.sh"

mapfile -t alumnos < <(find "$ENTREGAS" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | LC_ALL=C sort)
if [ "${#alumnos[@]}" -eq 0 ]; then
  echo "grade-clase: no hay ninguna subcarpeta (una por estudiante) en $ENTREGAS" >&2
  exit 2
fi
echo "Calificando ${#alumnos[@]} entregas del laboratorio $lab, $J a la vez ($por_uno verificaciones a la vez en cada una)…"
inicio=$(date +%s.%N)

# Una entrega: se recogen sus archivos y se califica. Nunca falla (la nota lo dice todo).
calificar_uno() {
  local alumno=$1
  local dir_alumno="$SAL/alumnos/$alumno" copia="$SAL/entregas/$alumno"
  mkdir -p "$dir_alumno"
  local aviso
  aviso=$(entregas_recoger "$ENTREGAS/$alumno" "$copia" "${archivos[@]}")
  printf '%s' "$aviso" >"$dir_alumno/entrega.txt"
  # El ejecutor ya acota cada calificación; esto solo es la red de seguridad.
  timeout -k 10 $((limite * 2 + 120)) "$CALIFICAR" --raiz "$RAIZ" --construccion "$B" --cc "$CC" \
    --cflags "$CALIF_CFLAGS" --libs "$CALIF_LIBS" --lab "$lab" --entrega "$copia" \
    --salida "$dir_alumno" --trabajos "$por_uno" ${aviso:+--aviso-entrega "$aviso"} \
    >"$dir_alumno/terminal.txt" 2>&1
  echo $? >"$dir_alumno/codigo"
  # Lo que pesa (binario, fuentes copiadas) no hace falta después.
  rm -rf "$dir_alumno/trabajo"
}

en_marcha=0
hechas=0
for alumno in "${alumnos[@]}"; do
  if [ "$en_marcha" -ge "$J" ]; then
    wait -n
    en_marcha=$((en_marcha - 1))
    hechas=$((hechas + 1))
    [ -t 1 ] && printf '\r  %d/%d calificadas' "$hechas" "${#alumnos[@]}"
  fi
  calificar_uno "$alumno" &
  en_marcha=$((en_marcha + 1))
done
wait
[ -t 1 ] && printf '\r\033[K'
fin=$(date +%s.%N)
segundos=$(awk -v a="$inicio" -v b="$fin" 'BEGIN{printf "%.1f", b-a}')

python3 - "$SAL" "$lab" "$segundos" "$J" "${alumnos[@]}" <<'PY'
import csv, json, os, statistics, sys

sal, lab, segundos, jobs, alumnos = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5:]
filas, fallos, nombres, porcentajes = [], {}, {}, []
for a in alumnos:
    d = os.path.join(sal, "alumnos", a)
    aviso = open(os.path.join(d, "entrega.txt"), encoding="utf-8", errors="replace").read().strip()
    try:
        r = json.load(open(os.path.join(d, "results.json"), encoding="utf-8"))
        info = r["extra_data"]["labs"][0]
        puntos, maximo = r["score"], r["extra_data"]["max_score"]
        compila = "sí" if info["compila"] else "no"
        dur = info["segundos"]
        notas = [x for x in (aviso, info.get("aviso", "")) if x]
        if not info["calificado"]:
            compila = "no"
        for t in r["tests"]:
            ident = t["extra_data"]["id"]
            nombres[ident] = t["name"].split(" · ", 1)[-1]
            if t["status"] != "passed":
                fallos[ident] = fallos.get(ident, 0) + 1
    except Exception:  # sin results.json: el ejecutor no terminó
        codigo = open(os.path.join(d, "codigo")).read().strip() if os.path.exists(os.path.join(d, "codigo")) else "?"
        puntos, maximo, compila, dur = 0, 0, "no", 0.0
        notas = [x for x in (aviso, f"no se pudo calificar (código {codigo}; ver terminal.txt)") if x]
    pct = round(100.0 * puntos / maximo) if maximo else 0
    porcentajes.append(pct)
    nota = " | ".join(notas).replace("\n", " ")
    if len(nota) > 300:
        nota = nota[:299] + "…"
    filas.append([a, puntos, maximo, pct, compila, f"{dur:.1f}", nota])

with open(os.path.join(sal, "notas.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["alumno", "puntos", "maximo", "porcentaje", "compila", "segundos", "nota"])
    w.writerows(filas)

n = len(filas)
lineas = [f"Laboratorio {lab}: {n} entregas calificadas en {segundos:.1f} s "
          f"({60.0 * n / segundos:.1f} entregas/min, J={jobs})" if segundos > 0 else "",
          f"Media {statistics.mean(porcentajes):.1f} % · mediana {statistics.median(porcentajes):.1f} % · "
          f"mínimo {min(porcentajes)} % · máximo {max(porcentajes)} %",
          f"100 %: {sum(p == 100 for p in porcentajes)} · no compilan o no se califican: "
          f"{sum(fila[4] != 'sí' for fila in filas)}", ""]
if fallos:
    lineas.append("Las verificaciones que más fallan:")
    for ident, k in sorted(fallos.items(), key=lambda x: (-x[1], x[0]))[:8]:
        lineas.append(f"  {k:3d} de {n}  {ident:26s} {nombres[ident]}")
    lineas.append("")
lineas.append("Por estudiante:")
for fila in filas:
    extra = f"  ({fila[6][:90]})" if fila[6] else ""
    lineas.append(f"  {fila[0]:24s} {fila[1]:>4}/{fila[2]:<4} {fila[3]:>3} %  compila: {fila[4]}{extra}")
lineas += ["", f"Notas: {os.path.join(sal, 'notas.csv')}",
           f"Informes: {os.path.join(sal, 'alumnos')}/<alumno>/informe.txt (y results.json, junit.xml)"]
texto = "\n".join(lineas) + "\n"
open(os.path.join(sal, "resumen.txt"), "w", encoding="utf-8").write(texto)
sys.stdout.write(texto)
PY
