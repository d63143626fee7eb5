/* conducta_traza.c — lo que deja lib/observar.c, leído: las trazas de strace -f, línea a línea,
 * con cada llamada partida en sus piezas (sus argumentos, la ruta de un descriptor, lo que pide
 * una lectura, la función de un marco de su pila), y las listas «*.entrada» de la carpeta de
 * trazas. Aquí no se juzga nada: traza_recorrer da cada llamada completa y cada marco a los
 * oyentes de quien lee (conducta_llamada.c). Las reglas, en runner/conducta.c.
 */
#define _GNU_SOURCE
#include "conducta_interno.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PENDIENTES 64

int conducta_empieza(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

int conducta_termina_en(const char *s, const char *fin)
{
    size_t a = strlen(s), b = strlen(fin);
    return a >= b && strcmp(s + a - b, fin) == 0;
}

/* Lo que el programa puede escribir en una línea de strace, saltado de una vez: desde `c`, que
 * es un «"» o un «<», lo último de su pieza (NULL si no acaba). Una cadena entre comillas (strace
 * escapa las de dentro: \"), la ruta de un descriptor (-y: «3</ruta>», «5<socket:[9]>»; strace
 * escapa los < y > de dentro como \74 y \76, así que el primer «>» la cierra) y el «<<» de unas
 * opciones («MAP_PRIVATE|1<<MAP_HUGE_SHIFT», que no es una ruta). Dentro de esas piezas hay
 * corchetes, llaves, paréntesis, comas y « = » que elige el programa (una carpeta «a[», un
 * archivo «x) = -1 E»): quien cuenta niveles o busca argumentos se los salta enteros (revisión
 * de la sesión 77: una carpeta con «[» en su nombre dejaba un stat síncrono sin juzgar). */
const char *conducta_saltar_pieza(const char *c)
{
    if (*c == '"') {
        for (c++; *c != '\0' && *c != '"'; c++)
            if (*c == '\\' && c[1] != '\0')
                c++;
        return *c == '"' ? c : NULL;
    }
    if (c[1] == '<')
        return c + 1;
    return strchr(c, '>');
}

/* 1 si la llamada (el texto de strace desde su nombre) mira sin esperar: poll con tiempo 0,
 * ppoll, select o pselect6 con {tv_sec=0, tv_…sec=0}. La solución del 12 hace un poll(…, 1, 0)
 * en el hilo del bucle al cerrar cada conexión (medido: uno por conexión, justo antes de que
 * libuv suelte su descriptor); libpq bloqueante espera con -1 o con un plazo. */
int conducta_sondeo_sin_espera(const char *llamada)
{
    /* Solo el argumento del tiempo (conducta_argumento, que salta las rutas de los
     * descriptores): antes se buscaba «{tv_sec=0, tv_nsec=0}» en toda la línea, y un archivo
     * con ese nombre entre los descriptores de un ppoll que espera para siempre lo hacía pasar
     * por un sondeo (revisión de la sesión 77). */
    static const struct {
        const char *nombre, *cero;
        int arg;
    } sondeos[] = {
        {"poll(", "0", 2},
        {"ppoll(", "{tv_sec=0, tv_nsec=0}", 2},
        {"select(", "{tv_sec=0, tv_usec=0}", 4},
        {"pselect6(", "{tv_sec=0, tv_nsec=0}", 4},
    };
    for (size_t i = 0; i < sizeof sondeos / sizeof sondeos[0]; i++) {
        if (!conducta_empieza(llamada, sondeos[i].nombre))
            continue;
        const char *a;
        size_t n;
        const char *par = llamada + strlen(sondeos[i].nombre) - 1;
        return conducta_argumento(par, sondeos[i].arg, &a, &n) && n == strlen(sondeos[i].cero) &&
               strncmp(a, sondeos[i].cero, n) == 0;
    }
    return 0;
}

/* La precarga vivos que el propio calificador pone al programa (lib/vivos.c): el cargador la
 * abre y la mapea en el hilo principal, como las bibliotecas del sistema; no es del programa.
 * Su ruta fuera de la caja (junto al binario) la da conducta_precarga; dentro, CAL_VIVOS_EN_CAJA.
 */
static char precarga[PATH_MAX];

void conducta_precarga(const char *ruta)
{
    texto_poner(precarga, sizeof precarga, "%s", ruta);
}

/* 1 si `r` es la precarga vivos (dentro de la caja o fuera). */
int conducta_es_precarga(const char *r)
{
    return strcmp(r, CAL_VIVOS_EN_CAJA) == 0 || (precarga[0] != '\0' && strcmp(r, precarga) == 0);
}

/* 1 si `r` es, entera, un enlace mágico de /proc o /dev que lleva a cualquier archivo: la
 * carpeta actual o la raíz de un proceso (/proc/self/cwd, /proc/1234/root, también bajo
 * task/<tid>/), un descriptor abierto (/proc/self/fd/7, /proc/self/map_files/…) o los enlaces
 * de /dev que llevan a ellos (/dev/fd, /dev/stdin, /dev/stdout, /dev/stderr). Por ahí se llega
 * a un archivo de la entrega con una ruta que empieza como las del sistema. */
static int enlace_magico(const char *r)
{
    static const char *const de_dev[] = {"/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr",
                                         NULL};
    for (int i = 0; de_dev[i] != NULL; i++)
        if (strcmp(r, de_dev[i]) == 0)
            return 1;
    const char *p = NULL;
    if (conducta_empieza(r, "/proc/self/"))
        p = r + strlen("/proc/self/");
    else if (conducta_empieza(r, "/proc/thread-self/"))
        p = r + strlen("/proc/thread-self/");
    else if (conducta_empieza(r, "/proc/") && r[6] >= '0' && r[6] <= '9') {
        p = r + 6;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p != '/')
            return 0;
        p++;
    }
    if (p == NULL)
        return 0;
    /* …/task/<tid>/ delante de lo mismo. */
    if (conducta_empieza(p, "task/")) {
        p += strlen("task/");
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p != '/')
            return 0;
        p++;
    }
    if (strcmp(p, "cwd") == 0 || strcmp(p, "root") == 0)
        return 1;
    /* fd/<n> y map_files/<rango>: el enlace es el de dentro, no la carpeta. */
    return (conducta_empieza(p, "fd/") && p[3] != '\0' && strchr(p + 3, '/') == NULL) ||
           (conducta_empieza(p, "map_files/") && p[10] != '\0' && strchr(p + 10, '/') == NULL);
}

