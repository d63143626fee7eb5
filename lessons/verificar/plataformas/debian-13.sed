# debian-13.sed — variantes de Debian 13 (trixie) en las salidas documentadas de las lecciones.
#
# Las salidas de los README son las de Debian 12. En Debian 13 algunas herramientas escriben
# las mismas cosas con otras palabras; verificar.sh pasa la salida obtenida por este archivo
# (sed -E) antes de compararla, solo cuando corre en Debian 13 (/etc/os-release: debian 13).
# Cada regla convierte una forma de Debian 13 en la de Debian 12 y nada más: está anclada a la
# línea entera y no borra ni cambia nada que el programa decida. En Debian 12 no se aplica
# ninguna (no hay debian-12.sed): allí la comparación es la de siempre.
# Las pruebas de estas reglas están en prueba-comparar.sh.

# strace 6.13 con libuv 1.50 (lección 11): el bucle espera con epoll_pwait, que añade la
# máscara de señales (NULL) y su tamaño (8) a los cuatro argumentos de epoll_wait.
s/^(  │ )epoll_pwait\((.*), NULL, 8\) = /\1epoll_wait(\2) = /

# AddressSanitizer de gcc 14 (lección 11): el primer marco de «freed by» y «previously
# allocated by» es su propio free o malloc, ahora con archivo y línea (asan_malloc_linux.cpp);
# en Debian 12 salía como libasan.so y herramientas.c ya lo quitaba.
/^  │     #0 0x… in (free|malloc|calloc|realloc) \.\.asan_malloc_linux\.cpp:[0-9]+$/d

# valgrind 3.24, memcheck (lección 11): free y malloc de valgrind, con su archivo fuente en
# vez de la biblioteca que los pone.
s/^(  │    (at|by) 0x…: (free|malloc|calloc|realloc)) \(vg_replace_malloc\.c:[0-9]+\)$/\1 (in vgpreload_memcheck-amd64-linux.so)/

# valgrind 3.24, helgrind (lección 11): un marco más bajo cada hilo, el envoltorio con el
# que helgrind arranca los hilos.
/^  │    by 0x…: mythread_wrapper \(hg_intercepts\.c:[0-9]+\)$/d

# gdb 16 con gcc 14 (lección 11): los argumentos de probar_cierre(uv_loop_t *bucle, int
# corregido) en el orden en que se declaran; en Debian 12, corregido salía primero.
s/^(  │ #[0-9]+ 0x… in probar_cierre )\(bucle=(0x…), corregido=([0-9]+)\)/\1(corregido=\3, bucle=\2)/
