# common/libro/: el libro del curso (sitio estático, EPUB y PDF) a partir del Markdown de
# lessons/ y labs/. Lo incluye common/common.mk.
#
#   make libro          construye build/libro/ (solo lo que cambió)
#   make libro-abrir    dice qué abrir (y lo abre con xdg-open si hay escritorio)
#   make prueba-libro   lo construye y lo comprueba con Chromium, epubcheck y qpdf (make test)

LIBRO_DIR := $(B)/libro
LIBRO_PY := /usr/bin/python3

.PHONY: libro _libro libro-abrir prueba-libro
libro: deps-libro
	@$(MAKE) --no-print-directory _libro

_libro:
	@$(LIBRO_PY) common/libro/construir.py $(RAIZ) $(LIBRO_DIR)
	@echo "  libro: $(LIBRO_DIR)/sitio/index.html"

libro-abrir: libro
	@echo "Abre en el navegador: file://$(abspath $(LIBRO_DIR))/sitio/index.html"
	@echo "EPUB: $(LIBRO_DIR)/programacion-asincrona-en-c.epub · PDF: $(LIBRO_DIR)/programacion-asincrona-en-c.pdf"
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ] && command -v xdg-open >/dev/null; then \
	  xdg-open "$(LIBRO_DIR)/sitio/index.html" >/dev/null 2>&1 & fi

SUITES += prueba-libro
prueba-libro:
	@bash common/libro/probar-libro.sh $(B)
