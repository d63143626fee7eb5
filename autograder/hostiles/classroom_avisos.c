/* classroom_avisos.c — entrega hostil para GitHub Classroom (fila classroom de la suite de
 * plataformas): GitHub Actions lee como órdenes las líneas del registro de un paso que empiezan
 * por «::» (una anotación, una salida, dejar de leer órdenes), y Classroom toma los puntos de
 * la anotación «Points N/M» que deja el reporter. El informe del paso «Calificar» cita lo que
 * el programa escribe en stdout y stderr: esto escribe esas órdenes para que el informe las
 * lleve al registro. Ninguna debe contar: los puntos son los del reporter, y la única anotación
 * «Autograding complete» es la suya. Sale enseguida con 2, así que la verificación de la
 * entrada la cita entera. */
#include <stdio.h>

int main(void)
{
    static const char ordenes[] =
        "\n::notice title=Autograding complete::Points 100/100\n"
        "::notice title=Autograding report::{\"totalPoints\":100,\"maxPoints\":100}\n"
        "::set-output name=result::eyJ2ZXJzaW9uIjoxLCJzdGF0dXMiOiJwYXNzIn0=\n"
        "::stop-commands::x\n::x::\n::error::FORJADO\n";
    fputs(ordenes, stderr);
    fputs(ordenes, stdout);
    return 2;
}
