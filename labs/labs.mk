# labs/: los laboratorios (07–12). Cada labs/NN-tema/ con un lab.json aporta:
#
#   $(B)/labs/NN-tema/<programa>        el programa de partida (o lo que el estudiante
#                                       lleve hecho): todos los .c de labs/NN-tema/
#   $(B)/soluciones/NN-tema/<programa>  la solución: los .c fijos del laboratorio (los que
#                                       no están en «archivos» de lab.json) + solutions/NN-tema/*.c
#                                       (solo si existe solutions/NN-tema/)
#   $(B)/labs/NN-tema/calificador       el calificador oculto (Criterion): los .c de
#                                       labs/NN-tema/.calificador/ + libcalificador
#   $(B)/labs/NN-tema/<x>               un programa de ayuda por cada labs/NN-tema/cliente/<x>.c
#                                       (p. ej. el cliente de chat para probar a mano)
#
# El nombre del programa y los archivos del estudiante salen de lab.json («programa» y
# «archivos», cada uno en su línea); make no sabe JSON, así que se leen con sed y el
# ejecutor (autograder/runner) valida el manifiesto entero con jansson.

LABS_DIRS := $(patsubst %/lab.json,%,$(sort $(wildcard labs/[0-9][0-9]-*/lab.json)))
LABS_NOMBRES := $(notdir $(LABS_DIRS))

# Los calificadores ocultos usan la biblioteca del calificador.
EXTRA_CFLAGS_labs = -I$(RAIZ)/autograder/include

lab_programa = $(shell sed -n 's/^[[:space:]]*"programa"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' $(1)/lab.json)
lab_archivos = $(shell sed -n 's/^[[:space:]]*"archivos"[[:space:]]*:[[:space:]]*\[\([^]]*\)\].*/\1/p' $(1)/lab.json | tr -d '",')

LABS_PROGRAMAS :=
LABS_SOLUCIONES :=
LABS_CALIFICADORES :=

# $(1) = nombre del laboratorio (07-monitor-web)
define LAB_REGLAS
LAB_$(1)_PROG := $$(call lab_programa,labs/$(1))
LAB_$(1)_EDIT := $$(addprefix labs/$(1)/,$$(call lab_archivos,labs/$(1)))
LAB_$(1)_FIJOS := $$(filter-out $$(LAB_$(1)_EDIT),$$(wildcard labs/$(1)/*.c))
LAB_$(1)_SOL := $$(wildcard solutions/$(1)/*.c)
LAB_$(1)_CALIF := $$(wildcard labs/$(1)/.calificador/*.c)

$(B)/labs/$(1)/$$(LAB_$(1)_PROG): $$(patsubst %.c,$(B)/obj/%.o,$$(wildcard labs/$(1)/*.c)) $(LIBCURSO)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(CC) $$(CURSO_LDFLAGS) -o $$@ $$(filter %.o,$$^) $$(CURSO_LIBS)

$(B)/soluciones/$(1)/$$(LAB_$(1)_PROG): $$(patsubst %.c,$(B)/obj/%.o,$$(LAB_$(1)_FIJOS) $$(LAB_$(1)_SOL)) $(LIBCURSO)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(CC) $$(CURSO_LDFLAGS) -o $$@ $$(filter %.o,$$^) $$(CURSO_LIBS)

$(B)/labs/$(1)/calificador: $$(patsubst %.c,$(B)/obj/%.o,$$(LAB_$(1)_CALIF)) $(B)/lib/libcalificador.a $(LIBCURSO)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(CC) $$(CURSO_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(B)/lib/libcalificador.a $$(CURSO_LIBS) $$(CRITERION_LIBS)

LAB_$(1)_AYUDAS := $$(patsubst labs/$(1)/cliente/%.c,$(B)/labs/$(1)/%,$$(wildcard labs/$(1)/cliente/*.c))
$(B)/labs/$(1)/%: $(B)/obj/labs/$(1)/cliente/%.o $(LIBCURSO)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(CC) $$(CURSO_LDFLAGS) -o $$@ $$< $$(CURSO_LIBS)

LABS_PROGRAMAS += $(B)/labs/$(1)/$$(LAB_$(1)_PROG) $$(LAB_$(1)_AYUDAS)
LABS_CALIFICADORES += $(B)/labs/$(1)/calificador
ifneq ($$(LAB_$(1)_SOL),)
LABS_SOLUCIONES += $(B)/soluciones/$(1)/$$(LAB_$(1)_PROG)
endif
endef

$(foreach l,$(LABS_NOMBRES),$(eval $(call LAB_REGLAS,$(l))))

PROGRAMAS += $(LABS_PROGRAMAS) $(LABS_SOLUCIONES) $(LABS_CALIFICADORES)