/* 1 si `r` es `carpeta` o está dentro («/usr» y «/usr/lib», no «/usrx»). */
static int bajo(const char *r, const char *carpeta)
{
    size_t n = strlen(carpeta);
    return strncmp(r, carpeta, n) == 0 && (r[n] == '\0' || r[n] == '/');
}

/* Recorre `r` (absoluta) tramo a tramo, como el núcleo, sin mirar el disco, y deja en `dst` la
 * ruta a la que lleva: sin «//» ni «/./», y con cada «..» aplicado. Devuelve 0 (y la ruta no
 * puede ser del sistema) si por el camino pasa por un enlace mágico (enlace_magico: el núcleo
 * sigue el enlace, y lo que viene detrás, «..» incluido, cuenta desde donde lleva), si tiene un
 * «..» fuera de /usr y /etc (lo único del sistema donde el programa no puede poner enlaces, así
 * que el «..» del texto es el del núcleo: «/usr/lib/x/../../share» es «/usr/share») o si no
 * cabe. Es una lista de lo permitido: lo demás, con «..», es normal. */
static int recorrer_ruta(const char *r, char *dst, size_t tam)
{
    size_t n = 0;
    const char *p = r;
    if (tam < 2 || r[0] != '/')
        return 0;
    dst[0] = '\0';
    while (*p != '\0') {
        while (*p == '/')
            p++;
        const char *fin = strchr(p, '/');
        size_t l = fin != NULL ? (size_t)(fin - p) : strlen(p);
        if (l == 0)
            break;
        if (n > 0 && enlace_magico(dst))
            return 0;
        if (l == 1 && p[0] == '.') {
            /* nada */
        } else if (l == 2 && p[0] == '.' && p[1] == '.') {
            if (!((conducta_empieza(dst, "/usr/") || conducta_empieza(dst, "/etc/"))))
                return 0;
            while (n > 0 && dst[n - 1] != '/')
                n--;
            n--; /* la barra de antes (dst empieza por /usr/ o /etc/: hay una) */
            dst[n] = '\0';
        } else {
            if (n + 1 + l >= tam)
                return 0;
            dst[n++] = '/';
            memcpy(dst + n, p, l);
            n += l;
            dst[n] = '\0';
        }
        p += l;
    }
    if (n == 0)
        dst[n++] = '/';
    dst[n] = '\0';
    return !enlace_magico(dst);
}

