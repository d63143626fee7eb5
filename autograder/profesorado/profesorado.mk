# autograder/profesorado/: las herramientas del profesorado. No van en la edición del
# estudiante (solo-profesorado.txt), por eso autograder.mk lo incluye con «-include».
#
#   make publicar LAB=07 / make despublicar LAB=07   «solucion_publicada» de su lab.json
#   make publicar L=07 / make despublicar L=07       las respuestas de la práctica de la lección 7
#   make estado-soluciones                           qué soluciones están publicadas
#   make edicion-estudiante DEST=dir                 la edición del estudiante (repositorio git)
#   make gradescope LAB=07                           build/gradescope/07-monitor-web.zip
#   make vpl LAB=07                                  build/vpl/07-monitor-web.zip (Moodle VPL)
#   make classroom LAB=07                            build/classroom/07-monitor-web/ (GitHub Classroom)
#   make grade-clase LAB=07 ENTREGAS=dir [J=n]       califica cada subcarpeta de dir (J a la vez)
#        [ALUMNO=carpeta] [LISTA=lista.txt]          (build/clase/<lab>/notas.csv, notas-es.csv…)
#        [HITO=B]                                    solo hasta ese hito, sobre 100 (build/clase/<lab>-hito-B/)
#   make nuevo-lab NUM=13 NOMBRE=saludo             un laboratorio nuevo, probado desde el principio
#   make tabla-labs                                  la tabla de labs/README.md, de los lab.json
#   make pasada-mutantes [LAB=07]                    antes de entregar: make prueba-mutantes (entero, o
#                                                    de un laboratorio) y, si pasa, lo sella por partes
#                                                    en autograder/mutantes/PASADA.txt (CI comprueba que
#                                                    cada parte es de lo que se entrega)
#   make pasada-hostiles [PARTE=trampas]             antes de entregar, si cambió lo que califica a los
#                                                    hostiles: cada parte de prueba-autograder sola (sin
#                                                    PARTE, las que faltan) y sella las que pasan en
#                                                    autograder/hostiles/PASADA.txt (make test
#                                                    comprueba el sello en vez de ejecutarla)
.PHONY: publicar despublicar estado-soluciones edicion-estudiante gradescope vpl classroom grade-clase \
        nuevo-lab tabla-labs pasada-mutantes pasada-hostiles \
        prueba-edicion prueba-gradescope prueba-clase prueba-pasada

publicar despublicar: $(CALIFICAR)
	@$(if $(L),bash autograder/profesorado/publicar-practica.sh --$@ "$(L)",$(CALIFICAR) --raiz "$(RAIZ)" --$@ $(if $(LAB),--lab "$(LAB)"))

estado-soluciones: $(CALIFICAR)
	@$(CALIFICAR) --raiz "$(RAIZ)" --estado-soluciones
	@bash autograder/profesorado/publicar-practica.sh --estado

edicion-estudiante: $(CALIFICAR)
	@test -n "$(DEST)" || { echo "edicion-estudiante: di dónde, p. ej. make edicion-estudiante DEST=../curso-estudiantes" >&2; exit 2; }
	@CALIFICAR="$(abspath $(CALIFICAR))" bash autograder/profesorado/edicion.sh "$(abspath $(DEST))"

gradescope: $(CALIFICAR)
	@CALIFICAR="$(abspath $(CALIFICAR))" bash autograder/profesorado/gradescope.sh "$(LAB)" "$(HITO)"

vpl: $(CALIFICAR)
	@CALIFICAR="$(abspath $(CALIFICAR))" bash autograder/profesorado/vpl.sh "$(LAB)" "$(HITO)"

classroom: $(CALIFICAR)
	@CALIFICAR="$(abspath $(CALIFICAR))" bash autograder/profesorado/classroom.sh "$(LAB)" "$(HITO)"

# Lo mismo que make grade (caja, límites, informes), para cada subcarpeta de ENTREGAS.
grade-clase: deps-grade
	@$(MAKE) --no-print-directory _grade-clase
_grade-clase: $(LIBCURSO) $(B)/bin/servidor-practica $(CALIFICAR)
	@$(MAKE) --no-print-directory -k $(CALIF_ELEGIDOS)
	@CC="$(CC)" CALIF_CFLAGS="$(CALIF_CFLAGS)" CALIF_LIBS="$(CALIF_LIBS)" \
	  CALIFICAR="$(abspath $(CALIFICAR))" B="$(abspath $(B))" TRABAJOS="$(TRABAJOS)" \
	  ALUMNO="$(ALUMNO)" LISTA="$(if $(LISTA),$(abspath $(LISTA)))" HITO="$(HITO)" \
	  bash autograder/profesorado/clase.sh "$(LAB)" "$(ENTREGAS)" "$(J)"

nuevo-lab:
	@bash autograder/profesorado/nuevo-lab.sh "$(NUM)" "$(NOMBRE)"

tabla-labs:
	@python3 autograder/profesorado/tabla-labs.py

# Las pruebas de estas herramientas (make test).
SUITES += prueba-edicion prueba-gradescope prueba-clase
prueba-edicion: $(CALIFICAR)
	@bash autograder/profesorado/pruebas/prueba-edicion.sh "$(B)"
prueba-gradescope: $(LIBCURSO) $(B)/bin/servidor-practica $(CALIFICAR) $(LABS_CALIFICADORES)
	@CC="$(CC)" CALIF_CFLAGS="$(CALIF_CFLAGS)" CALIF_LIBS="$(CALIF_LIBS)" \
	  bash autograder/profesorado/pruebas/prueba-gradescope.sh "$(B)"
