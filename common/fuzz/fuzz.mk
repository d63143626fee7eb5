# common/fuzz/fuzz.mk — fuzzing del servidor de práctica con libFuzzer (incluido desde
# common/common.mk).
#
#   make prueba-fuzz     construye $(B)/fuzz/servidor_fuzz y lo ejecuta FUZZ_SEGUNDOS
#                        (20 por omisión) sobre un corpus semilla generado en
#                        $(B)/fuzz/corpus; falla si encuentra un fallo (crash-* en $(B)/fuzz/).
#
# Todo se compila con clang (libFuzzer solo existe ahí): las fuentes del servidor y llhttp
# directamente, no libcurso.a/libservidor.a de gcc, para que todo lleve la instrumentación.

FUZZ_CC ?= clang
FUZZ_SEGUNDOS ?= 20
FUZZ_SAN := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
            -fno-omit-frame-pointer -g -O1
FUZZ_DIR := $(B)/fuzz
FUZZ_BIN := $(FUZZ_DIR)/servidor_fuzz

# El servidor sin principal.c ni el pegamento con libuv (conexion_t no lo necesita), más el
# reloj, la huella SHA-256 y la secuencia de /bytes de libcurso.
FUZZ_FUENTES := common/fuzz/servidor_fuzz.c \
                $(filter-out common/servidor/servidor.c,$(SERVIDOR_SRCS)) \
                common/src/reloj.c common/src/huella.c common/src/secuencia.c
FUZZ_OBJS := $(FUZZ_FUENTES:%.c=$(FUZZ_DIR)/obj/%.o)
ifeq ($(LLHTTP_PKG),si)
FUZZ_LLHTTP_OBJS :=
else
FUZZ_LLHTTP_OBJS := $(addprefix $(FUZZ_DIR)/obj/llhttp/,llhttp.o api.o http.o)
endif

define fuzz_falta_clang
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { \
	  echo "✘ prueba-fuzz necesita $(FUZZ_CC) con libFuzzer (make deps lo instala: paquete clang)."; \
	  exit 1; }
endef

$(FUZZ_DIR)/obj/%.o: %.c
	$(fuzz_falta_clang)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CLANG   $<")
	$(Q)$(FUZZ_CC) -std=gnu11 -Wall -Wextra -Werror -I$(RAIZ)/common/include $(PKG_CFLAGS) \
	  $(LLHTTP_CFLAGS) $(FUZZ_SAN) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/obj/llhttp/%.o: $(LLHTTP_SRC_DIR)/%.c
	$(fuzz_falta_clang)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CLANG   $< (llhttp, sin -Werror)")
	$(Q)$(FUZZ_CC) -std=gnu11 -w $(LLHTTP_CFLAGS) $(FUZZ_SAN) -c $< -o $@

$(FUZZ_BIN): $(FUZZ_OBJS) $(FUZZ_LLHTTP_OBJS)
	$(fuzz_falta_clang)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -o $@ $^ $(LLHTTP_LIBS) $(PKG_LIBS) -lm

# Corpus semilla: unas cuantas peticiones válidas de cada ruta (el primer byte de cada
# archivo elige el tamaño de los trozos en que se entrega la entrada).
define fuzz_semilla
	@printf '%b' '$(2)' > $(FUZZ_DIR)/corpus/$(1)
endef

.PHONY: prueba-fuzz
SUITES += prueba-fuzz

prueba-fuzz: $(FUZZ_BIN)
	@rm -rf $(FUZZ_DIR)/corpus && mkdir -p $(FUZZ_DIR)/corpus
	$(call fuzz_semilla,ping,\x07GET /ping HTTP/1.1\r\nHost: x\r\n\r\n)
	$(call fuzz_semilla,encadenadas,\x20GET /delay/0.5 HTTP/1.1\r\n\r\nGET /status/418 HTTP/1.1\r\nConnection: close\r\n\r\n)
	$(call fuzz_semilla,get,\x01GET /get?a=%C3%A1+b&c=2 HTTP/1.1\r\nHost: x\r\nX-Uno: 1\r\n\r\n)
	$(call fuzz_semilla,bytes,\x05GET /bytes/3000?seed=4 HTTP/1.1\r\n\r\nHEAD /stream-bytes/500?chunk_size=7 HTTP/1.1\r\n\r\n)
	$(call fuzz_semilla,drip,\x11GET /drip?numbytes=30&duration=0.2&delay=0.1 HTTP/1.1\r\n\r\n)
	$(call fuzz_semilla,imagen,\x09GET /imagen/17/9?formato=bmp HTTP/1.1\r\n\r\nGET /imagen/3/3 HTTP/1.0\r\n\r\n)
	$(call fuzz_semilla,datos,\x30GET /posts/7 HTTP/1.1\r\n\r\nGET /users/ana%20b HTTP/1.1\r\n\r\nGET /json HTTP/1.1\r\n\r\n)
	$(call fuzz_semilla,clima,\x0bGET /clima/openmeteo?ciudad=M%C3%A1laga&retraso=1 HTTP/1.1\r\n\r\n)
	$(call fuzz_semilla,fallos,\x13GET /cortar/100 HTTP/1.1\r\n\r\nGET /inestable?id=z&fallos=1 HTTP/1.1\r\n\r\nGET /json-invalido HTTP/1.1\r\n\r\n)
	$(call fuzz_semilla,inmediata,\x87GET /json HTTP/1.1\r\n\r\nGET /ping HTTP/1.1\r\n\r\nGET /bytes/70000 HTTP/1.1\r\n\r\nHEAD /get HTTP/1.0\r\nConnection: keep-alive\r\n\r\n)
	$(call fuzz_semilla,alias,\x05GET /c/g?a=1 HTTP/1.1\r\n\r\nGET /c/nada?x HTTP/1.1\r\n\r\nGET /c/s HTTP/1.1\r\n\r\nGET /c/f HTTP/1.1\r\n\r\n)
	$(call fuzz_semilla,post,\x02POST /get HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n5\r\nhola!\r\n0\r\n\r\n)
	@rm -f $(FUZZ_DIR)/crash-* $(FUZZ_DIR)/leak-* $(FUZZ_DIR)/timeout-*
	@echo "Fuzzing $(FUZZ_SEGUNDOS) s de la conexión HTTP del servidor…"
	@$(FUZZ_BIN) -max_total_time=$(FUZZ_SEGUNDOS) -timeout=10 -rss_limit_mb=2048 \
	  -max_len=8192 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/ \
	  $(FUZZ_DIR)/corpus >$(FUZZ_DIR)/fuzz.log 2>&1; \
	  estado=$$?; \
	  grep -v '^"' $(FUZZ_DIR)/fuzz.log | tail -n 30; \
	  if [ $$estado -ne 0 ]; then \
	    echo "✘ libFuzzer encontró un fallo (estado $$estado); entradas en $(FUZZ_DIR)/crash-*"; \
	    exit 1; \
	  fi; \
	  echo "resumen: fuzzing sin fallos"

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