/* Una ruta de un archivo normal de la entrega (no del sistema). Del sistema es solo la que,
 * recorrida como el núcleo (recorrer_ruta), queda en /usr, /lib*, /etc, /proc, /sys, /dev,
 * /bin o /sbin sin pasar por un enlace mágico: «/usr/../trabajo/a», «/proc/self/cwd/a»,
 * «/proc/self/root/../trabajo/a», «/dev/fd/7» o «/dev/stdin/a» (un stat, un unlink o un
 * truncate síncronos de un archivo de la entrega, disfrazados) son normales. Lo que no empieza
 * por «/» no es una ruta sino un descriptor que no es de archivo («pipe:[7]», «TCP:[…]»,
 * «anon_inode:[eventfd]»): 0 (quien juzga una ruta relativa, la de un texto, la trata aparte). */
int conducta_ruta_normal(const char *ruta)
{
    char limpia[PATH_MAX];
    if (ruta[0] != '/')
        return 0;
    if (!recorrer_ruta(ruta, limpia, sizeof limpia))
        return 1;
    const char *r = limpia;
    static const char *const sistema[] = {"/usr",  "/lib", "/lib64", "/lib32", "/libx32", "/etc",
                                          "/proc", "/sys", "/dev",   "/bin",   "/sbin",   NULL};
    /* En /dev, lo que el programa puede escribir es suyo: un archivo copiado a /dev/shm (un
     * tmpfs de 1 MiB en la caja) y leído allí de forma síncrona no es «del sistema» (lo
     * encontró un adversario en la sesión 27). */
    static const char *const escribibles[] = {"/dev/shm", "/dev/mqueue", NULL};
    for (int i = 0; escribibles[i] != NULL; i++)
        if (bajo(r, escribibles[i]))
            return 1;
    if (conducta_es_precarga(r))
        return 0;
    for (int i = 0; sistema[i] != NULL; i++)
        if (bajo(r, sistema[i]))
            return 0;
    return 1;
}

/* Copia en `dst` la ruta del primer descriptor desde `s` («3</tmp/x>»: lo que hay entre su «<»
 * y el primer «>», conducta_saltar_pieza), sin las cadenas entre comillas ni el «<<» de unas
 * opciones. Antes se tomaba el primer «<» de la línea (en un mmap con «1<<MAP_HUGE_SHIFT» en sus
 * opciones, «<MAP_HUGE_SHIFT, 5</w/x.txt»: el archivo mapeado no se juzgaba) y se buscaba un «>»
 * seguido de coma o paréntesis (un archivo borrado, «5</w/x.txt>(deleted)», daba la línea
 * entera: sus lecturas escapaban a «reglas_traza»). Revisión de la sesión 77. */
