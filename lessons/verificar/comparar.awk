# comparar.awk — compara la salida esperada de una lección con la obtenida, con tolerancia.
#
# Es el corazón del comprobador de lecciones (verificar.sh); las reglas están explicadas para
# los mantenedores en lessons/CONVENCIONES.md. Resumen de cómo casa una línea esperada E con
# una obtenida O:
#   - se ignoran los espacios y tabuladores finales (y un \r final) de ambas;
#   - «…» en E casa con cualquier tramo de caracteres de O (también vacío);
#   - un número con punto decimal en E (p. ej. 2.00) casa con un número con punto decimal en
#     O si |O − E| <= max(0.35, 0.25·|E|); si va seguido de una unidad de tamaño (B, KiB,
#     MiB…), si |O − E| <= 0.05·|E|; si va pegado a otra cosa (HTTP/1.1, 127.0.0.1,
#     /delay/0.5, f(0.3)), es literal;
#   - si E contiene «█» es una barra de cronograma: el texto antes de la primera «|» y después
#     de la segunda se compara con las reglas anteriores, y el comienzo y el final de la
#     barra (columnas del primer y del último «█») pueden desplazarse hasta 3 columnas;
#   - el resto debe ser idéntico, byte a byte.
#
# Se ejecuta con LC_ALL=C: length/substr cuentan bytes en mawk y en gawk por igual.
#
# Modos:
#   awk -v modo=bloque -v esperado=F1 -v obtenido=F2 [-v desordenado=1] [-v origen=TEXTO]
#       -f comparar.awk
#     Sale con 0 si casan; si no, escribe las diferencias (en español, con números de línea)
#     y sale con 1. Con desordenado=1 las líneas se comparan como multiconjunto (el orden no
#     importa, cada línea obtenida casa con una sola esperada).
#   awk -v modo=linea -f comparar.awk      (ESPERADA y OBTENIDA en el entorno)
#     Sale con 0 si la línea casa y 1 si no; no escribe nada.

function abs(x) { return x < 0 ? -x : x }
function max(a, b) { return a > b ? a : b }

function limpiar(s) {
    sub(/\r$/, "", s)
    sub(/[ \t]+$/, "", s)
    return s
}

# ¿El número va pegado a algo que lo hace parte de otra ficha? Antes, una letra, «/», «=», «_»,
# «.» o el «(» de una llamada (pg_sleep(0.3), no «(0.50 s)»); después, una letra que no empiece
# una unidad de tiempo (0.03s, 1.5ms, 2.0x sí son medidas), «.», «?» o «_».
function pegado(antes2, antes, resto) {
    if (antes ~ /[A-Za-z\/=_.]/) return 1
    if (antes == "(" && antes2 ~ /[A-Za-z0-9_]/) return 1
    if (resto ~ /^(s|ms|us|µs|ns|min|x)([^A-Za-z]|$)/) return 0
    return resto ~ /^[A-Za-z.?_]/
}

# Parte E en fichas: "L" literal, "N" número con decimales (una medida), "S" un tamaño
# (número seguido de B, KiB, MiB…) y "C" comodín «…».
# Deja el resultado en los globales NT, TT[], TV[].
function trocear(e,    k, pos, ini, lon, antes) {
    NT = 0
    while (length(e) > 0) {
        pos = match(e, /…|[0-9]+\.[0-9]+/)
        if (pos == 0) {
            TT[++NT] = "L"; TV[NT] = e
            break
        }
        ini = RSTART; lon = RLENGTH
        antes = substr(e, 1, ini - 1)
        if (ini > 1) { TT[++NT] = "L"; TV[NT] = antes }
        if (substr(e, ini, lon) == "…") {
            TT[++NT] = "C"; TV[NT] = ""
        } else if (pegado(substr(e, ini - 2, 1), substr(e, ini - 1, 1), substr(e, ini + lon))) {
            # Parte de otra cosa (HTTP/1.1, 127.0.0.1, /delay/0.5, sleep(0.3)): literal.
            TT[++NT] = "L"; TV[NT] = substr(e, ini, lon)
        } else if (substr(e, ini + lon) ~ /^ ?(B|KiB|MiB|GiB|KB|MB|GB|bytes)([^A-Za-z]|$)/) {
            # Un tamaño: como mucho un 5 % (8.00 MiB no acepta 6 ni 10).
            TT[++NT] = "S"; TV[NT] = substr(e, ini, lon) + 0
        } else {
            TT[++NT] = "N"; TV[NT] = substr(e, ini, lon) + 0
        }
        e = substr(e, ini + lon)
    }
}

