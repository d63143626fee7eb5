#!/usr/bin/env bash
# nuevo-lab.sh NUM NOMBRE — `make nuevo-lab NUM=13 NOMBRE=saludo`: un laboratorio nuevo que
# ya está probado desde el primer minuto (`make prueba-labs prueba-mutantes LAB=13` pasa en cuanto se crea):
#
#   labs/13-saludo/lab.json            el manifiesto: programa, archivos, medios, cinco
#                                      verificaciones (compila, sin_argumento, saluda,
#                                      cierra, valgrind)
#   labs/13-saludo/README.md           el esqueleto del enunciado (con lo que hay que cambiar)
#   labs/13-saludo/saludo.c            el programa de partida: compila y no hace nada (≤ 20 %);
#                                      sale de la solución con sus marcas «//@» (make partidas)
#   labs/13-saludo/.calificador/       el calificador, con la forma de todos: comun.{c,h},
#                                      entrada.c, parada.c, memoria.c y saludo.c (el tema)
#   solutions/13-saludo/saludo.c       la solución (100 %), con las marcas de la partida
#   labs/13-saludo/.calificador/mutantes/*.patch   seis mutantes (prueba-labs exige al
#                                      menos cuatro)
#   labs/13-saludo/.calificador/hitos/A.patch   el programa del primero de sus dos hitos
#                                      (lab.json «hitos», la tabla «## Hitos» del enunciado)
#   labs/13-saludo/.calificador/mutantes.tsv    la tabla de lo que debe fallar cada uno
#                                      (una fila por parche; autograder/herramientas/
#                                      tabla-mutantes.sh)
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
M="$L/.calificador/mutantes"
H="$L/.calificador/hitos"
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
      "que": "«$PROG NOMBRE» con un nombre al azar: «hola, NOMBRE» en stdout, y el programa termina solo.",
      "pista": "Arranca un uv_timer_t de 10 ms; en su callback imprime el saludo."
    },
    {
      "id": "cierra",
      "prueba": ["codigo"],
      "nombre": "Termina solo, con el bucle cerrado",
      "puntos": 2,
      "que": "Tras el saludo, el programa termina solo con el código 0: uv_loop_close() da 0.",
      "pista": "Cierra el temporizador con uv_close en su callback: si no, uv_loop_close da UV_EBUSY."
    },
    {
      "id": "valgrind",
      "prueba": ["valgrind"],
      "nombre": "valgrind: sin fugas ni errores de memoria",
      "puntos": 4,
      "que": "El saludo bajo valgrind, sin errores de memoria ni fugas.",
      "pista": "Todo lo que reservas con malloc o strdup se libera antes de salir."
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
        "saluda",
        "cierra",
        "valgrind"
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
- \`$PROG NOMBRE\`: exactamente \`hola, NOMBRE\` y un salto de línea en stdout; código 0,
  con el bucle cerrado (\`uv_loop_close() == 0\`) y sin fugas de memoria (valgrind).
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
| B — El saludo (TODO 2) | el temporizador imprime el saludo y el bucle se cierra | todas: \`saluda\`, \`cierra\`, \`valgrind\` | 1 |

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

# El calificador, con la forma de todos (autograder/README.md, «Añadir un laboratorio», paso
# 5): comun.{c,h} con las ayudas (prefijo PREFIJO_, el nombre del programa), entrada.c,
# parada.c, memoria.c y un archivo de tema.
cat >"$L/.calificador/comun.h" <<'EOF'
/* comun.h — lo que comparten las verificaciones del laboratorio de ejemplo que genera make
 * nuevo-lab: lanzar el programa en la caja de arena y describir cómo terminó.
 *
 * Memoria: el proceso que devuelve PREFIJO_lanzar lo libera quien lo pidió
 * (cal_proceso_liberar) o cal_fin() al acabar la verificación. */
#ifndef EJEMPLO_COMUN_H
#define EJEMPLO_COMUN_H

#include <stddef.h>

#include "calificador/calificador.h"

/* Lanza el programa con `args` (terminados en NULL), bajo valgrind si `valgrind`, y espera a
 * que termine (como mucho 3 s; 30 s bajo valgrind). NULL si no se pudo lanzar (cal_lanzar ya
 * lo anotó). */
cal_proceso_t *PREFIJO_lanzar(const char *const *args, int valgrind);

/* Cómo terminó `p`, para el informe, en `buf`. */
const char *PREFIJO_fin(const cal_proceso_t *p, char *buf, size_t tam);

/* Un nombre al azar para saludar: el calificador se puede leer y un saludo fijo no vale. */
const char *PREFIJO_nombre(void);

/* 1 si la salida de `p` empieza por «hola» (el programa hizo su trabajo, bien o no). */
int PREFIJO_saludo(const cal_proceso_t *p);

#endif
EOF

cat >"$L/.calificador/comun.c" <<'EOF'
/* comun.c — las ayudas del calificador de ejemplo (ver comun.h). */
#include "comun.h"

#include <stdio.h>
#include <string.h>

cal_proceso_t *PREFIJO_lanzar(const char *const *args, int valgrind)
{
    cal_lanzamiento_t l = {.args = args, .limite_s = valgrind ? 40 : 5, .valgrind = valgrind};
    cal_proceso_t *p = NULL;
    if (cal_lanzar(&l, &p) < 0)
        return NULL;
    cal_esperar_fin(p, valgrind ? 30000 : 3000);
    return p;
}

const char *PREFIJO_fin(const cal_proceso_t *p, char *buf, size_t tam)
{
    if (cal_termino(p))
        return cal_describir_fin(p, buf, tam);
    snprintf(buf, tam, "no terminó a tiempo (debía salir enseguida)");
    return buf;
}

const char *PREFIJO_nombre(void)
{
    static const char *const nombres[] = {"Ana", "Íñigo", "Lucía", "Xabier", "Zoe", "Ángela"};
    return nombres[cal_ahora_ms() % (sizeof nombres / sizeof nombres[0])];
}

int PREFIJO_saludo(const cal_proceso_t *p)
{
    return strncmp(cal_salida(p), "hola", 4) == 0;
}
EOF

cat >"$L/.calificador/entrada.c" <<'EOF'
/* entrada.c — lo que el programa debe rechazar: sin nombre, un mensaje de uso y el código 2. */
#include <criterion/criterion.h>

#include "comun.h"

#include <string.h>

CAL_PRUEBA(sin_argumento, 20)
static void sin_argumento(void)
{
    cal_esperado("código de salida 2 y un mensaje de uso en stderr");
    const char *args[] = {NULL};
    cal_proceso_t *p = PREFIJO_lanzar(args, 0);
    if (p == NULL)
        CAL_FIN(0);
    const char *err = cal_errores(p);
    int ok = cal_termino(p) && cal_codigo(p) == 2 && strspn(err, " \t\r\n") < strlen(err);
    char b[256], ex[512];
    cal_obtenido("%s; stderr:\n%s", PREFIJO_fin(p, b, sizeof b), cal_extracto(err, 4, ex, sizeof ex));
    cal_proceso_liberar(p);
    CAL_FIN(ok);
}
EOF

cat >"$L/.calificador/saludo.c" <<'EOF'
/* saludo.c — el tema del laboratorio de ejemplo: el saludo tras el temporizador. */
#include <criterion/criterion.h>

#include "comun.h"

#include <stdio.h>
#include <string.h>

CAL_PRUEBA(saluda, 20)
static void saluda(void)
{
    const char *nombre = PREFIJO_nombre();
    char esperado[64];
    snprintf(esperado, sizeof esperado, "hola, %s\n", nombre);
    cal_esperado("«hola, %s» en stdout y que el programa termine solo", nombre);
    const char *args[] = {nombre, NULL};
    cal_proceso_t *p = PREFIJO_lanzar(args, 0);
    if (p == NULL)
        CAL_FIN(0);
    /* Con qué código termina lo juzga «cierra» (parada.c). */
    int ok = cal_termino(p) && strcmp(cal_salida(p), esperado) == 0;
    char b[256], ex[512];
    cal_obtenido("%s; stdout:\n%s", PREFIJO_fin(p, b, sizeof b),
                 cal_extracto(cal_salida(p), 4, ex, sizeof ex));
    cal_proceso_liberar(p);
    CAL_FIN(ok);
}
EOF

cat >"$L/.calificador/parada.c" <<'EOF'
/* parada.c — la parada ordenada: tras saludar, el programa termina solo con el bucle cerrado
 * (uv_loop_close() == 0, el código 0 que devuelve main). Un temporizador sin uv_close deja
 * el bucle sin cerrar: uv_loop_close da UV_EBUSY. */
#include <criterion/criterion.h>

#include "comun.h"

CAL_PRUEBA(cierra, 20)
static void cierra(void)
{
    const char *nombre = PREFIJO_nombre();
    cal_esperado("tras el saludo, el programa termina solo con el código 0 (uv_loop_close() == 0)");
    const char *args[] = {nombre, NULL};
    cal_proceso_t *p = PREFIJO_lanzar(args, 0);
    if (p == NULL)
        CAL_FIN(0);
    int ok = PREFIJO_saludo(p) && cal_termino(p) && cal_codigo(p) == 0;
    char b[256];
    cal_obtenido("%s%s", PREFIJO_fin(p, b, sizeof b), PREFIJO_saludo(p) ? "" : ", sin saludar");
    cal_proceso_liberar(p);
    CAL_FIN(ok);
}
EOF

cat >"$L/.calificador/memoria.c" <<'EOF'
/* memoria.c — el programa bajo valgrind: saluda sin errores de memoria ni fugas. */
#include <criterion/criterion.h>

#include "comun.h"

CAL_PRUEBA(valgrind, 60)
static void valgrind(void)
{
    const char *nombre = PREFIJO_nombre();
    cal_esperado("bajo valgrind, el saludo, «ERROR SUMMARY: 0 errors» y sin fugas");
    const char *args[] = {nombre, NULL};
    cal_proceso_t *p = PREFIJO_lanzar(args, 1);
    if (p == NULL)
        CAL_FIN(0);
    char motivo[256];
    int ok = PREFIJO_saludo(p) && cal_valgrind_veredicto(p, motivo, sizeof motivo);
    if (!PREFIJO_saludo(p))
        cal_obtenido("bajo valgrind no saludó");
    else
        cal_obtenido("%s", motivo);
    if (!ok)
        cal_valgrind_nota(p);
    cal_proceso_liberar(p);
    CAL_FIN(ok);
}
EOF
sed -i "s/PREFIJO_/${PROG}_/g" "$L"/.calificador/*.[ch]
# Con el prefijo ya puesto, las líneas cambian de largo: el formato del curso (.clang-format).
if command -v clang-format >/dev/null; then clang-format -i "$L"/.calificador/*.[ch]; fi

# Los mutantes: la solución con un fallo, como parche (diff -u) con su cabecera (la
# descripción), y su fila en la tabla (lo que debe fallar). Con DESTINO, CABECERA y HITO, lo
# mismo para un programa por hitos (la solución recortada a un hito).
mutante() { # mutante NOMBRE "descripción" "ids" EXPRESIÓN_SED
  local tmp destino=${DESTINO:-$M} cabecera=${CABECERA:-"# Mutante del laboratorio $NUM: $2"}
  local clase=mutante
  [ -z "${HITO:-}" ] || clase=hito
  tmp=$(mktemp -d)
  mkdir -p "$tmp/a" "$tmp/b"
  bash autograder/herramientas/partidas.sh sin-marcas "$S/$PROG.c" >"$tmp/a/$PROG.c"
  cp "$tmp/a/$PROG.c" "$tmp/b/"
  sed -i -e "$4" "$tmp/b/$PROG.c"
  {
    echo "$cabecera"
    (cd "$tmp" && diff -u "a/$PROG.c" "b/$PROG.c" | sed -e '1s/\t.*//' -e '2s/\t.*//') || true
  } >"$destino/$1.patch"
  rm -rf "$tmp"
  bash autograder/herramientas/tabla-mutantes.sh anadir "$CARPETA" "$clase" "$1" "${HITO:--}" "$3" -
}
mutante no_saluda "El callback no imprime nada." "saluda cierra valgrind" 's/^    printf("hola, %s\\n".*$/    (void)t->data;/'
mutante saludo_sin_nombre "Saluda sin el nombre («hola,»)." saluda 's/"hola, %s\\n", (const char \*)t->data/"hola,\\n"/'
mutante sin_codigo "Sin argumentos devuelve 0." sin_argumento 's/^        return 2;/        return 0;/'
mutante sin_mensaje "Sin argumentos devuelve 2 pero no dice nada." sin_argumento '/uso: /d'
mutante sin_cerrar "El callback no cierra el temporizador: uv_loop_close da UV_EBUSY y lo del bucle queda sin liberar (valgrind)." "cierra valgrind" '/uv_close((uv_handle_t \*)t, NULL);/d'
mutante fuga "Guarda una copia del nombre y nunca la libera." valgrind 's/^#include <uv.h>/#include <string.h>\n#include <uv.h>/;s/t.data = argv\[1\];/t.data = strdup(argv[1]);/'
# El hito A: la entrada hecha (TODO 1) y el temporizador aún sin imprimir (TODO 2).
DESTINO=$H HITO=A CABECERA="# Programa del hito A (TODO 1): la entrada validada; el temporizador aún no saluda." \
  mutante A "" "saluda cierra valgrind" 's/^    printf("hola, %s\\n".*$/    (void)t->data;/'
for p in "$M"/*.patch "$H"/*.patch; do
  if ! grep -q '^@@' "$p"; then
    echo "nuevo-lab: el parche $p no cambió nada (error de nuevo-lab.sh)" >&2
    exit 1
  fi
done
python3 autograder/profesorado/tabla-labs.py
bash autograder/herramientas/tabla-mutantes.sh comprobar "$CARPETA"
echo "Laboratorio nuevo en $L (solución en $S, $(ls "$M" | wc -l) mutantes en $M, el programa del hito A en $H, lo que debe fallar cada uno en $L/.calificador/mutantes.tsv)."
echo "Pruébalo: make prueba-labs prueba-mutantes LAB=$NUM. Después, cámbialo por el de verdad (autograder/README.md, «Añadir un laboratorio»)."