prueba-clase: $(LIBCURSO) $(B)/bin/servidor-practica $(CALIFICAR) $(LABS_CALIFICADORES)
	@CC="$(CC)" CALIF_CFLAGS="$(CALIF_CFLAGS)" CALIF_LIBS="$(CALIF_LIBS)" \
	  bash autograder/profesorado/pruebas/prueba-clase.sh "$(B)"

# La pasada de los mutantes no cabe en CI junto a make test (pasada-mutantes.sh dice por qué):
# se hace antes de entregar y queda sellada, por partes, con la huella de lo que califica a los
# mutantes; .ci/run comprueba con `pasada-mutantes.sh comprobar` que cada huella es la de ahora.
# Sin LAB, todos (la pasada entera, la que hace falta si cambió lo común); con LAB=NN, solo los
# de ese laboratorio (basta si solo cambió lo suyo). El informe pasa por tee: make
# prueba-mutantes sigue igual, y lo que se sella es su salida. Una pasada a la vez (flock): dos
# a la vez escribían el mismo informe y se sellaba una mezcla (se vio el 25-11-2026).
# Antes de calificar nada, el formato (formato.sh) y el estilo (estilo.py): arreglarlos
# después cambia archivos sellados y pide otra pasada (el 26-11-2026, 50 minutos más por
# espacios en vivos.c).
.PHONY: antes-de-pasada
antes-de-pasada:
	@mkdir -p "$(B)"
	@bash common/herramientas/formato.sh comprobar >/dev/null || { bash common/herramientas/formato.sh \
	  comprobar; echo "Arregla el formato antes de la pasada (bash common/herramientas/formato.sh aplicar)." >&2; exit 1; }
	@python3 lessons/verificar/estilo.py >/dev/null || { python3 lessons/verificar/estilo.py | tail -n 20; \
	  echo "Arregla el estilo antes de la pasada: lo que señala puede estar en archivos sellados." >&2; exit 1; }
# Las dos pasadas, con el python3 de Debian delante en el PATH (python-del-sistema.sh): leen
# cientos de results.json, y con el de pyenv cada lectura eran 0,5 s de CPU en vez de 0,05.
PASADA_PY = PY_CARPETA="$(B)/pruebas"; . common/herramientas/python-del-sistema.sh;
# Las dos son objetivos de portada (Makefile): en una máquina nueva instalan antes lo que pide
# make test (sin eso, make no llegaba ni a leer los datos de los laboratorios: el ejecutor no
# se construye sin libuv ni jansson) y después hacen la pasada en otra invocación de make.
.PHONY: pasada-mutantes pasada-hostiles _pasada-mutantes _pasada-hostiles
pasada-mutantes pasada-hostiles: deps-test
	@$(MAKE) --no-print-directory _$@
_pasada-mutantes: antes-de-pasada
	@$(PASADA_PY) flock -n -E 75 "$(B)/.pasada-mutantes.lock" bash -o pipefail -c '$(MAKE) --no-print-directory \
	  prueba-mutantes LAB=$(LAB) SOLO_HITOS= MUTANTE= | tee "$(B)/prueba-mutantes.txt" && \
	  bash autograder/profesorado/pasada-mutantes.sh sellar "$(B)/prueba-mutantes.txt"'; r=$$?; \
	  [ $$r != 75 ] || echo "Ya hay una pasada de los mutantes en marcha en $(B): espera a que acabe." >&2; \
	  exit $$r
# La pasada de los hostiles (la suite prueba-autograder) tampoco cabe en CI desde el 30-11-2026
# (pasada-hostiles.sh dice por qué): se hace antes de entregar, parte a parte y cada una sola
# en la máquina (sus casos miden con topes de tiempo), y se sella con la huella de lo que
# califica a los hostiles; make test (pruebas.sh) comprueba el sello en lugar de ejecutarla.
# Las mismas comprobaciones previas y el mismo cerrojo que la de los mutantes: las dos a la vez
# se frenan.
_pasada-hostiles: antes-de-pasada
	@$(PASADA_PY) flock -n -E 75 "$(B)/.pasada-mutantes.lock" bash autograder/profesorado/pasada-hostiles.sh pasar $(PARTE); r=$$?; \
	  [ $$r != 75 ] || echo "Ya hay una pasada (de los mutantes o de los hostiles) en marcha en $(B): espera a que acabe." >&2; \
	  exit $$r
# La pasada de memoria de libcurso (prueba-common-valgrind y prueba-common-asan, de verdad y
# una detrás de otra), sellada en common/tests/PASADA.txt con la huella de sus fuentes y de la
# plataforma: make test no las repite mientras casen, y las ejecuta si no
# (common/herramientas/pasada-memoria.sh dice por qué). El mismo cerrojo que las otras dos.
.PHONY: pasada-memoria _pasada-memoria
pasada-memoria: deps-test
	@$(MAKE) --no-print-directory _pasada-memoria
_pasada-memoria: antes-de-pasada
	@flock -n -E 75 "$(B)/.pasada-mutantes.lock" bash common/herramientas/pasada-memoria.sh pasar; r=$$?; \
	  [ $$r != 75 ] || echo "Ya hay una pasada en marcha en $(B): espera a que acabe." >&2; \
	  exit $$r
SUITES += prueba-pasada
prueba-pasada:
	@bash autograder/profesorado/pruebas/prueba-pasada.sh "$(B)"