int conducta_ruta_fd(const char *s, char *dst, size_t tam)
{
    const char *a = s;
    for (; *a != '\0'; a++) {
        if (*a != '"' && *a != '<')
            continue;
        if (*a == '<' && a[1] != '<')
            break;
        a = conducta_saltar_pieza(a);
        if (a == NULL)
            return 0;
    }
    const char *b = *a == '<' ? strchr(a, '>') : NULL;
    if (b == NULL)
        return 0;
    size_t n = (size_t)(b - a - 1);
    if (n >= tam)
        n = tam - 1;
    memcpy(dst, a + 1, n);
    dst[n] = '\0';
    return 1;
}

/* La primera cadena entre comillas de los argumentos (sin saltarse un «\"» de dentro). 1 si
 * estaba y cabía entera; 0 si no había ninguna o no cabía (en `dst`, su principio: quien juzga
 * una ruta cortada la da por normal, porque su final, «../../trabajo/a», no se ve). */
int conducta_primera_cadena(const char *args, char *dst, size_t tam)
{
    dst[0] = '\0';
    const char *a = strchr(args, '"');
    if (a == NULL)
        return 0;
    const char *b = a + 1;
    while (*b != '\0' && *b != '"')
        b += b[0] == '\\' && b[1] != '\0' ? 2 : 1;
    if (*b != '"')
        return 0;
    size_t n = (size_t)(b - a - 1);
    int entera = n < tam;
    if (!entera)
        n = tam - 1;
    memcpy(dst, a + 1, n);
    dst[n] = '\0';
    return entera;
}

void conducta_anotar(char *dst, size_t tam, const char *fmt, const char *a, const char *b)
{
    if (dst[0] == '\0')
        snprintf(dst, tam, fmt, a, b);
}

/* El argumento `k` (desde 0) de «(a, b, c)»: entre comas de primer nivel, sin contar las de
 * dentro de un texto entre comillas, de la ruta de un descriptor (<…>, conducta_saltar_pieza:
 * lo de dentro lo elige el programa) ni de […], {…} o (…). 1 si está (en *ini y *n). */
int conducta_argumento(const char *par, int k, const char **ini, size_t *n)
{
    int nivel = 0, comillas = 0, i = 0;
    const char *a = par + 1;
    for (const char *p = a; *p != '\0'; p++) {
        if (comillas) {
            if (*p == '\\' && p[1] != '\0')
                p++;
            else if (*p == '"')
                comillas = 0;
            continue;
        }
        if (*p == '"')
            comillas = 1;
        else if (*p == '<') {
            p = conducta_saltar_pieza(p); /* la ruta de un descriptor, o «<<» */
            if (p == NULL)
                return 0;
        } else if (*p == '[' || *p == '{' || *p == '(')
            nivel++;
        else if ((*p == ']' || *p == '}' || *p == ')') && nivel > 0)
            nivel--;
        else if ((*p == ',' || *p == ')') && nivel == 0) {
            if (i == k) {
                while (*a == ' ')
                    a++;
                *ini = a;
                *n = (size_t)(p - a);
                return 1;
            }
            if (*p == ')')
                return 0;
            i++;
            a = p + 1;
        }
    }
    return 0;
}

/* Cuántos bytes pide una lectura de `nombre` (read y pread64: su tercer argumento; readv,
 * preadv y preadv2: la suma de los iov_len). -1 si no se sabe: con más búferes de los que
 * strace escribe (-s 16, lib/observar.c), la lista acaba en «...». En `como`, la llamada
 * abreviada para el mensaje («read(…, 64000)»). */
