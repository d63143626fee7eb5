/* imagen.h — imágenes de verdad (PPM binario P6 o BMP de 24 bits) con un dibujo
 * determinista: degradado rojo→ancho, verde→alto y un damero azul de 16 px.
 *
 * Como los bytes, cada byte del archivo se calcula a partir de su posición: la imagen se
 * envía por trozos sin existir entera en memoria. imagen_t es un valor (sin memoria
 * dinámica); el llamador lo guarda donde quiera.
 */
#ifndef SERVIDOR_IMAGEN_H
#define SERVIDOR_IMAGEN_H

#include <stddef.h>
#include <stdint.h>

#define IMAGEN_MAX_LADO    4096
#define IMAGEN_MAX_PIXELES (2048u * 2048u)

typedef enum { IMAGEN_PPM = 0, IMAGEN_BMP = 1 } imagen_formato_t;

typedef struct {
    uint32_t ancho, alto;
    imagen_formato_t formato;
    unsigned char cabecera[64];
    size_t tam_cabecera;
    uint64_t bytes_fila; /* con el relleno a múltiplo de 4 del BMP */
    uint64_t total;      /* tamaño del archivo completo */
} imagen_t;

/* Prepara una imagen. Devuelve 0, o -1 si las medidas están fuera de 1..IMAGEN_MAX_LADO o
 * pasan de IMAGEN_MAX_PIXELES. */
int imagen_preparar(imagen_t *img, long long ancho, long long alto, imagen_formato_t formato);

/* Bytes [desde, desde + n) del archivo. */
void imagen_generar(const imagen_t *img, uint64_t desde, unsigned char *destino, size_t n);

/* "image/x-portable-pixmap" o "image/bmp". */
const char *imagen_tipo(const imagen_t *img);

#endif
