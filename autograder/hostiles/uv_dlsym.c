/* uv_dlsym.c — entrega hostil: pide pthread_create por su nombre con los envoltorios de
 * libuv (uv_dlopen, uv_dlsym) para tener hilos propios sin que su símbolo aparezca. Los
 * hilos los deja pasar seccomp; por eso uv_dlopen y uv_dlsym están entre los prohibidos. */
#include <pthread.h>
#include <uv.h>
int main(void)
{
    uv_lib_t lib;
    void *f = NULL;
    if (uv_dlopen("libc.so.6", &lib) == 0)
        uv_dlsym(&lib, "pthread_create", &f);
    return f != NULL;
}
