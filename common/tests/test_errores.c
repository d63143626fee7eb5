/* test_errores.c — curso/errores.h: cada código de libuv que el curso puede encontrarse
 * tiene texto en español (no el inglés de uv_strerror) y lo demás se nombra. */
#include "curso/errores.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

/* Los que la tabla debe traducir: TCP, tuberías, archivos, DNS, temporizadores, señales. */
static const int traducidos[] = {
    UV_ECONNREFUSED,
    UV_ECONNRESET,
    UV_ECONNABORTED,
    UV_ETIMEDOUT,
    UV_EADDRINUSE,
    UV_EADDRNOTAVAIL,
    UV_EAFNOSUPPORT,
    UV_ENETUNREACH,
    UV_ENETDOWN,
    UV_EHOSTUNREACH,
    UV_EHOSTDOWN,
    UV_ENONET,
    UV_EPIPE,
    UV_ENOTCONN,
    UV_EISCONN,
    UV_EALREADY,
    UV_ESHUTDOWN,
    UV_EDESTADDRREQ,
    UV_EMSGSIZE,
    UV_ENOBUFS,
    UV_ENOTSOCK,
    UV_ENOTSUP,
    UV_ENOPROTOOPT,
    UV_EPROTO,
    UV_EPROTONOSUPPORT,
    UV_EPROTOTYPE,
    UV_ESOCKTNOSUPPORT,
    UV_EAI_ADDRFAMILY,
    UV_EAI_AGAIN,
    UV_EAI_BADFLAGS,
    UV_EAI_BADHINTS,
    UV_EAI_CANCELED,
    UV_EAI_FAIL,
    UV_EAI_FAMILY,
    UV_EAI_MEMORY,
    UV_EAI_NODATA,
    UV_EAI_NONAME,
    UV_EAI_OVERFLOW,
    UV_EAI_PROTOCOL,
    UV_EAI_SERVICE,
    UV_EAI_SOCKTYPE,
    UV_ENOENT,
    UV_EACCES,
    UV_EPERM,
    UV_EEXIST,
    UV_EISDIR,
    UV_ENOTDIR,
    UV_ENOTEMPTY,
    UV_ENAMETOOLONG,
    UV_ELOOP,
    UV_EMLINK,
    UV_EROFS,
    UV_EXDEV,
    UV_ENOSPC,
    UV_EFBIG,
    UV_ETXTBSY,
    UV_ESPIPE,
    UV_EIO,
    UV_ENODEV,
    UV_ENXIO,
    UV_EOF,
    UV_EMFILE,
    UV_ENFILE,
    UV_ENOMEM,
    UV_EAGAIN,
    UV_EBUSY,
    UV_EINVAL,
    UV_EBADF,
    UV_EFAULT,
    UV_ECANCELED,
    UV_EINTR,
    UV_ENOSYS,
    UV_E2BIG,
    UV_ERANGE,
    UV_EOVERFLOW,
    UV_EILSEQ,
    UV_ESRCH,
    UV_UNKNOWN,
};
#define N_TRADUCIDOS (sizeof traducidos / sizeof traducidos[0])

/* Palabras que delatan el texto en inglés de uv_strerror. */
static const char *const ingles[] = {
    "the",       "not",  "no such", "refused",   "reset",   "timed",   "denied",
    "permitted", "busy", "locked",  "invalid",   "already", "address", "connection",
    "operation", "file", "too",     "many",      "unknown", "broken",  "resource",
    "available", "host", "network", "temporary", "failure", "end of",
};

/* ¿Aparece `palabra` como palabra entera (sin distinguir mayúsculas) en `texto`? */
static int contiene_palabra(const char *texto, const char *palabra)
{
    size_t n = strlen(palabra);
    for (const char *p = texto; *p != '\0'; p++) {
        if (strncasecmp(p, palabra, n) != 0)
            continue;
        int inicio = p == texto || !isalpha((unsigned char)p[-1]);
        int fin = !isalpha((unsigned char)p[n]);
        if (inicio && fin)
            return 1;
    }
    return 0;
}

