/* sala_cruda.c — pieza común de las trampas chat_prestado_*.c del 09 (de un adversario de la
 * sesión 36): la sala sobre descriptores propios, con read()/write() directos y una cola por
 * cliente (volcar, enviar, difundir, registrar, listar, hablar, al_legible, al_escribible).
 * Cada trampa pone cómo se vigilan los descriptores (vigilar) y cómo se aceptan; la pieza va en
 * lugar de la línea «//@ preludio sala_cruda» (prueba-autograder.sh, hostil), tras cliente_t,
 * motivo_t, S y vigilar, que declara cada una. */
static void difundir_texto(const cliente_t *rem, const char *t, size_t n);

/* Escribe lo que se pueda de la cola. -1 si la conexión está rota. */
static int volcar(cliente_t *c)
{
    while (c->fin > c->ini) {
        ssize_t w = write(c->fd, c->sal + c->ini, c->fin - c->ini);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return -1;
        }
        c->ini += (size_t)w;
    }
    if (c->ini == c->fin)
        c->ini = c->fin = 0;
    return 0;
}

static void cliente_cerrar(cliente_t *c, motivo_t motivo);

static void terminar_despedida(cliente_t *c)
{
    shutdown(c->fd, SHUT_WR);
    lista_quitar(&S.saliendo, c);
    destruir(c);
}

static void enviar(cliente_t *c, const void *datos, size_t n)
{
    if (c->estado == CERRANDO || c->muerto || n == 0)
        return;
    if (c->ini > 0 && c->ini == c->fin)
        c->ini = c->fin = 0;
    if (c->fin + n > c->cap) {
        if (c->ini > 0) {
            memmove(c->sal, c->sal + c->ini, c->fin - c->ini);
            c->fin -= c->ini;
            c->ini = 0;
        }
        if (c->fin + n > c->cap) {
            size_t cap = c->cap ? c->cap : 4096;
            while (cap < c->fin + n)
                cap *= 2;
            char *nb = realloc(c->sal, cap);
            if (nb == NULL) {
                c->lento = 1;
                return;
            }
            c->sal = nb;
            c->cap = cap;
        }
    }
    memcpy(c->sal + c->fin, datos, n);
    c->fin += n;
    if (volcar(c) < 0) {
        c->lento = 2; /* roto: corte */
        return;
    }
    if (c->fin - c->ini > LIMITE_COLA)
        c->lento = 1;
    vigilar(c);
}

static void enviar_texto(cliente_t *c, const char *t)
{
    enviar(c, t, strlen(t));
}

static void enviar_formato(cliente_t *c, const char *f, ...) __attribute__((format(printf, 2, 3)));
static void enviar_formato(cliente_t *c, const char *f, ...)
{
    char t[512];
    va_list a;
    va_start(a, f);
    int n = vsnprintf(t, sizeof t, f, a);
    va_end(a);
    enviar(c, t, (size_t)n < sizeof t ? (size_t)n : sizeof t - 1);
}

/* Expulsa a los apuntados (lentos o rotos) fuera de cualquier recorrido. */
static void procesar_lentos(void)
{
    for (int otra = 1; otra;) {
        otra = 0;
        for (cliente_t *c = S.sala.primero; c != NULL; c = c->sig)
            if (c->lento) {
                motivo_t m = c->lento == 1 ? SALE_LENTO : SALE_CORTE;
                c->lento = 0;
                cliente_cerrar(c, m);
                otra = 1;
                break;
            }
    }
}

static void difundir_texto(const cliente_t *rem, const char *t, size_t n)
{
    for (cliente_t *c = S.sala.primero; c != NULL; c = c->sig)
        if (c != rem && c->estado == EN_SALA)
            enviar(c, t, n);
}

static void difundir_aviso(const cliente_t *rem, const char *f, ...)
    __attribute__((format(printf, 2, 3)));
static void difundir_aviso(const cliente_t *rem, const char *f, ...)
{
    char t[512];
    va_list a;
    va_start(a, f);
    int n = vsnprintf(t, sizeof t, f, a);
    va_end(a);
    difundir_texto(rem, t, (size_t)n);
}

static void cliente_cerrar(cliente_t *c, motivo_t motivo)
{
    if (c->estado == CERRANDO || c->muerto)
        return;
    if (motivo == SALE_QUIT) {
        if (c->estado == EN_SALA)
            enviar_formato(c, "* ¡Adiós, %s!\n", c->nombre);
        else
            enviar_texto(c, "* ¡Adiós!\n");
    } else if (motivo == SALE_APAGADO) {
        enviar_texto(c, TEXTO_APAGADO);
    }
    estado_t antes = c->estado;
    c->estado = CERRANDO;
    lista_quitar(&S.sala, c);
    if (antes == EN_SALA)
        S.en_sala--;
    lector_liberar(&c->lector);
    if ((motivo == SALE_QUIT || motivo == SALE_APAGADO) && c->lento != 2) {
        c->despedida = 1;
        lista_anadir(&S.saliendo, c);
        if (c->fin == c->ini)
            terminar_despedida(c);
        else
            vigilar(c);
    } else {
        destruir(c);
    }
    if (antes == EN_SALA && motivo != SALE_APAGADO) {
        if (motivo == SALE_LENTO)
            difundir_aviso(NULL, "* %s ha salido de la sala (no leía sus mensajes)\n", c->nombre);
        else
            difundir_aviso(NULL, "* %s ha salido de la sala\n", c->nombre);
    }
}

