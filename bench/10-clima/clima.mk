# bench/10-clima/: el agregador del laboratorio 10 (solución en C sobre libuv y el cliente HTTP
# del curso) contra el mismo programa con aiohttp y asyncio.gather, como lo escribe el curso
# de Python. Lo incluye bench/bench.mk, como a toda carpeta de bench/.
#
#   make bench-clima          300 peticiones (100 ciudades × 3 proveedores) que tardan 50 ms,
#                             3 repeticiones: tiempo transcurrido y de CPU de cada uno y los
#                             cocientes
#   make prueba-bench-clima   versión diminuta para `make test` (30 peticiones, 1 repetición)

CLIMA_SOLUCION := $(B)/soluciones/10-clima/clima

BENCH_EXTRA += _bench-clima

.PHONY: bench-clima _bench-clima prueba-bench-clima
bench-clima: deps-bench
	@$(MAKE) --no-print-directory _bench-clima

_bench-clima: $(CLIMA_SOLUCION) $(B)/bin/servidor-practica
	@bash bench/10-clima/comparar-clima.sh $(B) 100 3 100

SUITES += prueba-bench-clima
prueba-bench-clima: $(CLIMA_SOLUCION) $(B)/bin/servidor-practica
	@bash bench/10-clima/comparar-clima.sh $(B) 10 1 10
	@echo "resumen: la comparación del agregador del clima funciona (tamaño mínimo)"
