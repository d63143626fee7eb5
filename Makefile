# Programación asíncrona en C — construcción del curso.
#
# Todo lo generado va a $(B) (build/ por omisión); nada se escribe en las carpetas de fuentes.
# Cada zona del curso aporta su propio fragmento *.mk (common/, lessons/, labs/, autograder/,
# bench/): este Makefile solo define las reglas comunes y los incluye.
#
#   make            construye todo (biblioteca, servidor, ejemplos, laboratorios, calificador)
#   make grade      califica los laboratorios
#   make test       ejecuta todas las pruebas del curso
#   make servidor   arranca el servidor de práctica en http://127.0.0.1:8080
#   make bd         arranca un PostgreSQL de usar y tirar (laboratorio 12); make bd-parar lo para
#   make bench      compara rendimiento con otros programas (no forma parte de make test)
#   make deps       instala todas las dependencias (apt-get, con sudo si no eres root; en
#                   macOS imprime la orden de brew)
#   make compile_commands.json   base de datos de compilación para editores (bear)
#
# make, make grade, make test y make bench comprueban antes solo lo que cada uno necesita
# (common/herramientas/dependencias.sh): si falta algo, lo instalan solos si eso no pide
# contraseña (root, CI); si no, dicen qué falta y piden `make deps` una vez.
#
# Variables: CC, CFLAGS, LDFLAGS (sustituibles), V=1 (órdenes completas), B=carpeta de salida,
# SAN=asan (construye con AddressSanitizer+UBSan en build/asan).

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:
# Los .o intermedios se conservan: si no, make los borra y recompila en cada llamada.
.SECONDARY:

RAIZ := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

ifeq ($(SAN),asan)
B ?= build/asan
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer
else
B ?= build
SAN_FLAGS :=
endif

# Todo lo generado va a $(B): quien no puede crearlo (el curso es de otro usuario, p. ej. clonado
# por root en /root o en /srv y usado con otro usuario; o build/ de un `sudo make`) no llega a
# nada, y make solo decía «mkdir: cannot create directory ‘build’: Permission denied». Se mira
# la primera carpeta que existe de $(B) hacia arriba. `make deps` no escribe en $(B).
ifeq ($(filter deps deps-%,$(MAKECMDGOALS)),)
SIN_PERMISO := $(shell d='$(B)'; while [ ! -e "$$d" ]; do d=$$(dirname "$$d"); done; \
  [ -w "$$d" ] && [ -x "$$d" ] || echo "$$(cd "$$d" 2>/dev/null && pwd || echo "$$d")")
ifneq ($(SIN_PERMISO),)
$(error No puedes escribir en «$(SIN_PERMISO)» (es de $(shell stat -c %U '$(SIN_PERMISO)' \
  2>/dev/null)), y ahí va todo lo que se construye. Copia el curso a una carpeta tuya (git clone \
  $(RAIZ) ~/curso) y trabaja allí, o usa el usuario dueño de la carpeta)
endif
endif

CC ?= cc
CFLAGS ?= -O2 -g
LDFLAGS ?=

V ?= 0
ifeq ($(V),1)
Q :=
else
Q := @
endif

# --- Dependencias (pkg-config) -------------------------------------------------------------
# Se evalúan de forma perezosa (=) para que `make deps` pueda correr antes de que existan.
PKGS := libuv libcurl jansson libpq
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CRITERION_LIBS = $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)
PQ_CFLAGS = $(shell pkg-config --cflags libpq 2>/dev/null)
PQ_LIBS = $(shell pkg-config --libs libpq 2>/dev/null || echo -lpq)

# llhttp: libllhttp de pkg-config si existe (9.x); si no, las fuentes que trae node-llhttp
# (Debian 12, 8.1.0), compiladas aparte y sin -Werror porque no son código nuestro.
LLHTTP_PKG := $(shell pkg-config --exists libllhttp 2>/dev/null && echo si)
ifeq ($(LLHTTP_PKG),si)
LLHTTP_CFLAGS = $(shell pkg-config --cflags libllhttp)
LLHTTP_LIBS = $(shell pkg-config --libs libllhttp)
LLHTTP_OBJS :=
else
LLHTTP_SRC_DIR := /usr/share/llhttp
LLHTTP_CFLAGS := -I/usr/share/include/llhttp
LLHTTP_LIBS :=
LLHTTP_OBJS := $(addprefix $(B)/obj/llhttp/,llhttp.o api.o http.o)
endif

# --- Opciones de compilación de nuestro código ---------------------------------------------
# clang (14 en Debian 12) escribe la información de depuración en DWARF 5, que el valgrind
# 3.19 de Debian 12 no lee («debuginfo reader: ensure_valid failed»): con CC=clang, toda
# verificación de valgrind fallaba. Con clang se pide DWARF 4 (solo la versión: no añade
# -g). Se pregunta al compilador, no a su nombre: `cc` puede ser clang. Lo usan todas las
# compilaciones que lee valgrind: el curso, llhttp, las entregas (CALIF_CFLAGS) y las pruebas.
ES_CLANG := $(shell $(CC) --version 2>/dev/null | grep -q clang && echo si)
DWARF_CFLAGS := $(if $(ES_CLANG),-fdebug-default-version=4)
CURSO_CFLAGS = -std=gnu11 -Wall -Wextra -Werror -I$(RAIZ)/common/include $(PKG_CFLAGS) \
               $(SAN_FLAGS) $(DWARF_CFLAGS) -MMD -MP
CURSO_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

LIBCURSO := $(B)/lib/libcurso.a
LIBSERVIDOR := $(B)/lib/libservidor.a

