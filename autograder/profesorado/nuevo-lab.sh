#!/usr/bin/env bash
# nuevo-lab.sh NUM NOMBRE — `make nuevo-lab NUM=13 NOMBRE=saludo`: un laboratorio nuevo que
# ya está probado desde el primer minuto (`make prueba-labs prueba-mutantes LAB=13` pasa en cuanto se crea):
#
#   labs/13-saludo/lab.json            el manifiesto: programa, archivos, medios, tres
#                                      verificaciones (compila, sin_argumento, saluda)
#   labs/13-saludo/README.md           el esqueleto del enunciado (con lo que hay que cambiar)
#   labs/13-saludo/saludo.c            el programa de partida: compila y no hace nada (≤ 20 %);
#                                      sale de la solución con sus marcas «//@» (make partidas)
#   labs/13-saludo/.calificador/calificador.c   las dos verificaciones, desde fuera
#   solutions/13-saludo/saludo.c       la solución (100 %), con las marcas de la partida
#   autograder/mutantes/13-saludo/*.patch       cuatro mutantes, cada uno con su
#                                      «# Debe fallar:» (prueba-labs exige al menos cuatro)
#   autograder/hitos/13-saludo/A.patch el programa del primero de sus dos hitos (lab.json
#                                      «hitos», la tabla «## Hitos» del enunciado)
#
# Después: make tabla-labs pone el laboratorio en la tabla de labs/README.md. El ejemplo es un
# saludo tras un temporizador de libuv: se sustituye por el laboratorio de verdad paso a paso
# (el recorrido está en autograder/README.md, «Añadir un laboratorio»).
set -euo pipefail
RAIZ=$(cd "$(dirname "$0")/../.." && pwd)
cd "$RAIZ"
NUM=${1:-}
NOMBRE=${2:-}
if ! [[ "$NUM" =~ ^[0-9][0-9]$ ]] || ! [[ "$NOMBRE" =~ ^[a-z][a-z0-9_]*$ ]]; then
  echo "nuevo-lab: uso: make nuevo-lab NUM=13 NOMBRE=saludo (NUM de dos cifras; NOMBRE en minúsculas, sin espacios ni acentos: es también el nombre del programa)" >&2
  exit 2
fi
if compgen -G "labs/$NUM-*" >/dev/null; then
  echo "nuevo-lab: ya hay un laboratorio $NUM: $(echo labs/"$NUM"-*)" >&2
  exit 2
fi
CARPETA="$NUM-$NOMBRE"
PROG=$NOMBRE
L="labs/$CARPETA"
S="solutions/$CARPETA"
M="autograder/mutantes/$CARPETA"
H="autograder/hitos/$CARPETA"
mkdir -p "$L/.calificador" "$S" "$M" "$H"

cat >"$L/lab.json" <<EOF
{
  "titulo": "Saludo con un temporizador (ejemplo de $CARPETA: cámbialo)",
  "resumen": "Ejemplo generado por make nuevo-lab: un saludo tras un temporizador de libuv",
  "programa": "$PROG",
  "archivos": [
    "$PROG.c"
  ],
  "solucion_publicada": false,
  "tiempo_limite_s": 60,
  "tiempo_objetivo_s": 15,
  "trabajos": 2,
  "medios": {
    "prohibidos": [
      "procesos",
      "hilos"
    ],
    "requeridos": [
      "uv_run"
    ]
  },
  "verificaciones": [
    {
      "id": "compila",
      "nombre": "El programa compila",
      "puntos": 2,
      "que": "$PROG.c compila con -Wall -Wextra y se enlaza con la biblioteca del curso.",
      "pista": "Empieza por el primer error del compilador: los demás suelen venir de él."
    },
    {
      "id": "sin_argumento",
      "prueba": ["codigo"],
      "nombre": "Sin nombre: mensaje de error y código 2",
      "puntos": 4,
      "que": "«$PROG» sin argumentos.",
      "pista": "Comprueba argc antes de arrancar nada: explica el uso en stderr y devuelve 2."
    },
    {
      "id": "saluda",
      "prueba": ["codigo"],
      "nombre": "Saluda tras el temporizador",
      "puntos": 4,
      "que": "«$PROG NOMBRE» con un nombre al azar: «hola, NOMBRE» en stdout y código 0.",
      "pista": "Arranca un uv_timer_t de 10 ms; en su callback imprime el saludo y cierra el temporizador para que uv_run termine."
    }
  ],
  "hitos": [
    {
      "id": "A",
      "titulo": "La entrada",
      "que": "Sin nombre, un mensaje de uso y el código 2.",
      "horas": 0.5,
      "verificaciones": [
        "compila",
        "sin_argumento"
      ]
    },
    {
      "id": "B",
      "titulo": "El saludo",
      "que": "Un temporizador de libuv imprime el saludo y el bucle se cierra.",
      "horas": 1,
      "verificaciones": [
        "saluda"
      ]
    }
  ]
}
EOF

