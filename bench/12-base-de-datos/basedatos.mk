# bench/12-base-de-datos/: el pool del laboratorio 12 (solución en C sobre libuv y curso/bd.h)
# contra un pool de asyncpg y contra un bucle secuencial de libpq, con 10 000 inserciones en un
# PostgreSQL de usar y tirar; y, en una línea aparte, el modo pipeline de libpq.
#
#   make bench-basedatos         comparación completa (10 000 filas, pool de 10, commits durables)
#   make prueba-bench-basedatos  versión diminuta para `make test` (300 filas, sin fsync)

BD_CARGA := $(B)/bench/carga_bd
BD_SOLUCION := $(B)/soluciones/12-base-de-datos/basedatos

$(BD_CARGA): $(B)/obj/bench/12-base-de-datos/carga_bd.o
	$(call ENLAZAR,$(PKG_LIBS))

PROGRAMAS += $(BD_CARGA)
BENCH_EXTRA += _bench-basedatos

.PHONY: bench-basedatos _bench-basedatos prueba-bench-basedatos
bench-basedatos: deps-bench
	@$(MAKE) --no-print-directory _bench-basedatos

_bench-basedatos: $(BD_CARGA) $(BD_SOLUCION) $(B)/bin/retardo
	@bash bench/12-base-de-datos/comparar-basedatos.sh $(B) 10000 10 durable 3 1

SUITES += prueba-bench-basedatos
prueba-bench-basedatos: $(BD_CARGA) $(BD_SOLUCION) $(B)/bin/retardo
	@bash bench/12-base-de-datos/comparar-basedatos.sh $(B) 300 10 rapido 1 1
	@echo "resumen: la comparación de bases de datos funciona (tamaño mínimo)"