long conducta_pedido_lectura(const char *nombre, const char *par, char *como, size_t tam)
{
    const char *a;
    size_t n;
    int vector = strcmp(nombre, "read") != 0 && strcmp(nombre, "pread64") != 0;
    if (!conducta_argumento(par, vector ? 1 : 2, &a, &n))
        return -1;
    if (!vector) {
        char *fin;
        long v = strtol(a, &fin, 10);
        snprintf(como, tam, "%s(…, %ld)", nombre, v);
        return fin != a ? v : -1;
    }
    long suma = 0;
    int bufs = 0, comillas = 0;
    for (size_t i = 0; i < n; i++) {
        if (comillas) {
            if (a[i] == '\\')
                i++;
            else if (a[i] == '"')
                comillas = 0;
            continue;
        }
        if (a[i] == '"') {
            comillas = 1;
        } else if (strncmp(a + i, "iov_len=", 8) == 0) {
            suma += strtol(a + i + 8, NULL, 10);
            bufs++;
        } else if (a[i] == '.' && i + 2 < n && a[i + 1] == '.' && a[i + 2] == '.' &&
                   (i == 0 || a[i - 1] != '"')) {
            snprintf(como, tam, "%s(…) con más búferes de los que se ven", nombre);
            return -1;
        }
    }
    snprintf(como, tam, "%s(…, %d %s %ld %s)", nombre, bufs,
             texto_plural(bufs, "búfer que suma", "búferes que suman"), suma,
             texto_plural(suma, "byte", "bytes"));
    return bufs > 0 ? suma : -1;
}

/* La ruta para el mensaje: desde la carpeta de la verificación («…/calif-memoria-Xy12/…»
 * → «…/grande.txt» sin el resto), que es larga y no le dice nada al estudiante. */
const char *conducta_ruta_corta(const char *r)
{
    const char *c = strstr(r, "/calif-");
    const char *b = c != NULL ? strchr(c + 1, '/') : NULL;
    return b != NULL ? b + 1 : r;
}

/* La ruta que toca una llamada, en `dst`: el primer argumento, un texto o un descriptor con su
 * ruta («3</x/y>», strace -y); un descriptor de carpeta (o «AT_FDCWD</cwd>») seguido de un
 * texto, los dos juntos (las *at, statx; y las que toman una ruta tras un descriptor que no es
 * de archivo, como inotify_add_watch). Una ruta relativa sin carpeta se queda con «./» delante
 * (la carpeta actual del programa es suya). 0 si no toca ninguna. */
int conducta_ruta_tocada(const char *nombre, const char *par, char *dst, size_t tam)
{
    const char *a, *b;
    size_t n, m;
    dst[0] = '\0';
    if (!conducta_argumento(par, 0, &a, &n) || n == 0)
        return 0;
    /* Un texto de strace puede llegar a 4 veces PATH_MAX (cada byte raro, «\ooo»). */
    enum { TAM_TEXTO = 4 * PATH_MAX + 16 };
    char primero[TAM_TEXTO], texto[TAM_TEXTO] = "", dir[TAM_TEXTO];
    int primero_cabe = n < sizeof primero, texto_cabe = 1;
    snprintf(primero, sizeof primero, "%.*s", (int)n, a);
    int hay_texto = conducta_argumento(par, 1, &b, &m) && m >= 2 && b[0] == '"';
    if (hay_texto) {
        texto_cabe = m - 2 < sizeof texto;
        snprintf(texto, sizeof texto, "%.*s", (int)(m - 2), b + 1);
    }
    int w;
    if (primero[0] == '"') {
        int entera = primero_cabe && conducta_primera_cadena(primero, texto, sizeof texto);
        if (texto[0] == '\0')
            return 0;
        w = snprintf(dst, tam, "%s%s", texto[0] == '/' ? "" : "./", texto);
        if (!entera || w < 0 || (size_t)w >= tam)
            goto larga;
        return 1;
    }
    if (!conducta_ruta_fd(primero, dir, sizeof dir))
        return 0;
    int con_carpeta = conducta_empieza(primero, "AT_FDCWD") || conducta_termina_en(nombre, "at") ||
                      conducta_termina_en(nombre, "at2") || strcmp(nombre, "statx") == 0 ||
                      dir[0] != '/';
    if (!hay_texto || !con_carpeta || texto[0] == '\0') {
        w = snprintf(dst, tam, "%s", dir);
        texto_cabe = 1; /* el texto no cuenta */
    } else if (texto[0] == '/') {
        w = snprintf(dst, tam, "%s", texto);
    } else {
        w = snprintf(dst, tam, "%s/%s", dir, texto);
    }
    if (!primero_cabe || !texto_cabe || w < 0 || (size_t)w >= tam)
        goto larga;
    return 1;
larga:
    /* No cabe: no se puede juzgar dónde acaba, así que es del programa («./» delante, como una
     * relativa: quien llama la da por suya), nunca del sistema. Para el mensaje, su principio. */
    snprintf(dst, tam, "./[una ruta demasiado larga para juzgarla: %.100s…]",
             texto[0] != '\0' ? texto : dir);
    return 1;
}
/* La función de un marco («/ruta/archivo(función+0x…) [0x…]»), hasta `max` letras, en dst (""
 * sin símbolo). */
