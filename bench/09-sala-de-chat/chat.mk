# bench/09-sala-de-chat/: la sala de chat del laboratorio 09 (solución en C sobre libuv) contra
# el mismo servidor escrito con asyncio, como lo escribe el curso de Python. Lo incluye
# bench/bench.mk, como a toda carpeta de bench/.
#
#   make bench-chat          comparación completa: 200 clientes × 50 mensajes y la memoria
#                            con 10 000 clientes conectados y callados
#   make prueba-bench-chat   versión diminuta para `make test` (20 × 5 y 200 callados) más una
#                            prueba del cliente de ejemplo del laboratorio
#
# El cliente de ejemplo del laboratorio (labs/09-sala-de-chat/cliente/) lo construye
# labs/labs.mk; aquí solo se prueba.

CHAT_CARGA := $(B)/bench/carga_chat
CHAT_CLIENTE := $(B)/labs/09-sala-de-chat/cliente_chat
CHAT_SOLUCION := $(B)/soluciones/09-sala-de-chat/chat

$(CHAT_CARGA): $(B)/obj/bench/09-sala-de-chat/carga_chat.o $(LIBCURSO)
	$(call ENLAZAR,$(CURSO_LIBS))

PROGRAMAS += $(CHAT_CARGA)
BENCH_EXTRA += _bench-chat

.PHONY: bench-chat _bench-chat prueba-bench-chat
bench-chat: deps-bench
	@$(MAKE) --no-print-directory _bench-chat

_bench-chat: $(CHAT_CARGA) $(CHAT_SOLUCION)
	@bash bench/09-sala-de-chat/comparar-chat.sh $(B) 200 50 10000 2

SUITES += prueba-bench-chat
prueba-bench-chat: $(CHAT_CARGA) $(CHAT_SOLUCION) $(CHAT_CLIENTE)
	@bash bench/09-sala-de-chat/probar-cliente.sh $(B)
	@bash bench/09-sala-de-chat/comparar-chat.sh $(B) 20 5 200 1
	@echo "resumen: la comparación de la sala de chat y el cliente de ejemplo funcionan (tamaño mínimo)"
