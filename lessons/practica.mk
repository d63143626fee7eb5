# lessons/practica.mk: la práctica comprobada de cada lección (lessons/NN-tema/practica/).
# El comprobador es lessons/practica/practica.sh; el formato de los ejercicios y de su
# manifiesto «casos», en lessons/practica/README.md.
#
#   make practica L=02            compila y comprueba tus ejercicios de la lección 02
#   make practica L=02 E=1        solo el ejercicio 1-… de esa lección
#   make vigilar-practica L=02    vuelve a comprobar cada vez que guardas un ejercicio.c
#   make prueba-practica [L=02]   (make test) cada respuesta pasa, cada partida falla y cada
#                                 mutante se aplica a su respuesta
#   make prueba-practica-mutantes [L=02]
#                                 (un paso propio de .ci/run) cada mutante pierde justo sus
#                                 casos; por qué va aparte, en prueba-practica.sh

# llhttp (la práctica de la lección 9) va como en las lecciones: de pkg-config o sus objetos.
# Criterion (la práctica 2 de la lección 11) solo se enlaza en el programa que lo usa: --as-needed.
# PRACTICA_VIVOS: la precarga que dice qué mantiene vivo un ejercicio que no termina (common.mk).
PRACTICA_ENV = PRACTICA_CC="$(CC)" \
  PRACTICA_CFLAGS="$(filter-out -Werror -MMD -MP,$(CURSO_CFLAGS)) $(LLHTTP_CFLAGS) $(CFLAGS) $(CURSO_LDFLAGS)" \
  PRACTICA_VIVOS="$(abspath $(VIVOS_SO))" \
  PRACTICA_LIBS="$(LLHTTP_OBJS) $(LLHTTP_LIBS) $(CURSO_LIBS) -Wl,--push-state,--as-needed $(CRITERION_LIBS) -Wl,--pop-state"
# Los ejercicios 2 y 3 de la lección 8 arrancan su propio servidor de práctica
# (practica_arrancar): el binario tiene que estar construido.
PRACTICA_DEPS = $(LIBCURSO) $(LLHTTP_OBJS) $(B)/bin/servidor-practica $(B)/bin/mientras-terminal \
                $(VIVOS_SO)
PRACTICA_DIRS = $(foreach l,$(L),$(if $(E),$(wildcard lessons/$(l)-*/practica/$(E)-*),$(wildcard lessons/$(l)-*)))

.PHONY: practica vigilar-practica prueba-practica prueba-practica-mutantes
practica: $(PRACTICA_DEPS)
	@test -n "$(L)" || { echo "Uso: make practica L=02   (número de la lección; E=1 para un solo ejercicio)"; exit 2; }
	@test -n "$(strip $(PRACTICA_DIRS))" || { echo "No existe la lección (o el ejercicio) L=$(L) $(E)"; exit 2; }
	@$(PRACTICA_ENV) $(MIENTRAS_TERMINAL) bash lessons/practica/practica.sh -B $(B) $(PRACTICA_DIRS); test $$? -le 1

vigilar-practica: $(PRACTICA_DEPS)
	@test -n "$(strip $(PRACTICA_DIRS))" || { echo "Uso: make vigilar-practica L=02"; exit 2; }
	@$(PRACTICA_ENV) $(MIENTRAS_TERMINAL) bash lessons/practica/vigilar.sh -B $(B) $(PRACTICA_DIRS)

# Solo en el repositorio del profesorado: la edición del estudiante no tiene los mutantes (y de
# las respuestas, solo las publicadas: make publicar L=NN).
SUITES += $(if $(wildcard lessons/*/practica/*/.mutantes/*.patch),prueba-practica)
prueba-practica: $(PRACTICA_DEPS)
	@$(PRACTICA_ENV) bash lessons/practica/prueba-practica.sh -B $(B) --parte respuestas \
	  $(foreach l,$(L),$(wildcard lessons/$(l)-*))
prueba-practica-mutantes: $(PRACTICA_DEPS)
	@$(PRACTICA_ENV) bash lessons/practica/prueba-practica.sh -B $(B) --parte mutantes \
	  $(foreach l,$(L),$(wildcard lessons/$(l)-*))
