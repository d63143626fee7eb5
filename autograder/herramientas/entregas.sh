# entregas.sh — recoger de una carpeta cualquiera los archivos que edita el estudiante en un
# laboratorio (se carga con «source»). Lo usan la calificación de una clase entera
# (make grade-clase) y el run_autograder de Gradescope: las dos reciben carpetas tal como
# las sube cada estudiante, con subcarpetas, archivos de más o enlaces.
#
#   entregas_recoger ORIGEN DESTINO ARCHIVO…
#
# Copia a DESTINO (nueva) cada ARCHIVO de ORIGEN: el de arriba del todo o, si no está ahí,
# el único con ese nombre en sus subcarpetas. Solo archivos normales de ≤ 1 MiB, nunca
# enlaces. ORIGEN solo se lee. Imprime en una línea lo que haya que anotar en el informe
# (archivos ignorados, tomados de una subcarpeta, que faltan); nada si no hay nada.

# Un nombre de archivo apto para el informe y para make: lo raro se cambia por «?».
entregas_nombre() {
  printf '%s' "$1" | LC_ALL=C tr -c 'A-Za-z0-9._/+-' '?'
}

entregas_recoger() {
  local origen=$1 destino=$2
  shift 2
  local notas=() tomados=() a candidatos elegido rel
  mkdir -p "$destino"
  local anotado
  for a in "$@"; do
    elegido="" anotado=0
    if [ -f "$origen/$a" ] && [ ! -L "$origen/$a" ]; then
      elegido="$origen/$a"
    else
      mapfile -t candidatos < <(find "$origen" -mindepth 2 -maxdepth 5 -type f -name "$a" 2>/dev/null | LC_ALL=C sort)
      if [ "${#candidatos[@]}" -eq 1 ]; then
        elegido=${candidatos[0]}
        notas+=("$a tomado de $(entregas_nombre "${elegido#"$origen"/}")")
      elif [ "${#candidatos[@]}" -gt 1 ]; then
        notas+=("hay ${#candidatos[@]} archivos $a en subcarpetas: no se sabe cuál calificar")
        anotado=1
      fi
    fi
    if [ -n "$elegido" ] && [ "$(stat -c %s "$elegido")" -gt 1048576 ]; then
      notas+=("$a pasa de 1 MiB: no se toma")
      elegido="" anotado=1""
    fi
    if [ -n "$elegido" ]; then
      cp "$elegido" "$destino/$a" && chmod 644 "$destino/$a"
      tomados+=("$elegido")
    elif [ $anotado -eq 0 ]; then
      notas+=("falta $a")
    fi
  done
  # Todo lo demás (archivos, enlaces) se ignora y se dice.
  local ignorados=() f t usado
  while IFS= read -r -d '' f; do
    usado=0
    for t in "${tomados[@]}"; do [ "$t" = "$f" ] && usado=1; done
    [ $usado -eq 0 ] && ignorados+=("$(entregas_nombre "${f#"$origen"/}")")
  done < <(find "$origen" -mindepth 1 \( -type f -o -type l \) -print0 2>/dev/null | LC_ALL=C sort -z)
  if [ "${#ignorados[@]}" -gt 0 ]; then
    local lista="${ignorados[*]:0:5}"
    [ "${#ignorados[@]}" -gt 5 ] && lista="$lista y $((${#ignorados[@]} - 5)) más"
    notas+=("se ignoran ${#ignorados[@]} archivo(s) que no son del laboratorio: ${lista// /, }")
  fi
  if [ "${#notas[@]}" -gt 0 ]; then
    local texto="" n
    for n in "${notas[@]}"; do texto="${texto:+$texto; }$n"; done
    printf 'Entrega: %s\n' "$texto"
  fi
  return 0
}
