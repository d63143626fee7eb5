# autograder/herramientas/: el bucle del estudiante, alrededor de make grade.
#
#   make vigilar LAB=07     califica de nuevo cada vez que guardas un archivo del laboratorio
#                           (ENTREGA=dir vigila otra carpeta)
#   make progreso           cada laboratorio: última nota, mejor nota y paso siguiente
#
# Cada `make grade` de tus archivos (sin ENTREGA ni SOLUCIONES) anota su nota en
# $(B)/progreso.json; HISTORIAL=archivo lo cambia (y anota también con ENTREGA o SOLUCIONES).
.PHONY: vigilar progreso prueba-vigilar

HISTORIAL_DEF = $(B)/progreso.json

vigilar: $(CALIFICAR)
	@LAB="$(LAB)" ENTREGA="$(ENTREGA)" SALIDA="$(SALIDA)" HISTORIAL="$(HISTORIAL)" \
	  CALIFICAR="$(CALIFICAR)" MAKE="$(MAKE)" bash autograder/herramientas/vigilar.sh

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