cat >"$L/README.md" <<EOF
# Laboratorio $NUM: saludo con un temporizador (ejemplo: cámbialo)

> Esqueleto generado por \`make nuevo-lab\`. Sustituye cada sección por la del laboratorio de
> verdad; el calificador, la solución y los mutantes de ejemplo ya funcionan
> (\`make prueba-labs prueba-mutantes LAB=$NUM\`).

## Objetivo

Un programa \`$PROG\` que recibe un nombre y, pasados 10 ms (con un temporizador de libuv, no
con \`sleep\`), imprime \`hola, NOMBRE\` y termina con el bucle cerrado.

## Requisitos

- \`$PROG\` sin argumentos: un mensaje de uso en stderr y código de salida 2.
- \`$PROG NOMBRE\`: exactamente \`hola, NOMBRE\` y un salto de línea en stdout; código 0.
- Sin procesos ni hilos propios: el temporizador es de libuv.

## Archivos

- \`$PROG.c\` — **el único archivo que editas.** Sigue los \`TODO\`.
- \`lab.json\` — datos del laboratorio para el calificador. No lo toques.
- \`.calificador/\` — el código del calificador: puedes leerlo para ver qué se mide.

## Hitos

No hace falta escribirlo todo antes de calificar: \`make grade LAB=$NUM\` te dice qué hito
has alcanzado. En total, hora y media.

| Hito | Qué tienes funcionando | Verificaciones que ya pasan | Horas |
|---|---|---|---|
| A — La entrada (TODO 1) | sin nombre, un mensaje de uso y el código 2 | \`compila\`, \`sin_argumento\` | 0.5 |
| B — El saludo (TODO 2) | el temporizador imprime el saludo y el bucle se cierra | todas: \`saluda\` | 1 |

## Cómo probar

\`\`\`sh
make && \$(make -s ruta LAB=$NUM) Ana
make grade LAB=$NUM
\`\`\`

## Anexo: cómo se califica

<!-- tabla de puntos: la escribe «make tabla-labs» a partir de lab.json -->
<!-- fin de la tabla de puntos -->
EOF

# La solución con sus marcas «//@»: el programa de partida sale de ella (make partidas;
# autograder/README.md, «Partidas»).
cat >"$S/$PROG.c" <<EOF
//@ partida: /* $PROG.c — laboratorio $NUM (programa de partida): saluda tras un temporizador de libuv.
//@ partida:  * Compila y arranca, pero no hace el trabajo: sigue los TODO. */
//@ solucion {
/* $PROG.c — laboratorio $NUM (solución): saluda tras un temporizador de libuv. */
//@ }
#include <stdio.h>
#include <uv.h>

//@ solucion {
static void al_vencer(uv_timer_t *t)
{
    printf("hola, %s\n", (const char *)t->data);
    uv_close((uv_handle_t *)t, NULL);
}

//@ }
int main(int argc, char **argv)
{
    //@ partida:     (void)argc;
    //@ partida:     (void)argv;
    //@ partida:     /* TODO 1: sin argumentos, un mensaje de uso en stderr y devolver 2. */
    //@ solucion {
    if (argc != 2) {
        fprintf(stderr, "$PROG: uso: $PROG NOMBRE\n");
        return 2;
    }
    //@ }
    uv_loop_t *loop = uv_default_loop();
    //@ partida:     /* TODO 2: un uv_timer_t de 10 ms cuyo callback imprima «hola, NOMBRE» y cierre el
    //@ partida:      * temporizador. */
    //@ solucion {
    uv_timer_t t;
    uv_timer_init(loop, &t);
    t.data = argv[1];
    uv_timer_start(&t, al_vencer, 10, 0);
    //@ }
    uv_run(loop, UV_RUN_DEFAULT);
    return uv_loop_close(loop) == 0 ? 0 : 1;
}
EOF
bash autograder/herramientas/partidas.sh generar "$CARPETA" >/dev/null

cat >"$L/.calificador/calificador.c" <<'EOF'
/* calificador.c — el calificador del laboratorio de ejemplo que genera make nuevo-lab: lanza
 * el programa en la caja de arena y lo juzga desde fuera (salida, código de salida). */
#include <criterion/criterion.h>

#include "calificador/calificador.h"

#include <stdio.h>
#include <string.h>

/* Lanza el programa con `args` (terminados en NULL). NULL si no se pudo (ya anotado). */
static cal_proceso_t *lanzar(const char *const *args)
{
    cal_lanzamiento_t l = {.args = args, .limite_s = 5};
    cal_proceso_t *p = NULL;
    int r = cal_lanzar(&l, &p);
    if (r < 0) {
        cal_obtenido("no se pudo lanzar el programa (%s)", strerror(-r));
        return NULL;
    }
    cal_esperar_fin(p, 3000);
    return p;
}

/* Cómo terminó `p`, para el informe. */
static const char *fin(const cal_proceso_t *p, char *buf, size_t tam)
{
    if (cal_termino(p))
        return cal_describir_fin(p, buf, tam);
    snprintf(buf, tam, "no terminó en 3 s (debía salir enseguida)");
    return buf;
}

CAL_PRUEBA(sin_argumento, 20)
{
    cal_esperado("código de salida 2 y un mensaje de uso en stderr");
    const char *args[] = {NULL};
    cal_proceso_t *p = lanzar(args);
    if (p == NULL)
        CAL_FIN(0);
    const char *err = cal_errores(p);
    int ok = cal_termino(p) && cal_codigo(p) == 2 && strspn(err, " \t\r\n") < strlen(err);
    char b[256], ex[512];
    cal_obtenido("%s; stderr:\n%s", fin(p, b, sizeof b), cal_extracto(err, 4, ex, sizeof ex));
    cal_proceso_liberar(p);
    CAL_FIN(ok);
}

CAL_PRUEBA(saluda, 20)
{
    /* Un nombre distinto cada vez: el calificador se puede leer y un saludo fijo no vale. */
    static const char *const nombres[] = {"Ana", "Íñigo", "Lucía", "Xabier", "Zoe", "Ángela"};
    const char *nombre = nombres[cal_ahora_ms() % (sizeof nombres / sizeof nombres[0])];
    char esperado[64];
    snprintf(esperado, sizeof esperado, "hola, %s\n", nombre);
    cal_esperado("«hola, %s» en stdout y código 0", nombre);
    const char *args[] = {nombre, NULL};
    cal_proceso_t *p = lanzar(args);
    if (p == NULL)
        CAL_FIN(0);
    int ok = cal_termino(p) && cal_codigo(p) == 0 && strcmp(cal_salida(p), esperado) == 0;
    char b[256], ex[512];
    cal_obtenido("%s; stdout:\n%s", fin(p, b, sizeof b),
                 cal_extracto(cal_salida(p), 4, ex, sizeof ex));
    cal_proceso_liberar(p);
    CAL_FIN(ok);
}
EOF

# Los mutantes: la solución con un fallo, como parche (diff -u) con su cabecera. Con
# DESTINO y CABECERA, lo mismo para un programa por hitos (la solución recortada a un hito).
mutante() { # mutante NOMBRE "descripción" "ids" EXPRESIÓN_SED
  local tmp destino=${DESTINO:-$M} cabecera=${CABECERA:-"# Mutante del laboratorio $NUM: $2"}
  tmp=$(mktemp -d)
  mkdir -p "$tmp/a" "$tmp/b"
  bash autograder/herramientas/partidas.sh sin-marcas "$S/$PROG.c" >"$tmp/a/$PROG.c"
  cp "$tmp/a/$PROG.c" "$tmp/b/"
  sed -i -e "$4" "$tmp/b/$PROG.c"
  {
    echo "$cabecera"
    echo "# Debe fallar: $3"
    (cd "$tmp" && diff -u "a/$PROG.c" "b/$PROG.c" | sed -e '1s/\t.*//' -e '2s/\t.*//') || true
  } >"$destino/$1.patch"
  rm -rf "$tmp"
}
mutante no_saluda "El callback no imprime nada." saluda 's/^    printf("hola, %s\\n".*$/    (void)t->data;/'
mutante saludo_sin_nombre "Saluda sin el nombre («hola,»)." saluda 's/"hola, %s\\n", (const char \*)t->data/"hola,\\n"/'
mutante sin_codigo "Sin argumentos devuelve 0." sin_argumento 's/^        return 2;/        return 0;/'
mutante sin_mensaje "Sin argumentos devuelve 2 pero no dice nada." sin_argumento '/uso: /d'
# El hito A: la entrada hecha (TODO 1) y el temporizador aún sin imprimir (TODO 2).
DESTINO=$H CABECERA="# Hito: A" mutante A "" saluda 's/^    printf("hola, %s\\n".*$/    (void)t->data;/'
for p in "$M"/*.patch "$H"/*.patch; do
  if ! grep -q '^@@' "$p"; then
    echo "nuevo-lab: el parche $p no cambió nada (error de nuevo-lab.sh)" >&2
    exit 1
  fi
done
python3 autograder/profesorado/tabla-labs.py
echo "Laboratorio nuevo en $L (solución en $S, $(ls "$M" | wc -l) mutantes en $M, el programa del hito A en $H)."
echo "Pruébalo: make prueba-labs prueba-mutantes LAB=$NUM. Después, cámbialo por el de verdad (autograder/README.md, «Añadir un laboratorio»)."
