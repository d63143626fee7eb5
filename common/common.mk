# common/: la biblioteca del curso (libcurso), el servidor de práctica y sus pruebas.
#
#   common/src/*.c          -> $(B)/lib/libcurso.a
#   common/servidor/*.c     -> $(B)/lib/libservidor.a (todo menos principal.c) y
#                              $(B)/bin/servidor-practica (principal.c + las dos bibliotecas)
#   common/tests/*.c        -> $(B)/tests/common/<nombre> (Criterion, un binario por archivo)
#   common/fuzz/*.c         -> $(B)/fuzz/<nombre> (libFuzzer, solo con clang; ver prueba-fuzz)

COMMON_SRCS := $(wildcard common/src/*.c)
COMMON_OBJS := $(COMMON_SRCS:%.c=$(B)/obj/%.o)

SERVIDOR_SRCS := $(filter-out common/servidor/principal.c,$(wildcard common/servidor/*.c))
SERVIDOR_OBJS := $(SERVIDOR_SRCS:%.c=$(B)/obj/%.o)
EXTRA_CFLAGS_common = $(LLHTTP_CFLAGS)

COMMON_TESTS := $(patsubst common/tests/%.c,$(B)/tests/common/%,$(wildcard common/tests/*.c))

# Todo programa del curso enlaza con esto (en este orden).
CURSO_LIBS = $(LIBCURSO) $(PKG_LIBS) -lm

$(LIBCURSO): $(COMMON_OBJS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBSERVIDOR): $(SERVIDOR_OBJS) $(LLHTTP_OBJS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/bin/servidor-practica: $(B)/obj/common/servidor/principal.o $(LIBSERVIDOR) $(LIBCURSO)
	$(call ENLAZAR,$(LIBSERVIDOR) $(LLHTTP_LIBS) $(CURSO_LIBS))

$(B)/tests/common/%: $(B)/obj/common/tests/%.o $(LIBSERVIDOR) $(LIBCURSO)
	$(call ENLAZAR,$(LIBSERVIDOR) $(LLHTTP_LIBS) $(CURSO_LIBS) $(CRITERION_LIBS))

# La precarga que hace fallar el calloc que sigue a un accept (diseño, en su cabecera): con
# ella test_servidor_descarte ve al servidor sin memoria para un cliente nuevo. Sin SAN, como
# libvivos.so: la carga también el servidor con ASan de prueba-common-asan. La prueba no la
# enlaza, la busca en su $(B)/lib al arrancar el servidor: requisito de solo orden.
FALLA_CALLOC_SO := $(B)/lib/libfalla_calloc.so
$(FALLA_CALLOC_SO): common/tests/falla/calloc_tras_accept.c $(B)/.compilacion
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@ (precarga)")
	$(Q)$(CC) -std=gnu11 -Wall -Wextra -Werror $(DWARF_CFLAGS) $(CFLAGS) -fPIC -shared -o $@ $< -ldl
$(B)/tests/common/test_servidor_descarte: | $(FALLA_CALLOC_SO)

PROGRAMAS += $(LIBCURSO) $(B)/bin/servidor-practica $(COMMON_TESTS)

.PHONY: prueba-common prueba-common-valgrind prueba-common-asan
SUITES += prueba-formato prueba-common prueba-common-valgrind prueba-common-asan

# dependencias.sh: que no comprueba nada que su perfil no instale (la prueba, en su cabecera).
.PHONY: prueba-dependencias
SUITES += prueba-dependencias
prueba-dependencias:
	@bash common/herramientas/prueba-dependencias.sh

# El formato de nuestro C (.clang-format); qué se formatea y qué no, en el propio guion.
.PHONY: prueba-formato
prueba-formato:
	@bash common/herramientas/formato.sh comprobar

# Pruebas Criterion de la biblioteca y el servidor.
prueba-common: $(COMMON_TESTS) $(B)/bin/servidor-practica
	@bash common/herramientas/criterion.sh $(COMMON_TESTS)

# Fugas: Criterion nunca falla una prueba por una fuga, así que se comprueban aparte y se
# analiza el informe de valgrind / LeakSanitizer.
prueba-common-valgrind: $(COMMON_TESTS) $(B)/bin/servidor-practica
	@bash common/herramientas/fugas.sh valgrind $(COMMON_TESTS)

# La construcción con ASan (113 pasos) con tantos trabajos como núcleos: la suite corre sola
# (PRUEBAS_SOLAS en pruebas.sh) y, de uno en uno, dejaba un núcleo parado 130 s (60 con -j2).
# Los datos de los laboratorios (LABS_DATOS, que el Makefile incluye siempre) no dependen de la
# construcción: se copian los de aquí y `-o` le dice a make que no los rehaga. Sin eso, el make
# con ASan construía su propio ejecutor (calificar y sus 52 archivos) solo para escribirlos: la
# mitad de la construcción, y nadie lo usa.
NUCLEOS := $(shell nproc 2>/dev/null || echo 2)
prueba-common-asan: $(LABS_DATOS)
	@mkdir -p build/asan/labs && cp $(LABS_DATOS) build/asan/labs/variables.mk
	@$(MAKE) --no-print-directory -j$(NUCLEOS) -o build/asan/labs/variables.mk SAN=asan B=build/asan \
	  build/asan/bin/servidor-practica \
	  $(patsubst $(B)/%,build/asan/%,$(COMMON_TESTS))
	@bash common/herramientas/fugas.sh asan $(patsubst $(B)/%,build/asan/%,$(COMMON_TESTS))

# El objetivo de fuzzing (libFuzzer) tiene su propio fragmento.
-include common/fuzz/fuzz.mk

# El libro del curso (make libro) y PostgreSQL (make bd, make bd-parar y las pruebas de
# curso/bd.h): un fragmento cada uno.
include common/libro/libro.mk
include common/bd.mk

# El comprobador de fugas tiene dientes: una prueba limpia, una con fuga y una que muere por
# una señal, construidas normales y con ASan; fugas.sh tiene que suspender las dos últimas.
FUGAS_PRUEBA := limpio fuga estrella
FUGAS_PRUEBA_DIR := $(B)/tests/fugas-prueba
$(FUGAS_PRUEBA_DIR)/normal/%: common/herramientas/fugas-prueba/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O0 -g $(DWARF_CFLAGS) -w -o $@ $< $(CRITERION_LIBS)
$(FUGAS_PRUEBA_DIR)/asan/%: common/herramientas/fugas-prueba/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O0 -g $(DWARF_CFLAGS) -w -fsanitize=address,undefined -fno-omit-frame-pointer \
	  -o $@ $< $(CRITERION_LIBS)
.PHONY: prueba-fugas
SUITES += prueba-fugas
prueba-fugas: $(addprefix $(FUGAS_PRUEBA_DIR)/normal/,$(FUGAS_PRUEBA)) \
              $(addprefix $(FUGAS_PRUEBA_DIR)/asan/,$(FUGAS_PRUEBA))
	@bash common/herramientas/fugas-prueba/prueba.sh $(FUGAS_PRUEBA_DIR)/normal \
	  $(FUGAS_PRUEBA_DIR)/asan

# El relé que añade una ida y vuelta de red a voluntad (bench-basedatos, lección 10).
$(B)/bin/retardo: $(B)/obj/common/herramientas/retardo/retardo.o $(LIBCURSO)
	$(call ENLAZAR,$(CURSO_LIBS))
PROGRAMAS += $(B)/bin/retardo

# Lo que un estudiante deja corriendo en una terminal (grade, vigilar, práctica, servidor) va
# detrás de mientras-terminal: muere con la terminal, y todo lo que arrancó con ello.
# La regla nombra el binario, no la variable: un MIENTRAS_TERMINAL=otra-orden en la línea de
# make no puede hacer que se enlace encima de otra orden.
MIENTRAS_TERMINAL := $(B)/bin/mientras-terminal
$(B)/bin/mientras-terminal: $(B)/obj/common/herramientas/terminal/mientras_terminal.o
	$(call ENLAZAR,)
PROGRAMAS += $(B)/bin/mientras-terminal

# Nada nuestro sobrevive a su terminal: cada orden larga en tmux, y la sesión cerrada.
.PHONY: prueba-terminal
SUITES += prueba-terminal
prueba-terminal: $(B)/bin/mientras-terminal $(LIBCURSO) $(B)/bin/servidor-practica $(CALIFICAR) $(LABS_CALIFICADORES)
	@bash common/herramientas/terminal/prueba.sh $(B)

# vivos: cuando un programa no termina, qué mantiene vivo su bucle (handles activos y
# peticiones en curso, con archivo:línea). Una precarga (LD_PRELOAD) que se pone delante de
# libuv; la usan la práctica (lessons/practica/practica.sh) y el calificador (lanzar.c). Sin
# SAN: se carga en programas construidos de cualquier manera. Diseño, en la cabecera de vivos.c.
VIVOS_SO := $(B)/lib/libvivos.so
$(VIVOS_SO): common/herramientas/vivos/vivos.c common/herramientas/vivos/firma.h $(B)/.compilacion
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@ (precarga)")
	$(Q)$(CC) -std=gnu11 -Wall -Wextra -Werror $(shell pkg-config --cflags libuv 2>/dev/null) \
	  $(DWARF_CFLAGS) $(CFLAGS) -fPIC -shared -o $@ $< -ldl
PROGRAMAS += $(VIVOS_SO)

# La precarga tiene dientes: cinco programas colgados a propósito, uno que termina bien y
# uno que deja handles a su red de seguridad (VIVOS_CIERRE).
VIVOS_PRUEBA := temporizador servidor senal lectura muchas bien red para sale otro_bucle run_ajeno eco firma
VIVOS_PRUEBA_DIR := $(B)/tests/vivos
$(VIVOS_PRUEBA_DIR)/%: common/herramientas/vivos/prueba/%.c common/herramientas/vivos/firma.h
	@mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O2 -g $(DWARF_CFLAGS) -Wall -Wextra -Werror \
	  $(shell pkg-config --cflags libuv 2>/dev/null) -o $@ $< $(shell pkg-config --libs libuv 2>/dev/null)
.PHONY: prueba-vivos
SUITES += prueba-vivos
prueba-vivos: $(VIVOS_SO) $(addprefix $(VIVOS_PRUEBA_DIR)/,$(VIVOS_PRUEBA))
	@bash common/herramientas/vivos/prueba.sh $(VIVOS_PRUEBA_DIR) $(VIVOS_SO)
