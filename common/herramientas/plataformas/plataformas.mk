# La suite de plataformas (make prueba-plataformas): cada fila de la tabla de plataformas del
# README, probada donde dice (raíces de Debian 12 y 13 con mmdebstrap, contenedores de podman
# con las capacidades por omisión, el curso en una carpeta 0700 como root, Gradescope tal
# como lo ejecuta, el contenedor de desarrollo y la configuración del editor). Necesita root
# y el perfil «plataformas» de dependencias.sh. No va en make test: la ejecuta .ci/run después.
#
#   make prueba-plataformas                 todas las filas (FILAS="debian13 gradescope" elige)
#   make prueba-compiladores                gcc y clang, -O0 y -O2, con -Werror
#   make prueba-editor                      .vscode/: JSON, tareas y depuración con gdb
PLAT := common/herramientas/plataformas

.PHONY: prueba-plataformas prueba-compiladores prueba-editor deps-plataformas

deps-plataformas:
	@bash common/herramientas/dependencias.sh asegurar plataformas "make prueba-plataformas"

prueba-plataformas: deps-plataformas
	@bash $(PLAT)/prueba-plataformas.sh $(FILAS)

prueba-compiladores: deps-grade
	@bash $(PLAT)/compiladores.sh

prueba-editor: programas
	@bash $(PLAT)/editor.sh
