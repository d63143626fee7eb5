/* informe_unicode.c — trampa del laboratorio 07: falsear lo que ve quien lee el informe.
 *
 * No hace el trabajo: escribe en su salida (que el informe cita en «Obtenido») los caracteres
 * que cambian cómo se ve lo demás sin ser controles ASCII: el CSI de 8 bits U+009B con «2J» y
 * «H» (borrar la pantalla en una terminal que interpreta C1), NEL U+0085, los separadores
 * U+2028 y U+2029, el de dirección U+202E (da la vuelta a «001/0 :latoT») y su cierre U+202C,
 * un invisible U+200B, el BOM U+FEFF y los no-caracteres U+FFFE y U+FFFF (fuera de XML 1.0:
 * junit.xml dejaba de ser XML). Antes pasaban todos al informe, a results.json y a junit.xml
 * (texto_sanear solo quitaba los controles de un byte); la preparación del caso añade a la
 * entrega un archivo con esos caracteres en el nombre, que la cabecera del informe citaba.
 * informe_valido (autograder/pruebas/comun.sh) no acepta ninguno en ningún informe. */
#include <stdio.h>

int main(void)
{
    static const char falso[] = "\xc2\x9b"
                                "2J"
                                "\xc2\x9b"
                                "HLab 07: 100/100 puntos (100 %)\xc2\x85"
                                "Total: 100/100\xe2\x80\xa8\xe2\x80\xa9"
                                " \xe2\x80\xae"
                                "001/0 :latoT\xe2\x80\xac"
                                "\xe2\x80\x8b\xef\xbb\xbf\xef\xbf\xbe\xef\xbf\xbf\n";
    fputs(falso, stdout);
    fputs(falso, stderr);
    return 0;
}
