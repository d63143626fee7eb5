# bench/08-contador-palabras/: el contador de palabras del laboratorio 08 (solución en C sobre
# libuv) contra `LC_ALL=C wc -w` y contra el mismo programa con aiofiles, como lo escribe el
# curso de Python. Lo incluye bench/bench.mk, como a toda carpeta de bench/.
#
#   make bench-contador          comparación completa: 1 GB en 8 archivos (en $(B)/, se
#                                borra al terminar), mejor de 2
#   make prueba-bench-contador   versión diminuta para `make test` (8 MB, una vez)

CONTADOR_SOLUCION := $(B)/soluciones/08-contador-palabras/contador

BENCH_EXTRA += _bench-contador

.PHONY: bench-contador _bench-contador prueba-bench-contador
bench-contador: deps-bench
	@$(MAKE) --no-print-directory _bench-contador

_bench-contador: $(CONTADOR_SOLUCION)
	@bash bench/08-contador-palabras/comparar-contador.sh $(B) 1024 2

SUITES += prueba-bench-contador
prueba-bench-contador: $(CONTADOR_SOLUCION)
	@bash bench/08-contador-palabras/comparar-contador.sh $(B) 8 1
	@echo "resumen: la comparación del contador de palabras funciona (tamaño mínimo)"
