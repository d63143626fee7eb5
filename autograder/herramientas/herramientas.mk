# autograder/herramientas/: el bucle del estudiante, alrededor de make grade.
#
#   make vigilar LAB=07     comprueba de nuevo cada vez que guardas un archivo del laboratorio:
#                           la primera que falla en cuanto se sabe (ENTREGA=dir vigila otra
#                           carpeta; no es la nota ni anota el progreso)
#   make progreso           cada laboratorio: última nota, mejor nota y paso siguiente
#   make partidas [LAB=07]  rehace los programas de partida desde su solución (profesorado)
#   make lineas-hitos [LAB=07]  cada hito: sus verificaciones, sus horas y cuántas líneas de
#                           código nuevas pide (con la solución y los programas por hitos)
#
# Cada `make grade` de tus archivos (sin ENTREGA ni SOLUCIONES; make vigilar tampoco) anota su nota en
# $(B)/progreso.json; HISTORIAL=archivo lo cambia (y anota también con ENTREGA o SOLUCIONES).
.PHONY: vigilar progreso prueba-vigilar lineas-hitos partidas

HISTORIAL_DEF = $(B)/progreso.json

# Como make grade: primero sus dependencias; después, en otra invocación (pkg-config ya con
# todo instalado), lo que hace falta para calificar LAB, una sola vez. vigilar.sh llama
# después al ejecutor directamente (calificar --primera) en cada guardado, sin pasar por make.
.PHONY: _vigilar
vigilar: deps-grade
	@$(MAKE) --no-print-directory _vigilar

_vigilar: $(LIBCURSO) $(B)/bin/servidor-practica $(CALIFICAR) $(B)/bin/mientras-terminal $(VIVOS_SO)
	@$(MAKE) --no-print-directory -k $(CALIF_ELEGIDOS) || \
	  echo "vigilar: no se pudo construir algún calificador (ver arriba)" >&2
	@LAB="$(LAB)" ENTREGA="$(ENTREGA)" SALIDA="$(SALIDA)" CALIFICAR="$(CALIFICAR)" \
	  CONSTRUCCION="$(abspath $(B))" CC="$(CC)" CALIF_CFLAGS="$(CALIF_CFLAGS)" \
	  CALIF_LIBS="$(CALIF_LIBS)" $(MIENTRAS_TERMINAL) bash autograder/herramientas/vigilar.sh

lineas-hitos:
	@bash autograder/herramientas/lineas-hitos.sh "$(LAB)" | \
	  awk -F'\t' 'BEGIN { printf "%-22s %-4s %6s %6s %7s  %s\n", "laboratorio", "hito", "verif.", "horas", "líneas", "título" } \
	    { printf "%-22s %-4s %6s %6s %7s  %s\n", $$1, $$2, $$3, $$4, $$5, $$6 }'

progreso: $(CALIFICAR)
	@$(CALIFICAR) --raiz "$(RAIZ)" --progreso --historial "$(or $(HISTORIAL),$(HISTORIAL_DEF))"

# make vigilar guiado por archivos que se tocan, make progreso y el avance en una terminal.
SUITES += prueba-vigilar
prueba-vigilar: $(LIBCURSO) $(B)/bin/servidor-practica $(CALIFICAR) $(LABS_CALIFICADORES)
	@CC="$(CC)" CALIF_CFLAGS="$(CALIF_CFLAGS)" CALIF_LIBS="$(CALIF_LIBS)" \
	  bash autograder/pruebas/prueba-vigilar.sh "$(B)"

# Todo lo que hace falta para calificar LAB (o todos), sin calificar: lo usa el setup.sh de
# Gradescope para construir el curso una sola vez.
.PHONY: preparar-calificacion
preparar-calificacion: $(LIBCURSO) $(B)/bin/servidor-practica $(CALIFICAR) $(CALIF_ELEGIDOS)

# Las suites que ejecutaría make test aquí (en la edición del estudiante son menos).
.PHONY: listar-suites
listar-suites:
	@echo $(SUITES)

# Los programas de partida (labs/NN-tema/) salen de su solución (solutions/NN-tema/) con las
# marcas «//@» (autograder/herramientas/partidas.sh; autograder/README.md, «Partidas»):
# make partidas [LAB=07] las rehace; prueba-labs comprueba que están al día.
partidas:
	@bash autograder/herramientas/partidas.sh generar "$(LAB)"
