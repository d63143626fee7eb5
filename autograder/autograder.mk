# autograder/: el ejecutor de `make grade` (calificar), la biblioteca común de los
# calificadores ocultos (libcalificador) y las suites que prueban el propio calificador.
#
#   make grade                        califica todos los laboratorios (archivos de labs/)
#   make grade LAB=07                 solo el laboratorio 07
#   make grade LAB=07 ENTREGA=dir     califica los archivos de dir como entrega del 07
#                                     (dir solo se lee)
#   make grade SOLUCIONES=1           califica solutions/ (la prueba de que da 100 %)
#   make grade LAB=07 HITO=B          solo hasta el hito B de lab.json, nota sobre 100 (no
#                                     se anota en make progreso)
#   make pista [LAB=07]               la pista concreta de la primera que falla (la última
#                                     calificación; no vuelve a calificar)
#   make grade DETALLE=1              en la terminal, el detalle de todas las que fallan (si
#                                     no, el de la primera y una línea de las demás)
#   make -s ruta LAB=07 [SOLUCIONES=1]  imprime la ruta del programa construido
#   make grade SALIDA=dir TRABAJOS=N  informes en dir; N verificaciones a la vez
#   make vigilar LAB=07, make progreso   el bucle del estudiante (herramientas/herramientas.mk)
#   make publicar LAB=07, edicion-estudiante, gradescope, grade-clase   el profesorado
#                                     (profesorado/profesorado.mk; no va en la edición del estudiante)
#
# Informes: $(B)/calificacion/results.json (Gradescope) y $(B)/calificacion/junit.xml.
# `make grade` sale con 0 siempre que haya calificado, sea cual sea la nota.