# ¿Casan las fichas i..NT con OBT desde la posición p? (vuelta atrás solo en los comodines)
function casar_desde(i, p,    q, lon, resto, v) {
    if (i > NT) return p > LOBT
    if (TT[i] == "L") {
        lon = length(TV[i])
        if (substr(OBT, p, lon) != TV[i]) return 0
        return casar_desde(i + 1, p + lon)
    }
    if (TT[i] == "N" || TT[i] == "S") {
        # El número obtenido no puede ser la cola de otro número («12.5» no da «2.5»).
        if (p > 1 && substr(OBT, p - 1, 1) ~ /[0-9]/) return 0
        resto = substr(OBT, p)
        if (!match(resto, /^[0-9]+\.[0-9]+/)) return 0
        v = substr(resto, 1, RLENGTH) + 0
        if (TT[i] == "N" && abs(v - TV[i]) > max(0.35, 0.25 * abs(TV[i]))) return 0
        if (TT[i] == "S" && abs(v - TV[i]) > 0.05 * abs(TV[i]) + 0.005) return 0
        return casar_desde(i + 1, p + RLENGTH)
    }
    # Comodín: prueba todos los cortes, del más corto al más largo.
    if (i == NT) return 1
    for (q = p; q <= LOBT + 1; q++)
        if (casar_desde(i + 1, q)) return 1
    return 0
}

function casar_texto(e, o) {
    if (e == o) return 1
    trocear(e)
    OBT = o; LOBT = length(o)
    return casar_desde(1, 1)
}

# Columnas (en caracteres) del primer y último «█» dentro de la barra. Devuelve "ini fin".
function columnas_barra(barra,    b, ini, fin, k) {
    b = barra
    gsub(/█/, "#", b)
    # Cualquier otro carácter multibyte cuenta como una columna.
    gsub(/[\300-\377][\200-\277]*/, "?", b)
    ini = index(b, "#")
    fin = 0
    for (k = length(b); k >= 1; k--)
        if (substr(b, k, 1) == "#") { fin = k; break }
    return ini " " fin " " length(b)
}

function casar_barra(e, o,    pe, po, e1, e2, e3, o1, o2, o3, ce, co, re, ro) {
    pe = index(e, "|"); po = index(o, "|")
    if (pe == 0 || po == 0) return 0
    e1 = substr(e, 1, pe - 1); e2 = substr(e, pe + 1)
    o1 = substr(o, 1, po - 1); o2 = substr(o, po + 1)
    pe = index(e2, "|"); po = index(o2, "|")
    if (pe == 0 || po == 0) return 0
    e3 = substr(e2, pe + 1); e2 = substr(e2, 1, pe - 1)
    o3 = substr(o2, po + 1); o2 = substr(o2, 1, po - 1)
    if (index(o2, "█") == 0) return 0
    split(columnas_barra(e2), ce, " ")
    split(columnas_barra(o2), co, " ")
    if (abs(ce[1] - co[1]) > 3 || abs(ce[2] - co[2]) > 3 || abs(ce[3] - co[3]) > 3) return 0
    if (!casar_texto(limpiar(e1), limpiar(o1))) return 0
    return casar_texto(e3, o3)
}

function casa(e, o) {
    e = limpiar(e); o = limpiar(o)
    if (index(e, "█") > 0) return casar_barra(e, o)
    return casar_texto(e, o)
}

# Caché de comparaciones: el diff y el emparejamiento preguntan muchas veces lo mismo.
function igual(i, j) {
    if (!((i, j) in CACHE)) CACHE[i, j] = casa(ESP[i], OB[j])
    return CACHE[i, j]
}

function leer(archivo, destino,    n, linea) {
    n = 0
    while ((getline linea < archivo) > 0) destino[++n] = linea
    close(archivo)
    # Las líneas vacías del final no cuentan.
    while (n > 0 && limpiar(destino[n]) == "") n--
    return n
}

function linea_diff(marca, ne, no, texto) {
    printf "      %s %4s %4s │ %s\n", marca, ne, no, texto
}

# Salidas enormes (un programa desbocado): comparación posición a posición, sin diff, para
# no tardar minutos. Muestra las 20 primeras diferencias.
function diff_posicional(    i, n, fallos) {
    n = max(NE, NO); fallos = 0
    for (i = 1; i <= n; i++)
        if (i > NE || i > NO || !igual(i, i)) {
            if (++fallos == 1)
                printf "      La salida no coincide (esperadas %d líneas, obtenidas %d; salida demasiado larga para un diff):\n", NE, NO
            if (fallos <= 20) {
                if (i <= NE) linea_diff("-", i, "", ESP[i])
                if (i <= NO) linea_diff("+", "", i, OB[i])
            }
        }
    return fallos > 0
}

