#!/usr/bin/env bash
# sin-python.sh — el curso se lee sin saber Python (lessons/CONVENCIONES.md §1). Busca en todo lo
# que lee un estudiante el código de Python fuera de los recuadros y apartados «Si conoces
# asyncio» y las referencias al curso de asyncio del que este es la versión en C («temario»,
# «curso de Python», «del original», «apartado 5.8.2»…): el estudiante no tiene ese documento.
# Las reglas exactas, en la cabecera de sin-python.awk.
#
#   bash lessons/verificar/sin-python.sh            revisa el curso (make prueba-sin-python)
#
# Antes de revisar el curso se prueba a sí mismo con textos de control (uno que debe pasar y
# varios que deben fallar): si el buscador deja de ver algo, la suite falla aunque el curso
# esté limpio. Escribe «archivo:línea: mensaje» por hallazgo; la última línea empieza por
# «resumen:»; el estado es 0 solo si no hay ninguno.
set -u
raiz=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$raiz" || exit 2
aqui=lessons/verificar
awk_() { LC_ALL=C awk -v modo="$1" -f "$aqui/sin-python.awk" "${@:2}"; }

# Lo que lee un estudiante. Markdown: las lecciones (con el glosario y los enunciados de la
# práctica) y los laboratorios. CONVENCIONES.md no: es para quien mantiene el curso y explica
# la regla con ejemplos. El README.md de la raíz tampoco: es para el profesorado (el libro lo
# usa de portada, pero lo que cuenta del otro curso es el porqué del diseño). Ni
# lessons/verificar/: son los comprobadores y sus textos de control (los de prueba-estilo
# llevan Python a propósito).
mapfile -t md < <(find lessons labs -name '*.md' ! -path lessons/CONVENCIONES.md \
  ! -path 'lessons/verificar/*' | LC_ALL=C sort)
# Código que el estudiante abre: los programas de las lecciones, los ejercicios de la práctica
# y el código de partida de los laboratorios (solo se buscan referencias externas). Las
# entregas hostiles de cada laboratorio (.calificador/hostiles/) no: son del profesorado (no van
# en la edición del estudiante) y citan lo que atacan.
mapfile -t c < <(find lessons labs \( -name '*.c' -o -name '*.h' \) ! -path 'lessons/verificar/*' \
  ! -path 'labs/*/.calificador/hostiles/*' | LC_ALL=C sort)
mapfile -t json < <(find labs -name lab.json | LC_ALL=C sort)

# Excepciones: «archivo:patrón» (el patrón, una expresión regular extendida sobre el mensaje)
# y su motivo. Vacía: si algún día hace falta una, que diga por qué.
EXCEPCIONES=(
)

# ── Control: el buscador ve lo que debe y calla lo que debe ───────────────────────────────
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sin-python.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fallos_control=0
control() { # control N_ESPERADO NOMBRE < texto: el buscador debe dar exactamente N hallazgos
  local n=$1 nombre=$2 modo=${3:-md} obtenidos
  cat >"$tmp/$nombre"
  obtenidos=$(awk_ "$modo" "$tmp/$nombre" | wc -l)
  if [ "$obtenidos" -ne "$n" ]; then
    echo "control: $nombre debía dar $n hallazgos y dio $obtenidos:"
    awk_ "$modo" "$tmp/$nombre" | sed 's/^/    /'
    fallos_control=$((fallos_control + 1))
  fi
}
control 0 limpio.md <<'FIN'
# Lección de control

Un `uv_timer_t` vence y el bucle llama a su callback. `printf("hola\n");` no es Python.

> **Si conoces asyncio:** es `await asyncio.sleep(1)`; aquí no hay `await`.
> ```python
> async def principal():
>     print("hola")
> ```

## Si conoces asyncio: qué cambia respecto a Python

```python
import asyncio
async with sesion.get(url) as r:
    print(await r.text())
```

### Un subapartado sigue dentro

`asyncpg` y `aiohttp`, comparados.

## Errores comunes

El apartado anterior terminó con este título.
FIN
control 6 sucio.md <<'FIN'
# Lección de control

Es como `await asyncio.sleep(1)` en el temario.

La cola es una `asyncio.Queue` con tope.

```python
print("hola")
```

> Una cita que no es un recuadro: `async with`.

## Si conoces asyncio: qué cambia respecto a Python

Aquí sí vale `asyncio.gather`.

## Errores comunes

Mira el apartado 5.8.2.
FIN
control 1 cierre.md <<'FIN'
> **Si conoces asyncio:** `asyncio.gather`.

Tras la línea en blanco el recuadro terminó: `await`.
FIN
control 1 abierto.md <<'FIN'
Un bloque sin cerrar al final del archivo:

```python
print("hola")
FIN
control 2 codigo.c c <<'FIN'
/* Ejemplo resuelto del temario,
 * versión en C del curso de Python. */
static int x;  /* await no se busca en C */
FIN
control 2 lab.json json <<'FIN'
{"descripcion": "Como asyncio.gather en el curso de asyncio", "x": 1}
FIN
if [ "$fallos_control" -ne 0 ]; then
  echo "resumen: el buscador falló $fallos_control controles (lessons/verificar/sin-python.awk)"
  exit 1
fi

# ── El curso ────────────────────────────────────────────────────────────────────────────
{ awk_ md "${md[@]}"; awk_ c "${c[@]}"; awk_ json "${json[@]}"; } >"$tmp/hallazgos"
for ex in "${EXCEPCIONES[@]}"; do
  archivo=${ex%%:*} patron=${ex#*:}
  grep -v -E "^$archivo:[0-9]+: .*($patron)" "$tmp/hallazgos" >"$tmp/filtrados"
  mv "$tmp/filtrados" "$tmp/hallazgos"
done
n=$(wc -l <"$tmp/hallazgos")
cat "$tmp/hallazgos"
archivos=$(( ${#md[@]} + ${#c[@]} + ${#json[@]} ))
if [ "$n" -ne 0 ]; then
  echo "resumen: $n hallazgos en $archivos archivos: el texto principal debe leerse sin saber Python; lo que compara con asyncio va en un recuadro «> **Si conoces asyncio:** …» (lessons/CONVENCIONES.md §1)"
  exit 1
fi
echo "resumen: $archivos archivos sin Python fuera de los recuadros ni referencias al curso de asyncio (6 controles)"
