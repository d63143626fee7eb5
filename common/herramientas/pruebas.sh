#!/usr/bin/env bash
# Ejecuta las suites de `make test` una tras otra, guarda el registro de cada una en
# build/pruebas/<suite>.log y termina con el resumen «pruebas: N passed, N failed».
# Al final comprueba que no quede ningún proceso del curso vivo ni ningún temporal.
set -u
raiz=$(cd "$(dirname "$0")/../.." && pwd)
cd "$raiz" || exit 1
mkdir -p build/pruebas build/tmp
# Todos los temporales de las pruebas van aquí: así se puede comprobar que no queda ninguno.
export TMPDIR="$raiz/build/tmp"
# Para reconocer al final los procesos que lanzaron estas pruebas (ver más abajo).
marca="$$-$RANDOM$RANDOM"
export CURSO_PRUEBAS_MARCA="$marca"
read -r propio </proc/$$/stat
propio=${propio##*) }
read -r -a campos_propios <<<"$propio"
sesion=${campos_propios[3]}
inicio_propio=${campos_propios[19]}

pasan=0; fallan=0; fallidas=()
for suite in "$@"; do
  log="build/pruebas/$suite.log"
  inicio=$(date +%s.%N)
  printf '── %-32s ' "$suite"
  if make --no-print-directory "$suite" >"$log" 2>&1; then
    estado="ok"; pasan=$((pasan + 1))
  else
    estado="FALLA"; fallan=$((fallan + 1)); fallidas+=("$suite")
  fi
  fin=$(date +%s.%N)
  printf '%-6s %6.1f s   %s\n' "$estado" "$(awk -v a="$inicio" -v b="$fin" 'BEGIN{print b-a}')" \
    "$(grep -E '^(resumen|Synthesis)' "$log" | tail -n1)"
  if [ "$estado" = FALLA ]; then
    echo "   ┌─ últimas líneas de $log"
    tail -n 60 "$log" | sed 's/^/   │ /'
    echo "   └─"
  fi
done

# Nada debe sobrevivir a las pruebas. Cuentan como nuestros los que heredaron la marca de
# entorno (aunque hicieran setsid) y los programas de build/ nacidos en esta sesión después
# de este guion (por si alguno limpió su entorno). Otros procesos de la máquina no se tocan.
vivos=()
for d in /proc/[0-9]*; do
  p=${d#/proc/}
  [ "$p" = "$$" ] && continue
  read -r stat 2>/dev/null <"$d/stat" || continue
  resto=${stat##*) }
  read -r -a campos <<<"$resto"
  nuestro=0
  if [ "${campos[3]}" = "$sesion" ] && [ "${campos[19]}" -gt "$inicio_propio" ] &&
     tr '\0' ' ' 2>/dev/null <"$d/cmdline" | grep -qF "$raiz/build/"; then
    nuestro=1
  elif tr '\0' '\n' 2>/dev/null <"$d/environ" | grep -qx "CURSO_PRUEBAS_MARCA=$marca"; then
    nuestro=1
  fi
  # Los procesos efímeros de este mismo bucle (tr, grep) ya habrán muerto al comprobarlos.
  [ $nuestro -eq 1 ] && [ -e "$d" ] && vivos+=("$p")
done
sobrevivientes=""
for p in "${vivos[@]}"; do
  [ -e "/proc/$p" ] || continue
  sobrevivientes+="$p $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | cut -c1-200)"$'\n'
done
if [ -n "$sobrevivientes" ]; then
  echo "✘ quedan procesos vivos tras las pruebas:"; printf '%s' "$sobrevivientes" | sed 's/^/   /'
  fallan=$((fallan + 1)); fallidas+=("procesos-vivos")
  for p in "${vivos[@]}"; do kill -KILL "$p" 2>/dev/null; done
else
  pasan=$((pasan + 1))
fi
restos=$(find build/tmp -mindepth 1 -maxdepth 1 2>/dev/null | head -n 20)
if [ -n "$restos" ]; then
  echo "✘ quedan temporales en build/tmp:"; echo "$restos" | sed 's/^/   /'
  fallan=$((fallan + 1)); fallidas+=("temporales")
else
  pasan=$((pasan + 1))
fi

[ $fallan -gt 0 ] && echo "Suites que fallan: ${fallidas[*]}"
echo "pruebas: $pasan passed, $fallan failed"
[ $fallan -eq 0 ]
