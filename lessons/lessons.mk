# lessons/: las lecciones del curso. Cada lessons/NN-tema/X.c es un programa completo que se
# construye en $(B)/lessons/NN-tema/X, enlazado con libcurso. El comprobador
# (lessons/verificar/verificar.sh, reglas en lessons/CONVENCIONES.md) ejecuta cada programa,
# compara su salida con la documentada en el README y lo pasa por valgrind.
#
#   make prueba-lecciones     comprueba todas las lecciones (forma parte de `make test`)
#   make leccion L=03         comprueba solo la lección 03 (L admite varias: L="01 02")

LECCIONES_SRCS := $(wildcard lessons/[0-9][0-9]-*/*.c lessons/[0-9][0-9][a-z]-*/*.c)
LECCIONES_BINS := $(patsubst lessons/%.c,$(B)/lessons/%,$(LECCIONES_SRCS))
LECCIONES_VERIFICAR := lessons/verificar/verificar.sh
# valgrind no puede ejecutar binarios con AddressSanitizer: con SAN=… las fugas las ve LSan
# (el programa termina con estado distinto de 0) y se omite valgrind.
LECCIONES_OPCIONES := -B $(B) $(if $(SAN),--sin-valgrind)

$(B)/lessons/%: $(B)/obj/lessons/%.o $(LIBCURSO)
	$(call ENLAZAR,$(CURSO_LIBS) $(LECCIONES_EXTRA))

# Variantes con sanitizadores (lección 11): un programa cuya cabecera tenga una línea
#   * variantes: asan tsan
# se construye además como X-asan (AddressSanitizer + UBSan) y X-tsan (ThreadSanitizer),
# enlazados con la libcurso normal. No con SAN=…: las opciones de dos sanitizadores chocan.
LECCIONES_VARIANTES := $(if $(SAN),,$(foreach f,$(LECCIONES_SRCS),$(foreach v,$(shell sed -n \
  's/^ \* variantes: *//p' $(f)),$(patsubst lessons/%.c,$(B)/lessons/%-$(v),$(f)))))
LECCIONES_SAN_asan := -fsanitize=address,undefined -fno-omit-frame-pointer
LECCIONES_SAN_tsan := -fsanitize=thread
define LECCIONES_VARIANTE
$(B)/lessons/%-$(1): lessons/%.c $(LIBCURSO)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  CC/LD   $$@")
	$$(Q)$$(CC) $$(CURSO_CFLAGS) $$(CFLAGS) $$(LECCIONES_SAN_$(1)) -o $$@ $$< $$(CURSO_LIBS)
endef
$(foreach v,asan tsan,$(eval $(call LECCIONES_VARIANTE,$(v))))
-include $(LECCIONES_VARIANTES:=.d)

# Un programa cuyo nombre empieza por prueba_ es un conjunto de pruebas Criterion: se enlaza
# también con Criterion (su main lo pone Criterion).
$(B)/lessons/%: LECCIONES_EXTRA = $(if $(filter prueba_%,$(notdir $*)),$(CRITERION_LIBS))

# Los programas del comprobador (no de una lección): guion conduce los servidores
# (CONVENCIONES §5) y no usa biblioteca alguna; registro lee el registro JSON del servidor de
# práctica (opción registro=) con jansson.
LECCIONES_GUION := $(B)/lessons/verificar/guion
LECCIONES_REGISTRO := $(B)/lessons/verificar/registro
LECCIONES_HERRAMIENTAS := $(LECCIONES_GUION) $(LECCIONES_REGISTRO)
$(LECCIONES_GUION): $(B)/obj/lessons/verificar/guion.o
	$(call ENLAZAR,)
$(LECCIONES_REGISTRO): $(B)/obj/lessons/verificar/registro.o
	$(call ENLAZAR,$(PKG_LIBS))

PROGRAMAS += $(LECCIONES_BINS) $(LECCIONES_VARIANTES) $(LECCIONES_HERRAMIENTAS)

