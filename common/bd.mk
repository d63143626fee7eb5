# common/bd.mk — PostgreSQL para el curso: la base de datos de usar y tirar del estudiante
# (make bd / make bd-parar) y las pruebas de curso/bd.h contra un servidor de verdad.
#
#   make bd          arranca (o reutiliza) un PostgreSQL en build/bd (solo 127.0.0.1 y un socket
#                    en build/bd) e imprime la cadena de conexión; idempotente
#   make bd-parar    lo para (los datos se quedan en build/bd; make limpiar los borra)
#   make prueba-bd   pruebas Criterion de curso/bd.h y su pasada por valgrind, con un servidor
#                    propio que se para y se borra siempre (postgres.sh ejecutar)

BD_DIR := build/bd
BD_TEST := $(B)/tests/common/bd/test_bd

$(BD_TEST): $(B)/obj/common/tests/bd/test_bd.o $(LIBCURSO)
	$(call ENLAZAR,$(CURSO_LIBS) $(CRITERION_LIBS))

PROGRAMAS += $(BD_TEST)

.PHONY: bd bd-parar bd-estado prueba-bd
bd:
	@conexion=$$(bash common/herramientas/postgres.sh iniciar $(BD_DIR)) && \
	  echo "PostgreSQL en marcha (para pararlo: make bd-parar). Cadena de conexión:" >&2 && \
	  echo "$$conexion"

bd-parar:
	@bash common/herramientas/postgres.sh parar $(BD_DIR) && echo "PostgreSQL parado." >&2

bd-estado:
	@bash common/herramientas/postgres.sh estado $(BD_DIR)

SUITES += prueba-bd
# Un servidor para las dos pasadas; TMPDIR (build/tmp en make test) o /tmp para su carpeta.
# Antes, que postgres.sh no deja clústeres huérfanos en /tmp (prueba-huerfanas.sh).
prueba-bd: $(BD_TEST)
	@mkdir -p $${TMPDIR:-/tmp}
	@bash common/herramientas/prueba-huerfanas.sh
	@bash common/herramientas/postgres.sh ejecutar \
	  "$$(mktemp -u $${TMPDIR:-/tmp}/prueba-bd.XXXXXX)" \
	  bash -c 'bash common/herramientas/criterion.sh "$$1" && \
	           FUGAS_SALTAR="/usr/*,/bin/*,/sbin/*" bash common/herramientas/fugas.sh valgrind "$$1"' \
	  _ $(BD_TEST)