# Con qué se compila. make no rehace nada si solo cambia el compilador: tras un
# `make CC=clang`, libcurso.a seguía siendo de clang en el siguiente `make grade`, y el
# valgrind 3.19 de Debian 12 no lee el DWARF 5 de clang 14 («debuginfo reader: ensure_valid
# failed»): la verificación de valgrind de una solución correcta daba 0. El archivo cambia
# (y con él se rehacen todos los objetos) solo cuando cambian estas opciones.
OPCIONES_COMPILACION = $(CC) $(CFLAGS) $(SAN_FLAGS)
$(B)/.compilacion: FORZAR
	@mkdir -p $(@D)
	@echo '$(OPCIONES_COMPILACION)' | cmp -s - $@ 2>/dev/null || \
	  echo '$(OPCIONES_COMPILACION)' >$@
.PHONY: FORZAR
FORZAR:

# Reglas genéricas: cualquier .c del árbol se compila a $(B)/obj/<ruta>.o
$(B)/obj/%.o: %.c $(B)/.compilacion
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CURSO_CFLAGS) $(EXTRA_CFLAGS_$(firstword $(subst /, ,$<))) $(CFLAGS) -c $< -o $@

$(B)/obj/llhttp/%.o: $(LLHTTP_SRC_DIR)/%.c $(B)/.compilacion
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $< (llhttp, sin -Werror)")
	$(Q)$(CC) -std=gnu11 -w $(LLHTTP_CFLAGS) $(SAN_FLAGS) $(DWARF_CFLAGS) $(CFLAGS) -c $< -o $@

# La única receta de enlace: los objetos y bibliotecas de los requisitos, y las bibliotecas
# que se le pasen ($(1)). Uso: $(call ENLAZAR,$(CURSO_LIBS)).
define ENLAZAR
@mkdir -p $(@D)
@$(if $(Q),echo "  LD      $@")
$(Q)$(CC) $(CURSO_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(1)
endef

# Objetivos de «portada»: comprueban las dependencias y vuelven a llamar a make. No necesitan
# los datos de los laboratorios (que salen del ejecutor ya construido: ver labs/labs.mk).
PORTADA := all deps deps-grade deps-test deps-bench deps-libro deps-auto grade test bench \
           bench-chat limpiar clean compile_commands.json libro _libro libro-abrir \
           bd bd-parar bd-estado prueba-plataformas deps-plataformas pasada-mutantes pasada-hostiles
SOLO_PORTADA := $(if $(filter-out $(PORTADA),$(or $(MAKECMDGOALS),all)),,si)

# Lo que cada fragmento añade:
#   PROGRAMAS  binarios que `make` construye       SUITES  objetivos que `make test` ejecuta
PROGRAMAS :=
SUITES :=

# Los datos de los laboratorios (programa y archivos del estudiante de cada lab.json) los
# escribe el ejecutor, que es lo único que lee lab.json: make no sabe JSON. Los objetivos de
# portada no los necesitan (y en una máquina nueva aún no se puede construir el ejecutor).
LABS_DATOS := $(B)/labs/variables.mk
ifneq ($(SOLO_PORTADA),si)
include $(LABS_DATOS)
endif
$(LABS_DATOS): $(B)/bin/calificar $(wildcard labs/[0-9][0-9]-*/lab.json)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(B)/bin/calificar --raiz $(RAIZ) --variables >$@.tmp && mv $@.tmp $@

# Los fragmentos no dependen del orden: cada uno usa en sus reglas solo variables propias,
# las de este Makefile o rutas literales.
include common/common.mk
include lessons/lessons.mk
include labs/labs.mk
include autograder/autograder.mk
include bench/bench.mk
include common/herramientas/plataformas/plataformas.mk

.PHONY: all programas deps deps-grade deps-test deps-bench deps-auto test grade servidor \
        compile_commands.json limpiar clean

# Primero las dependencias; después, en otra invocación de make, los programas: así
# pkg-config y llhttp se evalúan cuando las bibliotecas ya están instaladas.
all: deps-grade
	@$(MAKE) --no-print-directory programas

programas: $(PROGRAMAS)

deps:
	@bash common/herramientas/dependencias.sh instalar

# Cada objetivo comprueba solo su perfil (grade, test o bench). Si no falta nada, no dice ni
# instala nada; nunca se intenta instalar en cada ejecución.
deps-grade deps-test deps-bench deps-libro:
	@CC="$(CC)" bash common/herramientas/dependencias.sh asegurar $(@:deps-%=%) \
	  "make$(if $(MAKECMDGOALS), $(MAKECMDGOALS))"

# Nombre antiguo, para los fragmentos que aún lo usen: lo que necesitan make y make grade.
deps-auto: deps-grade

# `make test` ejecuta cada suite registrada y termina con la línea «pruebas: N passed, N failed».
test: deps-test
	@$(MAKE) --no-print-directory programas
	@bash common/herramientas/pruebas.sh $(SUITES)

servidor: $(B)/bin/servidor-practica $(B)/bin/mientras-terminal
	$(MIENTRAS_TERMINAL) $(B)/bin/servidor-practica --puerto $(or $(PUERTO),8080)

compile_commands.json:
	@command -v bear >/dev/null || { echo "Falta bear: make deps"; exit 1; }
	@mkdir -p build
	bear --output build/compile_commands.json -- $(MAKE) --no-print-directory -B programas
	@echo "Escrito build/compile_commands.json (clangd lo busca ahí)."

# Antes de borrar build/, el PostgreSQL de make bd: parado (si no, seguiría en marcha sin sus
# datos) y borrado, también la carpeta de /tmp a la que va cuando build/ no le es alcanzable.
limpiar clean:
	@if [ -d build ]; then bash common/herramientas/postgres.sh borrar-todos build; fi
	rm -rf build

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
