# bench/11-descargas/: el gestor de descargas del laboratorio 11 (solución en C sobre libuv)
# contra `curl --parallel` y contra la misma idea con aiohttp, como la escribe el curso de
# Python. Lo incluye bench/bench.mk, como a toda carpeta de bench/.
#
#   make bench-descargas          5 archivos de 200 MB a la vez (tiempo transcurrido, memoria)
#   make prueba-bench-descargas   versión diminuta para `make test` (5 × 4 MB, una vez)

DESCARGAS_SOLUCION := $(B)/soluciones/11-descargas/descargas

BENCH_EXTRA += _bench-descargas

.PHONY: bench-descargas _bench-descargas prueba-bench-descargas
bench-descargas: deps-bench
	@$(MAKE) --no-print-directory _bench-descargas

_bench-descargas: $(DESCARGAS_SOLUCION) $(B)/bin/servidor-practica
	@bash bench/11-descargas/comparar-descargas.sh $(B) 5 200 3

SUITES += prueba-bench-descargas
prueba-bench-descargas: $(DESCARGAS_SOLUCION) $(B)/bin/servidor-practica
	@bash bench/11-descargas/comparar-descargas.sh $(B) 5 4 1
	@echo "resumen: la comparación de descargas funciona (tamaño mínimo)"