# Diferencias ordenadas: subsecuencia común más larga usando «casa» como igualdad.
function diff_ordenado(    i, j, k, n, op, ie, io, mostrar, c) {
    if (NE * NO > 250000) return diff_posicional()
    for (i = NE + 1; i >= 1; i--)
        for (j = NO + 1; j >= 1; j--) {
            if (i > NE || j > NO) LCS[i, j] = 0
            else if (igual(i, j)) LCS[i, j] = LCS[i + 1, j + 1] + 1
            else LCS[i, j] = max(LCS[i + 1, j], LCS[i, j + 1])
        }
    if (LCS[1, 1] == NE && NE == NO) return 0
    i = 1; j = 1; n = 0
    while (i <= NE || j <= NO) {
        if (i <= NE && j <= NO && igual(i, j)) { op[++n] = "="; ie[n] = i++; io[n] = j++ }
        else if (i <= NE && (j > NO || LCS[i + 1, j] >= LCS[i, j + 1])) { op[++n] = "-"; ie[n] = i++; io[n] = "" }
        else { op[++n] = "+"; ie[n] = ""; io[n] = j++ }
    }
    # Si la salida es larga, solo las diferencias con dos líneas de contexto.
    for (k = 1; k <= n; k++) mostrar[k] = (n <= 60)
    for (k = 1; k <= n; k++)
        if (op[k] != "=")
            for (c = k - 2; c <= k + 2; c++) mostrar[c] = 1
    printf "      La salida no coincide (esperadas %d líneas, obtenidas %d).\n", NE, NO
    printf "      «-» solo en lo esperado, «+» solo en lo obtenido, «=» coinciden:\n"
    linea_diff(" ", "esp", "obt", "")
    for (k = 1; k <= n; k++) {
        if (!mostrar[k]) {
            if (k == 1 || mostrar[k - 1]) printf "      ⋮\n"
            continue
        }
        if (op[k] == "=") linea_diff("=", ie[k], io[k], OB[io[k]])
        else if (op[k] == "-") linea_diff("-", ie[k], "", ESP[ie[k]])
        else linea_diff("+", "", io[k], OB[io[k]])
    }
    return 1
}

# Emparejamiento bipartito (Kuhn): cada línea esperada con una obtenida distinta que case.
function aumentar(i,    j) {
    for (j = 1; j <= NO; j++) {
        if (VISTO[j] || !igual(i, j)) continue
        VISTO[j] = 1
        if (!(j in PAREJA_O) || aumentar(PAREJA_O[j])) {
            PAREJA_O[j] = i; PAREJA_E[i] = j
            return 1
        }
    }
    return 0
}

function diff_desordenado(    i, j, fallos) {
    for (i = 1; i <= NE; i++) {
        split("", VISTO)
        aumentar(i)
    }
    fallos = 0
    for (i = 1; i <= NE; i++) if (!(i in PAREJA_E)) fallos++
    for (j = 1; j <= NO; j++) if (!(j in PAREJA_O)) fallos++
    if (fallos == 0) return 0
    printf "      La salida no coincide (se compara sin orden; esperadas %d líneas, obtenidas %d).\n", NE, NO
    for (i = 1; i <= NE; i++)
        if (!(i in PAREJA_E)) linea_diff("-", i, "", ESP[i])
    for (j = 1; j <= NO; j++)
        if (!(j in PAREJA_O)) linea_diff("+", "", j, OB[j])
    return 1
}

BEGIN {
    if (modo == "linea") {
        exit(casa(ENVIRON["ESPERADA"], ENVIRON["OBTENIDA"]) ? 0 : 1)
    }
    NE = leer(esperado, ESP)
    NO = leer(obtenido, OB)
    if (desordenado) distinto = diff_desordenado()
    else distinto = diff_ordenado()
    if (distinto) {
        print "      (Tolerancias: «…» casa con cualquier texto; los números con decimales, ±25 % o ±0.35;"
        print "       los tamaños (KiB, MiB…), ±5 %; los pegados a otra cosa (HTTP/1.1), exactos;"
        print "       las barras de cronograma, ±3 columnas. Detalles en lessons/CONVENCIONES.md.)"
    }
    exit(distinto ? 1 : 0)
}
