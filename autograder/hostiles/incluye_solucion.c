/* incluye_solucion.c — entrega hostil: no escribe nada, incluye la solución de referencia
 * por su ruta en el repositorio (@RAIZ@ lo pone la prueba). Si el compilador viera el
 * repositorio, sacaría un 100. */
#include "@RAIZ@/solutions/07-monitor-web/monitor.c"
