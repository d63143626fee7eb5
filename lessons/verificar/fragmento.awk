# fragmento.awk — ¿aparece un fragmento de código del README, literalmente, en su archivo?
#
#   awk -v fragmento=F -v fuente=archivo.c -f fragmento.awk
#
# El fragmento debe aparecer como líneas contiguas e idénticas (solo se ignoran los espacios
# finales). Una línea del fragmento que sea solo «// …», «/* … */» o «# …» (con la sangría
# que se quiera) es una elisión: salta una o más líneas del archivo. Los trozos entre
# elisiones deben aparecer en ese orden. Sale con 0 si aparece; si no, explica dónde falla.

function limpiar(s) {
    sub(/\r$/, "", s)
    sub(/[ \t]+$/, "", s)
    return s
}

function es_elision(s) {
    return s ~ /^[ \t]*(\/\/ …|\/\* … \*\/|# …)$/
}

# Primera posición >= desde donde el trozo t aparece entero; 0 si no aparece.
function buscar(t, desde,    p, k) {
    for (p = desde; p + LT[t] - 1 <= NF_; p++) {
        for (k = 1; k <= LT[t]; k++)
            if (F[p + k - 1] != T[t, k]) break
        if (k > LT[t]) return p
    }
    return 0
}

BEGIN {
    NF_ = 0
    while ((getline l < fuente) > 0) F[++NF_] = limpiar(l)
    close(fuente)
    nt = 1; LT[1] = 0
    nl = 0
    while ((getline l < fragmento) > 0) {
        nl++
        l = limpiar(l)
        if (es_elision(l)) {
            if (LT[nt] > 0) { nt++; LT[nt] = 0 }
            continue
        }
        LT[nt]++
        T[nt, LT[nt]] = l
        N0[nt, LT[nt]] = nl   # línea dentro del fragmento, para el mensaje
    }
    close(fragmento)
    if (LT[nt] == 0) nt--
    if (nt == 0) { print "      el fragmento está vacío"; exit 1 }
    desde = 1
    for (t = 1; t <= nt; t++) {
        p = buscar(t, desde)
        if (p == 0) break
        desde = p + LT[t] + 1   # la elisión salta al menos una línea
    }
    if (p != 0) exit 0
    # Explicación: el sitio donde más líneas seguidas del trozo coinciden.
    mejor = 0; mejor_p = 0
    for (q = (t == 1 ? 1 : desde); q <= NF_; q++) {
        for (k = 1; k <= LT[t] && q + k - 1 <= NF_; k++)
            if (F[q + k - 1] != T[t, k]) break
        if (k - 1 > mejor) { mejor = k - 1; mejor_p = q }
    }
    if (mejor == 0) {
        printf "      La línea %d del fragmento no aparece en %s:\n", N0[t, 1], fuente
        printf "        «%s»\n", T[t, 1]
    } else if (mejor < LT[t]) {
        printf "      El fragmento coincide con %s desde la línea %d, pero su línea %d difiere:\n", fuente, mejor_p, N0[t, mejor + 1]
        printf "        README:  «%s»\n", T[t, mejor + 1]
        printf "        archivo: «%s»\n", (mejor_p + mejor <= NF_ ? F[mejor_p + mejor] : "(fin del archivo)")
    } else {
        printf "      El trozo %d del fragmento (línea %d) no aparece después del trozo anterior en %s.\n", t, N0[t, 1], fuente
    }
    print "      (Los fragmentos se copian literalmente del archivo; si cambió el código, actualice el README.)"
    exit 1
}
