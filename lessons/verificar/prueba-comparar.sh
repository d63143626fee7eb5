#!/usr/bin/env bash
# prueba-comparar: las reglas de comparar.awk tienen dientes. Cada caso es una línea esperada,
# una obtenida y si deben casar (lessons/CONVENCIONES.md §6): una tolerancia que acepta lo que
# no debe, o un literal que se vuelve número, hace fallar esta prueba.
set -u
aqui=$(cd "$(dirname "$0")" && pwd)
pasan=0 fallan=0
caso() { # caso casa|no ESPERADA OBTENIDA
  local debe=$1 e=$2 o=$3 r=no
  ESPERADA=$e OBTENIDA=$o LC_ALL=C awk -v modo=linea -f "$aqui/comparar.awk" && r=casa
  if [ "$r" = "$debe" ]; then
    pasan=$((pasan + 1))
  else
    fallan=$((fallan + 1))
    echo "  ✘ «$e» frente a «$o»: debía ser «$debe» y fue «$r»"
  fi
}
# Medidas de tiempo: max(0.35, 25 %).
caso casa 'Tiempo total: 6.00 s' 'Tiempo total: 7.40 s'
caso no 'Tiempo total: 6.00 s' 'Tiempo total: 2.00 s'
caso casa 'en 0.04 s' 'en 0.31 s'
caso casa '|  0.00 →  2.00' '|  0.02 →  2.12'
caso no 'tarda 12.5 s' 'tarda 2.5 s'
caso casa 'GET /lento?ms=1500 → 200 (1.50 s)' 'GET /lento?ms=1500 → 200 (1.57 s)'
caso casa '[PASS] bucle::prueba: (0.03s)' '[PASS] bucle::prueba: (0.05s)'
caso casa 'tarda 1.5ms' 'tarda 1.7ms'
# Tamaños: 5 %.
caso casa 'cola: 8.00 MiB' 'cola: 8.30 MiB'
caso no 'cola: 8.00 MiB' 'cola: 6.00 MiB'
caso no 'cola: 8.00 MiB' 'cola: 10.00 MiB'
caso no 'leídos 1.50 KiB' 'leídos 1.90 KiB'
# Números que forman parte de otra cosa: literales.
caso no 'HTTP/1.1 200 OK' 'HTTP/1.0 200 OK'
caso casa 'HTTP/1.1 200 OK' 'HTTP/1.1 200 OK'
caso no 'GET /delay/0.5 ok' 'GET /delay/0.7 ok'
caso no 'dirección 999.0.0.1' 'dirección 999.0.0.2'
caso no 'pg_sleep(0.3)' 'pg_sleep(0.4)'
caso no 'libuv 1.44.2' 'libuv 1.48.0'
# Comodín y enteros.
caso casa 'escucha en 127.0.0.1:…' 'escucha en 127.0.0.1:40123'
caso no '10 peticiones' '11 peticiones'
# Variantes de Debian 13 (plataformas/debian-13.sed): la forma de Debian 13 casa con la
# documentada (la de Debian 12) solo después de pasar por las reglas; lo que el programa
# decide (el plazo de espera, sus propios marcos) sigue contando.
variante() { # variante casa|no|borra|queda ESPERADA OBTENIDA_EN_DEBIAN_13
  local debe=$1 e=$2 o=$3 v r
  v=$(printf '%s\n' "$o" | LC_ALL=C sed -E -f "$aqui/plataformas/debian-13.sed")
  case "$debe" in
    borra | queda) if [ -z "$v" ]; then r=borra; else r=queda; fi ;;
    *) r=no; ESPERADA=$e OBTENIDA=$v LC_ALL=C awk -v modo=linea -f "$aqui/comparar.awk" && r=casa ;;
  esac
  if [ "$r" = "$debe" ]; then
    pasan=$((pasan + 1))
  else
    fallan=$((fallan + 1))
    echo "  ✘ debian-13: «$o» (→ «$v») frente a «$e»: debía ser «$debe» y fue «$r»"
  fi
}
e13='  │ epoll_wait(3, [], 1024, 0) = 0'
caso no "$e13" '  │ epoll_pwait(3, [], 1024, 0, NULL, 8) = 0'  # sin las reglas (Debian 12): falla
variante casa "$e13" '  │ epoll_pwait(3, [], 1024, 0, NULL, 8) = 0'
variante no "$e13" '  │ epoll_pwait(3, [], 1024, -1, NULL, 8) = 0'
variante casa '  │ epoll_wait(3, [], 1024, …) = 0' '  │ epoll_pwait(3, [], 1024, 10, NULL, 8) = 0'
variante borra '' '  │     #0 0x… in free ..asan_malloc_linux.cpp:52'
variante queda '' '  │     #0 0x… in al_cerrar_tarea defectos.c:35'
variante casa '  │    at 0x…: free (in vgpreload_memcheck-amd64-linux.so)' '  │    at 0x…: free (vg_replace_malloc.c:989)'
variante no '  │    at 0x…: free (in vgpreload_memcheck-amd64-linux.so)' '  │    at 0x…: al_vencer_mal (vg_replace_malloc.c:989)'
variante borra '' '  │    by 0x…: mythread_wrapper (hg_intercepts.c:406)'
variante queda '' '  │    by 0x…: sumar (defectos.c:87)'
variante casa '  │ #3 0x… in probar_cierre (corregido=1, bucle=0x…) at defectos.c:67' \
  '  │ #3 0x… in probar_cierre (bucle=0x…, corregido=1) at defectos.c:67'
variante no '  │ #3 0x… in probar_cierre (corregido=1, bucle=0x…) at defectos.c:67' \
  '  │ #3 0x… in probar_cierre (bucle=0x…, corregido=0) at defectos.c:67'
echo "resumen: $((pasan + fallan)) comprobaciones, $pasan pasan, $fallan fallan"
[ "$fallan" -eq 0 ]
