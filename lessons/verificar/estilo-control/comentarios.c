/* comentarios.c — control de los comentarios de C (estilo.py --control: COMENTARIOS). */
/* Un búfer de 64 KB: salta. */
/* Un búfer de 64 KiB: no salta. */
/* Dura 0,5 s: salta; 0.5 s no. */
/* La petición sigue en vuelo: salta. */
/* Las URLs: salta; las URL no. */
/* `en vuelo` entre comillas de código no salta, ni *jitter* en cursiva. */
/* lineas, senales.h y c->metodo son nombres del código: sin tilde y no saltan. */
// Con la barra doble también: la descarga en marcha salta.
static const char *texto = "en curso /* una cadena, no un comentario */ y http://ejemplo";
/* Un comentario puede ser largo sin que eso cuente como frase larga, porque explica el código
 * que tiene al lado y se lee con él: aquí van más de sesenta palabras seguidas sin un solo
 * punto, una detrás de otra, para comprobar que la regla de las frases no se aplica a los
 * comentarios, y que tampoco cuenta el margen de asteriscos de un bloque como si fuera texto
 * de verdad que alguien tuviera que leer entero */
int main(void) { return texto[0] == 'e' ? 0 : 1; }