static void registrar(cliente_t *c, const char *nombre, size_t largo)
{
    switch (proto_validar_nombre(nombre, largo)) {
    case NOMBRE_VACIO:
        enviar_texto(c, "! El nombre no puede estar vacío\n" TEXTO_PREGUNTA);
        return;
    case NOMBRE_LARGO:
        enviar_texto(c, "! El nombre es demasiado largo (máximo 32 bytes)\n" TEXTO_PREGUNTA);
        return;
    case NOMBRE_NO_PERMITIDO:
        enviar_texto(c, "! El nombre tiene caracteres no permitidos\n" TEXTO_PREGUNTA);
        return;
    default:
        break;
    }
    for (cliente_t *o = S.sala.primero; o != NULL; o = o->sig)
        if (o->estado == EN_SALA && strlen(o->nombre) == largo &&
            memcmp(o->nombre, nombre, largo) == 0) {
            enviar_formato(c, "! El nombre «%.*s» ya está en uso\n" TEXTO_PREGUNTA, (int)largo,
                           nombre);
            return;
        }
    memcpy(c->nombre, nombre, largo);
    c->nombre[largo] = '\0';
    c->estado = EN_SALA;
    S.en_sala++;
    lista_quitar(&S.sala, c);
    lista_anadir(&S.sala, c);
    enviar_formato(c, "* Hola, %s. Órdenes: /list, /quit\n", c->nombre);
    difundir_aviso(c, "* %s ha entrado en la sala\n", c->nombre);
}

static void listar(cliente_t *c)
{
    size_t cap = 64 + S.en_sala * (PROTO_MAX_NOMBRE + 2), n;
    char *t = malloc(cap);
    if (t == NULL)
        return;
    n = (size_t)snprintf(t, cap, "* Conectados (%zu): ", S.en_sala);
    int primero = 1;
    for (cliente_t *o = S.sala.primero; o != NULL; o = o->sig) {
        if (o->estado != EN_SALA)
            continue;
        if (!primero) {
            memcpy(t + n, ", ", 2);
            n += 2;
        }
        primero = 0;
        size_t l = strlen(o->nombre);
        memcpy(t + n, o->nombre, l);
        n += l;
    }
    t[n++] = '\n';
    enviar(c, t, n);
    free(t);
}

static void hablar(cliente_t *c, const char *texto, size_t largo)
{
    size_t ln = strlen(c->nombre), n = ln + 2 + largo + 1;
    char *t = malloc(n);
    if (t == NULL)
        return;
    memcpy(t, c->nombre, ln);
    memcpy(t + ln, ": ", 2);
    memcpy(t + ln + 2, texto, largo);
    t[n - 1] = '\n';
    difundir_texto(c, t, n);
    free(t);
}

static int es_orden(const char *l, size_t n, const char *o)
{
    return n == strlen(o) && memcmp(l, o, n) == 0;
}

static int al_recibir_linea(void *ctx, const char *linea, size_t largo, int larga)
{
    cliente_t *c = ctx;
    if (larga) {
        enviar_texto(c, "! Línea demasiado larga (máximo 4096 bytes): se descarta\n");
        if (c->estado == ESPERANDO_NOMBRE)
            enviar_texto(c, TEXTO_PREGUNTA);
    } else if (es_orden(linea, largo, "/quit")) {
        cliente_cerrar(c, SALE_QUIT);
    } else if (c->estado == ESPERANDO_NOMBRE) {
        registrar(c, linea, largo);
    } else if (es_orden(linea, largo, "/list")) {
        listar(c);
    } else if (largo > 0 && linea[0] == '/') {
        enviar_texto(c, "! Orden desconocida (usa /list o /quit)\n");
    } else if (largo > 0) {
        hablar(c, linea, largo);
    }
    procesar_lentos();
    return c->estado == CERRANDO || c->muerto;
}

static void al_legible(cliente_t *c)
{
    for (int vueltas = 0; vueltas < 8 && c->estado != CERRANDO && !c->muerto; vueltas++) {
        ssize_t n = read(c->fd, S.lectura, sizeof S.lectura);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            cliente_cerrar(c, SALE_CORTE);
            procesar_lentos();
            return;
        }
        if (lector_alimentar(&c->lector, S.lectura, (size_t)n, al_recibir_linea, c) < 0) {
            cliente_cerrar(c, SALE_CORTE);
            procesar_lentos();
            return;
        }
        if ((size_t)n < sizeof S.lectura)
            return;
    }
}

static void al_escribible(cliente_t *c)
{
    if (volcar(c) < 0) {
        if (c->despedida) {
            lista_quitar(&S.saliendo, c);
            destruir(c);
        } else {
            cliente_cerrar(c, SALE_CORTE);
            procesar_lentos();
        }
        return;
    }
    if (c->despedida && c->fin == c->ini) {
        terminar_despedida(c);
        return;
    }
    vigilar(c);
}
