/* imagen.c — generación por posición de archivos PPM (P6) y BMP (ver imagen.h). */
#include "imagen.h"

#include <stdio.h>
#include <string.h>

static void poner32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

int imagen_preparar(imagen_t *img, long long ancho, long long alto, imagen_formato_t formato)
{
    if (ancho < 1 || alto < 1 || ancho > IMAGEN_MAX_LADO || alto > IMAGEN_MAX_LADO ||
        (unsigned long long)(ancho * alto) > IMAGEN_MAX_PIXELES)
        return -1;
    memset(img, 0, sizeof *img);
    img->ancho = (uint32_t)ancho;
    img->alto = (uint32_t)alto;
    img->formato = formato;
    if (formato == IMAGEN_PPM) {
        int n = snprintf((char *)img->cabecera, sizeof img->cabecera, "P6\n%u %u\n255\n",
                         img->ancho, img->alto);
        img->tam_cabecera = (size_t)n;
        img->bytes_fila = 3ull * img->ancho;
    } else {
        img->tam_cabecera = 54;
        img->bytes_fila = (3ull * img->ancho + 3) & ~3ull;
        uint32_t datos = (uint32_t)(img->bytes_fila * img->alto);
        unsigned char *c = img->cabecera;
        c[0] = 'B';
        c[1] = 'M';
        poner32(c + 2, 54 + datos); /* tamaño del archivo */
        poner32(c + 10, 54);        /* dónde empiezan los píxeles */
        poner32(c + 14, 40);        /* BITMAPINFOHEADER */
        poner32(c + 18, img->ancho);
        poner32(c + 22, img->alto); /* positivo: filas de abajo arriba */
        c[26] = 1;                  /* planos */
        c[28] = 24;                 /* bits por píxel */
        poner32(c + 34, datos);
        poner32(c + 38, 2835); /* 72 ppp */
        poner32(c + 42, 2835);
    }
    img->total = img->tam_cabecera + img->bytes_fila * img->alto;
    return 0;
}

/* Componente `canal` (0 = rojo, 1 = verde, 2 = azul) del píxel (x, y). */
static unsigned char componente(const imagen_t *img, uint32_t x, uint32_t y, unsigned canal)
{
    switch (canal) {
    case 0:
        return img->ancho > 1 ? (unsigned char)(x * 255u / (img->ancho - 1)) : 128;
    case 1:
        return img->alto > 1 ? (unsigned char)(y * 255u / (img->alto - 1)) : 128;
    default:
        return ((x / 16 + y / 16) & 1) ? 210 : 60;
    }
}

void imagen_generar(const imagen_t *img, uint64_t desde, unsigned char *destino, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t pos = desde + i;
        if (pos < img->tam_cabecera) {
            destino[i] = img->cabecera[pos];
            continue;
        }
        uint64_t k = pos - img->tam_cabecera;
        uint64_t fila = k / img->bytes_fila;
        uint64_t col = k % img->bytes_fila;
        if (pos >= img->total || col >= 3ull * img->ancho) {
            destino[i] = 0; /* relleno de fila del BMP */
            continue;
        }
        uint32_t x = (uint32_t)(col / 3);
        unsigned canal = (unsigned)(col % 3);
        uint32_t y = (uint32_t)fila;
        if (img->formato == IMAGEN_BMP) {
            y = img->alto - 1 - y; /* BMP guarda la fila de abajo primero, en BGR */
            canal = 2 - canal;
        }
        destino[i] = componente(img, x, y, canal);
    }
}

const char *imagen_tipo(const imagen_t *img)
{
    return img->formato == IMAGEN_BMP ? "image/bmp" : "image/x-portable-pixmap";
}
