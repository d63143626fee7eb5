# bench/: comparaciones de rendimiento. `make bench` no forma parte de las pruebas; dentro de
# `make test` solo corre una versión diminuta (prueba-bench) para que los guiones no se pudran.

BENCH_BINS := $(B)/bench/cliente_http

$(B)/bench/cliente_http: $(B)/obj/bench/cliente_http.o $(LIBCURSO)
	$(call ENLAZAR,$(CURSO_LIBS))

PROGRAMAS += $(BENCH_BINS)

.PHONY: bench _bench prueba-bench
bench: deps-bench
	@$(MAKE) --no-print-directory _bench

_bench: $(BENCH_BINS) $(B)/bin/servidor-practica
	@bash bench/comparar-cliente.sh $(B) 1000 50 5
	@echo
	@bash bench/comparar-servidor.sh $(B) 5 50
	@for b in $(BENCH_EXTRA); do echo; $(MAKE) --no-print-directory $$b || exit 1; done

SUITES += prueba-bench
prueba-bench: $(BENCH_BINS) $(B)/bin/servidor-practica
	@bash bench/comparar-cliente.sh $(B) 40 10 1
	@bash bench/comparar-servidor.sh $(B) 1 10 1
	@echo "resumen: las comparaciones funcionan (tamaño mínimo)"

# Cada comparación de un laboratorio vive en la carpeta con el nombre del laboratorio,
# bench/NN-tema/<nombre>.mk (p. ej. bench/09-sala-de-chat/chat.mk: `make bench-chat`), y se
# apunta sola: añade su objetivo completo a BENCH_EXTRA (lo llama `make bench`) y su versión
# diminuta a SUITES (la llama `make test`). Nada de este archivo cambia al añadir una.
BENCH_EXTRA :=
include $(sort $(wildcard bench/*/*.mk))

# En la edición del estudiante (make edicion-estudiante) solo están las soluciones publicadas:
# una comparación mide la solución de su laboratorio (el de su carpeta, bench/NN-tema/) y, sin
# publicar, no se puede ejecutar: no se apunta ni a make test ni a make bench.
ifneq ($(wildcard .edicion-estudiante),)
BENCH_LAB_DE = $(notdir $(patsubst %/,%,$(dir $(firstword $(wildcard bench/[0-9][0-9]-*/$(1).mk)))))
BENCH_SE_PUEDE = $(if $(call BENCH_LAB_DE,$(1)),$(wildcard solutions/$(call BENCH_LAB_DE,$(1))/*.c),si)
SUITES := $(foreach s,$(SUITES),$(if $(filter prueba-bench-%,$(s)),$(if $(call BENCH_SE_PUEDE,$(s:prueba-bench-%=%)),$(s)),$(s)))
BENCH_EXTRA := $(foreach b,$(BENCH_EXTRA),$(if $(call BENCH_SE_PUEDE,$(b:_bench-%=%)),$(b)))
endif