Test(errores, cada_codigo_del_curso_tiene_texto_en_espanol)
{
    for (size_t i = 0; i < N_TRADUCIDOS; i++) {
        int codigo = traducidos[i];
        const char *nombre = error_nombre(codigo);
        const char *texto = error_texto(codigo);
        cr_assert_not_null(nombre, "el código %d no es de libuv", codigo);
        cr_assert_not_null(texto, "%s sin texto", nombre);
        cr_expect(strlen(texto) >= 6, "%s: texto demasiado corto «%s»", nombre, texto);
        cr_expect(strstr(texto, "desconocido de libuv") == NULL, "%s no está traducido: «%s»",
                  nombre, texto);
        cr_expect_str_neq(texto, uv_strerror(codigo), "%s: es el texto de uv_strerror", nombre);
        cr_expect(strpbrk(texto, "\n\r") == NULL, "%s: más de una línea", nombre);
        cr_expect(!isupper((unsigned char)texto[0]) && texto[strlen(texto) - 1] != '.',
                  "%s: «%s» debe ir sin mayúscula inicial ni punto final", nombre, texto);
        for (size_t j = 0; j < sizeof ingles / sizeof ingles[0]; j++)
            cr_expect(!contiene_palabra(texto, ingles[j]), "%s: «%s» tiene inglés («%s»)", nombre,
                      texto, ingles[j]);
    }
}

Test(errores, ningun_codigo_de_libuv_sale_en_ingles)
{
    /* Todos los de la versión de libuv instalada: traducidos o nombrados, nunca en inglés. */
#define COMPROBAR_TEXTO(nombre, _)                                                                 \
    cr_expect_str_neq(error_texto(UV_##nombre), uv_strerror(UV_##nombre), "UV_" #nombre);          \
    for (size_t j = 0; j < sizeof ingles / sizeof ingles[0]; j++)                                  \
        cr_expect(!contiene_palabra(error_texto(UV_##nombre), ingles[j]), "UV_" #nombre ": «%s»",  \
                  error_texto(UV_##nombre));
    UV_ERRNO_MAP(COMPROBAR_TEXTO)
#undef COMPROBAR_TEXTO
}

Test(errores, textos_distintos)
{
    /* Dos códigos con el mismo texto serían indistinguibles en un mensaje. */
    for (size_t i = 0; i < N_TRADUCIDOS; i++)
        for (size_t j = 0; j < i; j++)
            cr_expect_str_neq(error_texto(traducidos[i]), error_texto(traducidos[j]),
                              "%s y %s dicen lo mismo", error_nombre(traducidos[i]),
                              error_nombre(traducidos[j]));
}

Test(errores, algunos_textos_exactos)
{
    cr_expect_str_eq(error_texto(0), "sin error");
    cr_expect_str_eq(error_texto(UV_ECONNREFUSED), "conexión rechazada");
    cr_expect_str_eq(error_texto(UV_EBUSY), "recurso ocupado");
    cr_expect_str_eq(error_texto(UV_EADDRINUSE), "la dirección ya está en uso");
    cr_expect_str_eq(error_texto(UV_ENOENT), "no existe el archivo o la carpeta");
    cr_expect_str_eq(error_texto(UV_EOF), "fin de los datos");
}

Test(errores, lo_no_traducido_se_nombra)
{
    /* De libuv pero fuera de la tabla (solo de Windows o de BSD): se nombra el código. */
    cr_expect_str_eq(error_texto(UV_ECHARSET), "error desconocido de libuv: UV_ECHARSET");
    cr_expect_str_eq(error_texto(UV_EFTYPE), "error desconocido de libuv: UV_EFTYPE");
    /* Ni siquiera de libuv: se da el número. */
    cr_expect_str_eq(error_texto(-12345), "error desconocido (código -12345)");
    cr_expect_str_eq(error_texto(7), "error desconocido (código 7)");
}

Test(errores, nombres)
{
    cr_expect_str_eq(error_nombre(0), "OK");
    cr_expect_str_eq(error_nombre(UV_ECONNREFUSED), "UV_ECONNREFUSED");
    cr_expect_str_eq(error_nombre(UV_EAI_NONAME), "UV_EAI_NONAME");
    cr_expect_str_eq(error_nombre(UV_EOF), "UV_EOF");
    cr_expect_null(error_nombre(-12345));
    /* Cada código de libuv tiene nombre: el de uv_err_name con «UV_» delante. */
#define COMPROBAR_NOMBRE(nombre, _)                                                                \
    cr_expect_str_eq(error_nombre(UV_##nombre), "UV_" #nombre);                                    \
    cr_expect_str_eq(error_nombre(UV_##nombre) + 3, uv_err_name(UV_##nombre));
    UV_ERRNO_MAP(COMPROBAR_NOMBRE)
#undef COMPROBAR_NOMBRE
}
