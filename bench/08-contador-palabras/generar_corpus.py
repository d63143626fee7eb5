#!/usr/bin/python3
"""generar_corpus.py — el corpus de la comparación del laboratorio 08: ARCHIVOS archivos de
texto que suman MB megabytes, deterministas (la misma semilla da los mismos bytes), en
CARPETA. Cada archivo repite bloques de 1 MiB de palabras al azar (1–12 letras, separadas
por espacios, tabuladores y saltos de línea); un bloque empieza por letra y acaba en
espacio, así que la cuenta de un archivo es la suma de la de sus bloques. Imprime el total
de palabras (lo que tienen que dar todos los contadores).

Uso: generar_corpus.py CARPETA MB [ARCHIVOS=8]
"""
import os
import random
import sys

BLOQUE = 1 << 20


def bloque(azar):
    letras = "abcdefghijklmnopqrstuvwxyz"
    vocabulario = ["".join(azar.choices(letras, k=azar.randint(1, 12))).encode()
                   for _ in range(5000)]
    separadores = (b" ", b" ", b" ", b" ", b"\n", b"\t", b"  ")
    partes, largo = [], 0
    while largo < BLOQUE - 64:
        palabras = azar.choices(vocabulario, k=1000)
        seps = azar.choices(separadores, k=1000)
        for palabra, sep in zip(palabras, seps):
            partes.append(palabra + sep)
            largo += len(palabra) + len(sep)
            if largo >= BLOQUE - 64:
                break
    datos = b"".join(partes)
    return datos + b" " * (BLOQUE - len(datos))


def main():
    carpeta, mb = sys.argv[1], int(sys.argv[2])
    archivos = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    azar = random.Random(8)
    bloques = [bloque(azar) for _ in range(4)]
    cuentas = [len(b.split()) for b in bloques]
    os.makedirs(carpeta, exist_ok=True)
    total = 0
    por_archivo = max(1, mb // archivos)
    for i in range(archivos):
        with open(os.path.join(carpeta, f"parte{i}.txt"), "wb") as f:
            for k in range(por_archivo):
                f.write(bloques[(i + k) % 4])
                total += cuentas[(i + k) % 4]
    print(total)


main()
