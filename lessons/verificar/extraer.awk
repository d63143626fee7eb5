# extraer.awk — saca de un README.md de lección los bloques marcados para el comprobador.
#
#   awk -v dir=CARPETA -f extraer.awk README.md
#
# Por cada bloque marcado escribe su contenido en CARPETA/bloque-N.txt y una línea en la
# salida estándar, separada por tabuladores:
#   codigo <TAB> N <TAB> línea-del-marcador <TAB> archivo
#   salida <TAB> N <TAB> línea-del-marcador <TAB> texto-del-marcador (programa, args | opciones)
#   error  <TAB> 0 <TAB> línea <TAB> mensaje
# Un marcador es una línea sola «<!-- codigo: archivo -->» o «<!-- salida: … -->» seguida
# INMEDIATAMENTE de una valla ``` (```c, ```text…). Dentro de una valla no se buscan marcadores.

# Número de acentos graves con que empieza una línea de valla.
function acentos(s,    t) {
    t = s
    sub(/^[ \t]*/, "", t)
    match(t, /^`+/)
    return RLENGTH
}

function error(linea, mensaje) {
    printf "error\t0\t%d\t%s\n", linea, mensaje
}

BEGIN { dentro = 0; pendiente = ""; n = 0 }

{
    sub(/\r$/, "")
}

dentro {
    # Cierra la valla una línea de solo acentos graves, al menos tantos como al abrir.
    if ($0 ~ /^[ \t]*```+[ \t]*$/ && acentos($0) >= largo_valla) {
        dentro = 0
        if (archivo != "") close(archivo)
        archivo = ""
        next
    }
    if (archivo != "") print > archivo
    next
}

pendiente != "" {
    if ($0 !~ /^```/) {
        error(linea_marcador, "el marcador no va seguido de una valla ``` en la línea siguiente")
        pendiente = ""
    } else {
        n++
        archivo = dir "/bloque-" n ".txt"
        printf "" > archivo
        printf "%s\t%d\t%d\t%s\n", pendiente, n, linea_marcador, texto_marcador
        pendiente = ""
        dentro = 1
        largo_valla = acentos($0)
        inicio_valla = NR
        next
    }
}

/^```/ {
    dentro = 1
    largo_valla = acentos($0)
    archivo = ""
    inicio_valla = NR
    next
}

/^[ \t]*<!--[ \t]*(codigo|código|salida)[ \t]*:/ {
    linea_marcador = NR
    t = $0
    if (t !~ /-->[ \t]*$/) {
        error(NR, "marcador sin «-->» al final de la misma línea")
        next
    }
    sub(/^[ \t]*<!--[ \t]*/, "", t)
    sub(/[ \t]*-->[ \t]*$/, "", t)
    tipo = t
    sub(/[ \t]*:.*$/, "", tipo)
    if (tipo == "código") tipo = "codigo"
    sub(/^[^:]*:[ \t]*/, "", t)
    if (t == "") {
        error(NR, "marcador vacío")
        next
    }
    if (tipo == "codigo" && t ~ /[ \t]/) {
        error(NR, "el marcador de código lleva un solo nombre de archivo")
        next
    }
    pendiente = tipo
    texto_marcador = t
    next
}

END {
    if (dentro) error(inicio_valla, "valla ``` sin cerrar")
    if (pendiente != "") error(linea_marcador, "el marcador no va seguido de una valla ```")
}
