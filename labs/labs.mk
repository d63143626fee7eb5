# labs/: los laboratorios (07–12). Cada labs/NN-tema/ con un lab.json aporta:
#
#   $(B)/labs/NN-tema/<programa>        el programa de partida (o lo que el estudiante
#                                       lleve hecho): todos los .c de labs/NN-tema/
#   $(B)/soluciones/NN-tema/<programa>  la solución: los .c fijos del laboratorio (los que
#                                       no están en «archivos» de lab.json) + solutions/NN-tema/*.c
#                                       (solo si existe solutions/NN-tema/)
#   $(B)/labs/NN-tema/<x>               un programa de ayuda por cada labs/NN-tema/cliente/<x>.c
#                                       (p. ej. el cliente de chat para probar a mano)
#
# El calificador oculto de cada laboratorio se construye con el calificador
# (autograder/autograder.mk). El nombre del programa y los archivos del estudiante
# y los .c fijos (LABS_NOMBRES, LAB_<lab>_PROG, LAB_<lab>_FIJOS) salen de lab.json a través
# del ejecutor, que es lo único que decide qué es fijo y qué del estudiante:
# $(LABS_DATOS), ver el Makefile.
LABS_PROGRAMAS :=
LABS_SOLUCIONES :=

# $(1) = nombre del laboratorio (07-monitor-web)
define LAB_REGLAS
LAB_$(1)_SOL := $$(wildcard solutions/$(1)/*.c)

$(B)/labs/$(1)/$$(LAB_$(1)_PROG): $$(patsubst %.c,$(B)/obj/%.o,$$(wildcard labs/$(1)/*.c)) $(LIBCURSO)
	$$(call ENLAZAR,$$(CURSO_LIBS))

$(B)/soluciones/$(1)/$$(LAB_$(1)_PROG): $$(patsubst %.c,$(B)/obj/%.o,$$(LAB_$(1)_FIJOS) $$(LAB_$(1)_SOL)) $(LIBCURSO)
	$$(call ENLAZAR,$$(CURSO_LIBS))

LAB_$(1)_AYUDAS := $$(patsubst labs/$(1)/cliente/%.c,$(B)/labs/$(1)/%,$$(wildcard labs/$(1)/cliente/*.c))
$(B)/labs/$(1)/%: $(B)/obj/labs/$(1)/cliente/%.o $(LIBCURSO)
	$$(call ENLAZAR,$$(CURSO_LIBS))

# Datos fijos del laboratorio (los .json que no son lab.json, p. ej. proveedores.json):
# se copian junto al programa, que los busca en su propia carpeta.
LAB_$(1)_DATOS := $$(notdir $$(filter-out labs/$(1)/lab.json,$$(wildcard labs/$(1)/*.json)))
$(B)/labs/$(1)/%.json: labs/$(1)/%.json
	@mkdir -p $$(@D) && cp $$< $$@
$(B)/soluciones/$(1)/%.json: labs/$(1)/%.json
	@mkdir -p $$(@D) && cp $$< $$@

LABS_PROGRAMAS += $(B)/labs/$(1)/$$(LAB_$(1)_PROG) $$(LAB_$(1)_AYUDAS) $$(addprefix $(B)/labs/$(1)/,$$(LAB_$(1)_DATOS))
ifneq ($$(LAB_$(1)_SOL),)
LABS_SOLUCIONES += $(B)/soluciones/$(1)/$$(LAB_$(1)_PROG) $$(addprefix $(B)/soluciones/$(1)/,$$(LAB_$(1)_DATOS))
endif
endef

$(foreach l,$(LABS_NOMBRES),$(eval $(call LAB_REGLAS,$(l))))

PROGRAMAS += $(LABS_PROGRAMAS) $(LABS_SOLUCIONES)