void conducta_marco_funcion(const char *marco, char *dst, size_t tam, size_t max)
{
    const char *fn = strchr(marco, '(');
    size_t l = fn != NULL ? strcspn(fn + 1, "+)") : 0;
    if (l > max)
        l = max;
    snprintf(dst, tam, "%.*s", (int)l, fn != NULL ? fn + 1 : "");
}

static int comparar_rutas(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int conducta_es_entrada(const entradas_t *e, const char *ruta)
{
    return e != NULL && e->n > 0 &&
           bsearch(&ruta, e->rutas, e->n, sizeof *e->rutas, comparar_rutas) != NULL;
}

/* Los nombres de los archivos de `carpeta` que acaban en `sufijo`, en el orden de readdir (el
 * de siempre: de él sale qué traza se ve primero), en un vector que acaba en NULL; NULL si la
 * carpeta no se abre o no hay ninguno. Se libera con conducta_nombres_liberar. */
char **conducta_carpeta_nombres(const char *carpeta, const char *sufijo)
{
    DIR *d = opendir(carpeta);
    if (d == NULL)
        return NULL;
    char **nombres = NULL;
    size_t n = 0, cap = 0, ls = strlen(sufijo);
    for (;;) {
        struct dirent *de = readdir(d);
        if (de == NULL)
            break;
        size_t l = strlen(de->d_name);
        if (l < ls || strcmp(de->d_name + l - ls, sufijo) != 0)
            continue;
        if (n + 1 >= cap) {
            size_t nueva = cap != 0 ? cap * 2 : 64;
            char **r = realloc(nombres, nueva * sizeof *r);
            if (r == NULL)
                break;
            nombres = r;
            cap = nueva;
        }
        nombres[n++] = texto_dup(de->d_name);
        nombres[n] = NULL;
    }
    closedir(d);
    return nombres;
}

void conducta_nombres_liberar(char **nombres)
{
    for (size_t i = 0; nombres != NULL && nombres[i] != NULL; i++)
        free(nombres[i]);
    free(nombres);
}

/* Las listas «*.entrada» de `carpeta` (lib/observar.c), ordenadas y sin repetir. */
void conducta_entradas_leer(const char *carpeta, entradas_t *e)
{
    memset(e, 0, sizeof *e);
    char **listas = conducta_carpeta_nombres(carpeta, ".entrada");
    for (size_t k = 0; listas != NULL && listas[k] != NULL; k++) {
        char ruta[PATH_MAX];
        texto_poner(ruta, sizeof ruta, "%s/%s", carpeta, listas[k]);
        FILE *f = fopen(ruta, "r");
        char *linea = NULL;
        size_t cap = 0;
        while (f != NULL) {
            ssize_t n = getline(&linea, &cap, f);
            if (n <= 0)
                break;
            if (linea[n - 1] == '\n')
                linea[--n] = '\0';
            if (e->n == e->cap) {
                size_t nueva = e->cap != 0 ? e->cap * 2 : 256;
                char **r = realloc(e->rutas, nueva * sizeof *r);
                if (r == NULL)
                    break;
                e->rutas = r;
                e->cap = nueva;
            }
            e->rutas[e->n++] = texto_dup(linea);
        }
        free(linea);
        if (f != NULL)
            fclose(f);
    }
    conducta_nombres_liberar(listas);
    if (e->n > 0)
        qsort(e->rutas, e->n, sizeof *e->rutas, comparar_rutas);
}

void conducta_entradas_liberar(entradas_t *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->rutas[i]);
    free(e->rutas);
}