# Capas, de abajo arriba: base/ (textos, archivos, caja, lanzador de órdenes) ← lib/ (la
# biblioteca de los calificadores) ← runner/ (el ejecutor). Las dos primeras van en
# libcalificador.a; el ejecutor solo usa sus cabeceras públicas (include/calificador/).
CALIF_LIB_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(wildcard autograder/base/*.c autograder/lib/*.c))
CALIF_RUNNER_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(wildcard autograder/runner/*.c))
LIBCALIFICADOR := $(B)/lib/libcalificador.a
CALIFICAR := $(B)/bin/calificar
EXTRA_CFLAGS_autograder = -I$(RAIZ)/autograder/include
# El filtro seccomp de la caja (base/filtro.c) se construye con libseccomp: todo lo que enlaza
# libcalificador.a la necesita.
SECCOMP_LIBS = $(shell pkg-config --libs libseccomp 2>/dev/null || echo -lseccomp)

$(LIBCALIFICADOR): $(CALIF_LIB_OBJS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(CALIFICAR): $(CALIF_RUNNER_OBJS) $(LIBCALIFICADOR) $(LIBCURSO)
	$(call ENLAZAR,$(CURSO_LIBS) $(SECCOMP_LIBS))

PROGRAMAS += $(LIBCALIFICADOR) $(CALIFICAR)

# La puerta de la observación (autograder/observador/puerta.c, ver lib/observar.c): strace la
# ejecuta justo antes del programa; cierra la traza y, sin bwrap, pone el filtro seccomp.
CALIF_PUERTA := $(B)/bin/calif-puerta
$(CALIF_PUERTA): $(B)/obj/autograder/observador/puerta.o $(LIBCALIFICADOR)
	$(call ENLAZAR,$(SECCOMP_LIBS))
$(CALIFICAR): | $(CALIF_PUERTA)
PROGRAMAS += $(CALIF_PUERTA)

# El calificador oculto de cada laboratorio: los .c de labs/NN-tema/.calificador/ con
# libcalificador (Criterion). Sus fuentes ven las cabeceras del calificador.
# Un calificador que necesita PostgreSQL (el del 12) arranca el suyo con postgres.sh: su ruta,
# fija, para todos (sin nombrar laboratorios aquí).
EXTRA_CFLAGS_labs = -I$(RAIZ)/autograder/include \
  -DPOSTGRES_SH='"$(RAIZ)/common/herramientas/postgres.sh"'
define CALIFICADOR_DE_LAB
$(B)/labs/$(1)/calificador: $$(patsubst %.c,$(B)/obj/%.o,$$(wildcard labs/$(1)/.calificador/*.c)) \
                            $(LIBCALIFICADOR) $(LIBCURSO)
	$$(call ENLAZAR,$$(CURSO_LIBS) $$(CRITERION_LIBS) $$(SECCOMP_LIBS))
endef
$(foreach l,$(LABS_NOMBRES),$(eval $(call CALIFICADOR_DE_LAB,$(l))))
LABS_CALIFICADORES := $(patsubst %,$(B)/labs/%/calificador,$(LABS_NOMBRES))
PROGRAMAS += $(LABS_CALIFICADORES)

# Cómo se compila una entrega: como el curso pero sin -Werror (un aviso no debe valer un
# cero; el informe lo enseña igualmente) y con -O1 -g para que valgrind señale líneas (con
# clang, en DWARF 4: DWARF_CFLAGS, en el Makefile).
CALIF_CFLAGS = -std=gnu11 -Wall -Wextra -O1 -g $(DWARF_CFLAGS) -I$(RAIZ)/common/include $(PKG_CFLAGS)
CALIF_LIBS = $(abspath $(LIBCURSO)) $(PKG_LIBS) -lm

.PHONY: grade _calificar ruta prueba-caja prueba-labs prueba-mutantes prueba-autograder prueba-usuario

# Primero las dependencias de make grade (solo las suyas); después, en otra invocación de
# make, todo lo demás: así pkg-config se evalúa cuando las bibliotecas ya están instaladas.
grade: deps-grade
	@$(MAKE) --no-print-directory _calificar

# Solo los calificadores de los laboratorios elegidos; si uno no se construye (error del
# instructor), los demás se califican igual y el ejecutor dice cuál falta. El binario viejo
# de uno que ya no compila se borra: si no, se calificaría con un calificador que ya no es
# el de las fuentes y la nota parecería buena (make -q: ¿sigue sin estar al día?).
CALIF_ELEGIDOS = $(if $(LAB),$(filter $(addprefix $(B)/labs/$(LAB),%/calificador),$(LABS_CALIFICADORES)),$(LABS_CALIFICADORES))

_calificar: $(LIBCURSO) $(B)/bin/servidor-practica $(CALIFICAR) $(B)/bin/mientras-terminal $(VIVOS_SO)
	@$(MAKE) --no-print-directory -k $(CALIF_ELEGIDOS) || { \
	  for c in $(CALIF_ELEGIDOS); do \
	    $(MAKE) --no-print-directory -q "$$c" 2>/dev/null || rm -f "$$c"; \
	  done; \
	  echo "calificar: no se pudo construir algún calificador (ver arriba); se sigue con los demás" >&2; }
	@$(MIENTRAS_TERMINAL) $(CALIFICAR) --raiz "$(RAIZ)" --construccion "$(abspath $(B))" --cc "$(CC)" \
	  --cflags "$(CALIF_CFLAGS)" --libs "$(CALIF_LIBS)" \
	  $(if $(LAB),--lab "$(LAB)") $(if $(ENTREGA),--entrega "$(ENTREGA)") \
	  $(if $(filter 1 si sí,$(SOLUCIONES)),--soluciones) \
	  $(if $(filter 1 si sí,$(DETALLE)),--detalle) \
	  $(if $(HITO),--hito "$(HITO)") \
	  $(if $(HISTORIAL),--historial "$(HISTORIAL)",$(if $(or $(ENTREGA),$(HITO),$(filter 1 si sí,$(SOLUCIONES))),,--historial "$(abspath $(B))/progreso.json")) \
	  $(if $(SALIDA),--salida "$(SALIDA)") $(if $(TRABAJOS),--trabajos "$(TRABAJOS)") \
	  $(if $(AVISO_ENTREGA),--aviso-entrega "$(AVISO_ENTREGA)")

# La pista concreta de la primera verificación que falla en la última calificación.
.PHONY: pista
pista: $(CALIFICAR)
	@$(CALIFICAR) --raiz "$(RAIZ)" --construccion "$(abspath $(B))" --pista $(if $(LAB),--lab "$(LAB)")

RUTA_LAB = $(firstword $(filter $(LAB)%,$(LABS_NOMBRES)))
RUTA_PROG = $(if $(filter 1 si sí,$(SOLUCIONES)),$(B)/soluciones,$(B)/labs)/$(RUTA_LAB)/$(LAB_$(RUTA_LAB)_PROG)

ruta:
	@test -n "$(LAB)" -a -n "$(RUTA_LAB)" || { echo "ruta: indica un laboratorio que exista, p. ej. LAB=07" >&2; exit 2; }
	@$(MAKE) --no-print-directory "$(RUTA_PROG)" >/dev/null
	@echo "$(abspath $(RUTA_PROG))"

# --- Pruebas del calificador (make test) -----------------------------------------------------
# prueba-autograder necesita las entregas hostiles, que no van en la edición del estudiante
# (autograder/profesorado/solo-profesorado.txt): allí no se registra.
SUITES += prueba-caja prueba-labs $(if $(wildcard autograder/hostiles/*.c),prueba-autograder)

# Las capas del calificador (base/ ← lib/ ← runner/) sin círculos, leídas de los objetos.
SUITES += prueba-capas
.PHONY: prueba-capas
prueba-capas: $(LIBCALIFICADOR) $(CALIFICAR)
	@bash autograder/pruebas/capas.sh $(B) --control
	@bash autograder/pruebas/capas.sh $(B)

# La caja de arena por dentro: una sonda lanzada como entrega intenta salir (fork, clone,
# system, escribir en /, /dev/shm, conectar fuera de su red) con y sin bubblewrap.
CALIF_SONDA := $(B)/autograder/sonda
CALIF_TEST_CAJA := $(B)/autograder/test_caja
EXTRA_CFLAGS_autograder += -pthread

$(CALIF_SONDA): $(B)/obj/autograder/pruebas/caja/sonda.o
	$(call ENLAZAR,-pthread)

$(CALIF_TEST_CAJA): $(B)/obj/autograder/pruebas/caja/test_caja.o $(LIBCALIFICADOR) $(LIBCURSO)
	$(call ENLAZAR,$(LIBCALIFICADOR) $(CURSO_LIBS) $(CRITERION_LIBS) $(SECCOMP_LIBS))

PROGRAMAS += $(CALIF_SONDA) $(CALIF_TEST_CAJA)

# Por criterion.sh: cuenta desde la línea Synthesis y una prueba saltada no pasa por buena.
# La precarga vivos va en todas (como en una entrega) y caja::vivos_tras_senal la prueba (y,
# con .cierre, caja::sin_cerrar_por_tipo, con para y sale);
# calif-puerta, para caja::nombradas_con_la_pila (strace con la pila).
CAJA_VIVOS = CALIF_PRUEBA_PUERTA=$(abspath $(CALIF_PUERTA)) CALIF_VIVOS=$(abspath $(VIVOS_SO)) \
  CALIF_VIVOS_CIERRE=$(abspath $(VIVOS_SO)) VIVOS_PRUEBA_DIR=$(abspath $(VIVOS_PRUEBA_DIR)) \
  VIVOS_PRUEBA_PROGRAMA=$(abspath $(VIVOS_PRUEBA_DIR)/senal) VIVOS_PRUEBA_LUGAR=senal.c:$$(grep -n 'vivos: creado' common/herramientas/vivos/prueba/senal.c | cut -d: -f1)
prueba-caja: $(CALIF_SONDA) $(CALIF_TEST_CAJA) $(VIVOS_SO) $(CALIF_PUERTA) \
  $(addprefix $(VIVOS_PRUEBA_DIR)/,senal para sale)
	@echo "── con bubblewrap"
	@CALIF_PROGRAMA=$(abspath $(CALIF_SONDA)) CALIF_CAJA=bwrap $(CAJA_VIVOS) \
	  bash common/herramientas/criterion.sh $(CALIF_TEST_CAJA)
	@echo "── sin bubblewrap (solo límites)"
	@CALIF_PROGRAMA=$(abspath $(CALIF_SONDA)) CALIF_CAJA=limites $(CAJA_VIVOS) \
	  bash common/herramientas/criterion.sh $(CALIF_TEST_CAJA)
	@echo "resumen: la caja aguanta con y sin bubblewrap (ver arriba cada prueba)"

# Cada laboratorio: solución = 100 %, partida <= 20 %, al menos 4 mutantes que se aplican.
prueba-labs: $(LIBCURSO) $(B)/bin/servidor-practica $(CALIFICAR) $(LABS_CALIFICADORES) $(VIVOS_SO)
	@CC="$(CC)" CALIF_CFLAGS="$(CALIF_CFLAGS)" CALIF_LIBS="$(CALIF_LIBS)" \
	  bash autograder/pruebas/prueba-labs.sh "$(B)"

# La prueba completa de los mutantes: cada uno falla justo las verificaciones de su cabecera.
# No está en make test (no cabe en su tiempo): es un paso propio de .ci/run. MUTANTES_J=3.
prueba-mutantes: $(LIBCURSO) $(B)/bin/servidor-practica $(CALIFICAR) $(LABS_CALIFICADORES) $(VIVOS_SO)
	@CC="$(CC)" CALIF_CFLAGS="$(CALIF_CFLAGS)" CALIF_LIBS="$(CALIF_LIBS)" \
	  bash autograder/pruebas/prueba-mutantes.sh "$(B)"

# Contención: entregas hostiles (salen ya, giran, ignoran SIGTERM, demonios, inundan la
# salida, se comen la memoria, escriben en el repositorio o en el informe).
prueba-autograder: $(LIBCURSO) $(B)/bin/servidor-practica $(CALIFICAR) $(LABS_CALIFICADORES) $(VIVOS_SO)
	@CC="$(CC)" CALIF_CFLAGS="$(CALIF_CFLAGS)" CALIF_LIBS="$(CALIF_LIBS)" \
	  bash autograder/pruebas/prueba-autograder.sh "$(B)"

# `make grade` como un estudiante en su portátil: usuario normal (lo crea si se ejecuta como
# root), curso en su HOME, PATH sin /usr/sbin: califica el 07 (esqueleto, soluciones y sin
# caja de arena), sin sudo ni apt-get; y con un módulo «desinstalado» dice qué falta.
# Califica la solución del 07: en una edición del estudiante, solo si ya está publicada.
SUITES += $(if $(wildcard solutions/07-monitor-web/*.c),prueba-usuario)
prueba-usuario:
	@bash autograder/pruebas/prueba-usuario.sh "$(B)"

# El bucle del estudiante (vigilar, progreso) y las herramientas del profesorado (publicar
# soluciones, edición del estudiante, Gradescope, calificar una clase). Las del profesorado
# no van en la edición del estudiante: de ahí el «-include».
include autograder/herramientas/herramientas.mk
-include autograder/profesorado/profesorado.mk