# La lección 9 escribe un servidor HTTP con llhttp: sus programas se compilan con sus
# cabeceras y se enlazan con sus objetos (LLHTTP_* en el Makefile; common/TRAMPAS.md explica
# por qué en Debian 12 son fuentes y no una biblioteca). La regla de patrón más concreta gana.
$(B)/obj/lessons/09-servidores-http/%.o: EXTRA_CFLAGS_lessons += $(LLHTTP_CFLAGS)
$(B)/lessons/09-servidores-http/%: $(B)/obj/lessons/09-servidores-http/%.o $(LIBCURSO) \
                                   $(LLHTTP_OBJS)
	$(call ENLAZAR,$(LLHTTP_LIBS) $(CURSO_LIBS))


.PHONY: prueba-lecciones leccion
SUITES += prueba-lecciones

prueba-lecciones: $(LECCIONES_BINS) $(LECCIONES_VARIANTES) $(LECCIONES_HERRAMIENTAS) \
                  $(B)/bin/servidor-practica
	@bash $(LECCIONES_VERIFICAR) $(LECCIONES_OPCIONES)

# make leccion L=03: construye y comprueba solo esa lección (o esas, con L="01 03").
LECCION_DIRS := $(foreach l,$(L),$(wildcard lessons/$(l)-*))
LECCION_BINS := $(filter $(foreach d,$(LECCION_DIRS),$(B)/$(d)/%),$(LECCIONES_BINS) \
                  $(LECCIONES_VARIANTES))
leccion: $(LECCION_BINS) $(LECCIONES_HERRAMIENTAS) $(B)/bin/servidor-practica
	@test -n "$(L)" || { echo "Uso: make leccion L=03   (número de la lección)"; exit 2; }
	@test -n "$(strip $(LECCION_DIRS))" || { echo "No existe ninguna lección lessons/$(L)-*"; exit 2; }
	@bash $(LECCIONES_VERIFICAR) $(LECCIONES_OPCIONES) $(LECCION_DIRS)
# La práctica comprobada de cada lección (make practica L=NN): lessons/practica.mk.
include lessons/practica.mk

# Las reglas del comparador de salidas (comparar.awk), con casos que deben casar y que no.
.PHONY: prueba-comparar
SUITES += prueba-comparar
prueba-comparar:
	@bash lessons/verificar/prueba-comparar.sh

# El conductor de guiones: cada orden, y cada forma de fallar con su mensaje, contra el servidor
# eco de la lección 6.
.PHONY: prueba-guion
SUITES += prueba-guion
prueba-guion: $(LECCIONES_GUION) $(B)/lessons/06-flujos-tcp/servidor_eco
	@bash lessons/verificar/prueba-guion.sh $(B)

# El lector del registro del servidor de práctica, con un registro escrito a mano.
.PHONY: prueba-registro
SUITES += prueba-registro
prueba-registro: $(LECCIONES_REGISTRO)
	@bash lessons/verificar/prueba-registro.sh $(B)

# El curso se lee sin saber Python: ni código de Python fuera de los recuadros «Si conoces
# asyncio» ni referencias al curso del que este es la versión en C (lessons/CONVENCIONES.md §1).
.PHONY: prueba-sin-python
SUITES += prueba-sin-python
prueba-sin-python:
	@bash lessons/verificar/sin-python.sh
# Ningún capítulo pide aprender de golpe más de unos 25 nombres de biblioteca nuevos en sus
# programas (lessons/verificar/nombres-nuevos.py).
.PHONY: prueba-nombres
SUITES += prueba-nombres
prueba-nombres:
	@python3 lessons/verificar/nombres-nuevos.py
# El estilo de todo lo que lee un estudiante (glosario, unidades, decimales, frases, tildes):
# primero el control (la prueba salta donde debe), después el curso entero. CONVENCIONES.md §1.
.PHONY: prueba-estilo
SUITES += prueba-estilo
prueba-estilo:
	@python3 lessons/verificar/estilo.py --control
	@python3 lessons/verificar/estilo.py