/* El nombre de la llamada de `texto` («nombre(args…»), en `nombre`: 0 si no lo tiene o no cabe. */
int llamada_nombre(const char *texto, char *nombre, size_t tam)
{
    const char *par = strchr(texto, '(');
    if (par == NULL)
        return 0;
    size_t nl = (size_t)(par - texto);
    if (nl == 0 || nl >= tam)
        return 0;
    memcpy(nombre, texto, nl);
    nombre[nl] = '\0';
    return 1;
}

/* El «)» que cierra los argumentos que abre `par` (NULL si no cierran). Se salta lo que el
 * programa puede escribir: las cadenas entre comillas (strace escapa las de dentro: \") y la
 * ruta de cada descriptor (-y: «3</ruta>», con < y > de dentro escapados como \74 y \76).
 * Antes el resultado era el último « = » detrás de un «)», y una ruta elegida por el programa
 * lo ponía: un archivo «x) = -1 E» abierto en el hilo del bucle salía «= 3</…/x) = -1 E>»,
 * se leía -1 (la llamada falló) y no se juzgaba, ni nada de lo hecho con ese descriptor
 * (adversario de la sesión 73; traza «ruta-con-igual»). */
static const char *fin_de_argumentos(const char *par)
{
    int hondo = 0;
    for (const char *c = par; *c != '\0'; c++) {
        if (*c == '"' || *c == '<') {
            c = conducta_saltar_pieza(c);
            if (c == NULL)
                return NULL;
        } else if (*c == '(' || *c == '[' || *c == '{') {
            hondo++;
        } else if (*c == ')' || *c == ']' || *c == '}') {
            hondo--;
            if (hondo == 0 && *c == ')')
                return c;
            if (hondo <= 0)
                return NULL;
        }
    }
    return NULL;
}

int llamada_partir(const char *texto, llamada_t *ll)
{
    if (!llamada_nombre(texto, ll->nombre, sizeof ll->nombre))
        return 0;
    ll->par = strchr(texto, '(');
    /* El resultado va tras el «)» que cierra los argumentos: strace lo alinea en una columna
     * con espacios («close(3</x>)     = 0»), también en una llamada partida en <unfinished …>
     * y <… resumed> (sin esto, un execve partido, frecuente con la máquina cargada, dejaba la
     * ejecución sin observar y sus medios sin juzgar). */
    const char *cierre = ll->par != NULL ? fin_de_argumentos(ll->par) : NULL;
    if (cierre == NULL)
        return 0;
    const char *igual = cierre + 1;
    while (*igual == ' ')
        igual++;
    if (strncmp(igual, "= ", 2) != 0)
        return 0;
    ll->ret_txt = igual + 2;
    ll->ret = strtol(ll->ret_txt, NULL, 10);
    ll->bien = ll->ret_txt[0] != '-' && ll->ret_txt[0] != '?';
    return 1;
}

/* Lee una traza de strace -f (líneas «tid llamada…», con «<unfinished ...>» y
 * «<... llamada resumed>» cuando dos hilos se cruzan) y da cada línea a `oyente`, hasta
 * TOPE_TRAZA_MIB: una traza sin fin (un programa que hace millones de llamadas) no deja al
 * calificador leyendo para siempre. Antes, lo que pasaba del tope no se juzgaba y nadie lo
 * decía: 64 MiB de vueltas de uv_run(UV_RUN_NOWAIT) y luego leer el disco en el hilo del bucle
 * no se veía (traza «tope»). Ahora quien lee sabe que se cortó (devuelve 1). */
