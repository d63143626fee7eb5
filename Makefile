# Programación asíncrona en C — construcción del curso.
#
# Todo lo generado va a $(B) (build/ por omisión); nada se escribe en las carpetas de fuentes.
# Cada zona del curso aporta su propio fragmento *.mk (common/, lessons/, labs/, autograder/,
# bench/): este Makefile solo define las reglas comunes y los incluye.
#
#   make            construye todo (biblioteca, servidor, ejemplos, laboratorios, calificador)
#   make grade      califica los laboratorios           (instala dependencias si faltan)
#   make test       ejecuta todas las pruebas del curso (instala dependencias si faltan)
#   make servidor   arranca el servidor de práctica en http://127.0.0.1:8080
#   make bench      compara rendimiento con otros programas (no forma parte de make test)
#   make deps       instala las dependencias (apt-get; en macOS imprime la orden de brew)
#   make compile_commands.json   base de datos de compilación para editores (bear)
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
PKGS := libuv libcurl jansson
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
CURSO_CFLAGS = -std=gnu11 -Wall -Wextra -Werror -I$(RAIZ)/common/include $(PKG_CFLAGS) \
               $(SAN_FLAGS) -MMD -MP
CURSO_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

LIBCURSO := $(B)/lib/libcurso.a
LIBSERVIDOR := $(B)/lib/libservidor.a

# Reglas genéricas: cualquier .c del árbol se compila a $(B)/obj/<ruta>.o
$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CURSO_CFLAGS) $(EXTRA_CFLAGS_$(firstword $(subst /, ,$<))) $(CFLAGS) -c $< -o $@

$(B)/obj/llhttp/%.o: $(LLHTTP_SRC_DIR)/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $< (llhttp, sin -Werror)")
	$(Q)$(CC) -std=gnu11 -w $(LLHTTP_CFLAGS) $(SAN_FLAGS) $(CFLAGS) -c $< -o $@

# Lo que cada fragmento añade:
#   PROGRAMAS  binarios que `make` construye       SUITES  objetivos que `make test` ejecuta
PROGRAMAS :=
SUITES :=

include common/common.mk
-include lessons/lessons.mk
-include labs/labs.mk
-include autograder/autograder.mk
-include bench/bench.mk

.PHONY: all deps deps-auto test grade servidor compile_commands.json limpiar clean

all: $(PROGRAMAS)

deps:
	@bash common/herramientas/dependencias.sh instalar

# Instala solo si falta algo: así `make grade` y `make test` bastan en una máquina nueva.
deps-auto:
	@bash common/herramientas/dependencias.sh comprobar >/dev/null 2>&1 || \
	  bash common/herramientas/dependencias.sh instalar

# `make test` ejecuta cada suite registrada y termina con la línea «pruebas: N passed, N failed».
test: deps-auto
	@$(MAKE) --no-print-directory all
	@bash common/herramientas/pruebas.sh $(SUITES)

servidor: $(B)/bin/servidor-practica
	$(B)/bin/servidor-practica --puerto 8080

compile_commands.json:
	@command -v bear >/dev/null || { echo "Falta bear: make deps"; exit 1; }
	@mkdir -p build
	bear --output build/compile_commands.json -- $(MAKE) --no-print-directory -B all
	@echo "Escrito build/compile_commands.json (clangd lo busca ahí)."

limpiar clean:
	rm -rf build

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