int traza_recorrer(const char *ruta, const traza_oyente_t *oyente, void *dato)
{
    int cortada = 0;
    FILE *f = fopen(ruta, "r");
    if (f == NULL)
        return 0;
    struct {
        long tid;
        unsigned long ip;
        char *texto;
    } pend[MAX_PENDIENTES] = {{0, 0, NULL}};
    char *linea = NULL;
    size_t cap = 0, leido = 0;
    for (;;) {
        ssize_t n = getline(&linea, &cap, f);
        if (n <= 0)
            break;
        leido += (size_t)n;
        if (leido >= (size_t)TOPE_TRAZA_MIB << 20) {
            cortada = 1;
            break;
        }
        if (linea[n - 1] == '\n')
            linea[--n] = '\0';
        /* Con -k, los marcos de la pila de la llamada de antes: « > /ruta(función+0x…) […]». */
        if (conducta_empieza(linea, " > ")) {
            oyente->marco(dato, linea + 3);
            continue;
        }
        /* «TID [dirección] llamada(…)»; la dirección, la de su instrucción syscall (con -i). */
        char *resto;
        unsigned long ip;
        long tid = traza_linea(linea, &ip, &resto);
        int sin_llamada = tid <= 0 || resto[0] == '+' || resto[0] == '-';
        oyente->linea(dato, tid, sin_llamada ? NULL : resto);
        if (sin_llamada)
            continue; /* «+++ exited…», «--- SIGINT…» */
        const char *sin = " <unfinished ...>";
        size_t ls = strlen(sin), lr = strlen(resto);
        if (lr >= ls && strcmp(resto + lr - ls, sin) == 0) {
            resto[lr - ls] = '\0';
            int guardada = 0;
            for (int i = 0; i < MAX_PENDIENTES && !guardada; i++)
                if (pend[i].texto == NULL) {
                    pend[i].tid = tid;
                    pend[i].ip = ip;
                    pend[i].texto = texto_dup(resto);
                    guardada = 1;
                }
            /* Sin sitio (más de MAX_PENDIENTES llamadas a medias a la vez): se juzga ya, como
             * una que no volvió, en vez de perderla (revisión de la sesión 77). */
            if (!guardada) {
                char *junto = texto_formato("%s...) = ?", resto);
                oyente->llamada(dato, tid, ip, junto);
                free(junto);
            }
            continue;
        }
        if (conducta_empieza(resto, "<... ")) {
            char *r = strstr(resto, "resumed>");
            for (int i = 0; r != NULL && i < MAX_PENDIENTES; i++)
                if (pend[i].texto != NULL && pend[i].tid == tid) {
                    char *junto = texto_formato("%s%s", pend[i].texto, r + strlen("resumed>"));
                    oyente->llamada(dato, tid, pend[i].ip != 0 ? pend[i].ip : ip, junto);
                    free(junto);
                    free(pend[i].texto);
                    pend[i].texto = NULL;
                    break;
                }
            continue;
        }
        oyente->llamada(dato, tid, ip, resto);
    }
    /* Las que no volvieron nunca (el programa murió dentro: un sleep(5) al parar y el
     * calificador que lo mata), como strace escribe las que acaban con el proceso: «= ?». No
     * acabaron bien, así que solo cuentan para las clases que no piden eso (dormir). */
    for (int i = 0; i < MAX_PENDIENTES; i++) {
        if (pend[i].texto == NULL)
            continue;
        char *junto = texto_formato("%s...) = ?", pend[i].texto);
        oyente->llamada(dato, pend[i].tid, pend[i].ip, junto);
        free(junto);
        free(pend[i].texto);
    }
    free(linea);
    fclose(f);
    return cortada;
}
