#!/usr/bin/env python3
"""vpl_entregas.py ORIGEN DEST — las entregas de una actividad de VPL (Moodle) tal como las da
«Descargar entregas» (o «Descargar todas las entregas») de la actividad, en la forma que
califica «make grade-clase»: una carpeta por estudiante con su última entrega.

La forma de VPL (mod/vpl/views/downloadallsubmissions.php):

    Apellidos Nombre ID usuario/             una por estudiante («.», «,», «:»… cambiados por «_»)
        2026-03-01-10-22-05/monitor.c        una carpeta por entrega, con su fecha
        2026-03-01-10-22-05.ceg/…            lo que dijo VPL al evaluarla (no se usa)
    Report.txt, Errors.txt                   el resumen de la descarga (no son de nadie)

ORIGEN es el .zip o la carpeta donde se descomprimió. De cada estudiante se toma la carpeta de
fecha más reciente (en «todas las entregas» hay varias) y sus archivos van a DEST/<estudiante>/
con sus rutas. El zip se lee con las reglas de recoger.py (autograder/herramientas): sin rutas
absolutas, «..» ni enlaces, 1 MiB por archivo, 64 MiB en total, 5000 miembros; lo que no
cumple se salta y se dice. Sale con 2 si ORIGEN no tiene esa forma.

    vpl_entregas.py --es-vpl ORIGEN     sale con 0 si ORIGEN tiene la forma de VPL
"""
import os
import re
import shutil
import stat
import sys
import zipfile

FECHA = re.compile(r"^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$")
POR_ARCHIVO = 1 << 20
EN_TOTAL = 64 << 20
MIEMBROS = 5000


def miembros_zip(ruta):
    """[(partes de la ruta, ZipInfo)] de los archivos normales del zip, y los saltados."""
    saltados, buenos = [], []
    with zipfile.ZipFile(ruta) as z:
        infos = z.infolist()
        if len(infos) > MIEMBROS:
            raise ValueError(f"el zip tiene {len(infos)} miembros (como mucho {MIEMBROS})")
        for i in infos:
            if i.is_dir():
                continue
            partes = i.filename.split("/")
            modo = i.external_attr >> 16
            if i.filename.startswith("/") or ".." in partes or "" in partes or "\\" in i.filename \
                    or stat.S_ISLNK(modo) or i.flag_bits & 0x1:
                saltados.append(i.filename)
                continue
            buenos.append((partes, i))
    return buenos, saltados


def miembros_carpeta(ruta):
    buenos = []
    for base, dirs, archivos in os.walk(ruta):
        for a in archivos:
            completo = os.path.join(base, a)
            if os.path.islink(completo) or not os.path.isfile(completo):
                continue
            buenos.append((os.path.relpath(completo, ruta).split(os.sep), completo))
    return buenos, []


def ultimas(miembros):
    """{estudiante: fecha más reciente} de las carpetas estudiante/FECHA/…"""
    fechas = {}
    for partes, _ in miembros:
        if len(partes) >= 3 and FECHA.match(partes[1]):
            fechas[partes[0]] = max(fechas.get(partes[0], ""), partes[1])
    return fechas


def main():
    args = sys.argv[1:]
    solo_mirar = bool(args) and args[0] == "--es-vpl"
    if solo_mirar:
        args = args[1:]
    if len(args) != (1 if solo_mirar else 2):
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    origen = args[0]
    try:
        if os.path.isdir(origen):
            miembros, saltados = miembros_carpeta(origen)
        else:
            miembros, saltados = miembros_zip(origen)
    except (OSError, ValueError, zipfile.BadZipFile) as e:
        print(f"grade-clase: {origen} no se puede leer como entregas de VPL: {e}", file=sys.stderr)
        return 2
    fechas = ultimas(miembros)
    if solo_mirar:
        return 0 if fechas else 1
    if not fechas:
        print(f"grade-clase: {origen} no tiene la forma de «Descargar entregas» de VPL "
              "(carpetas «Apellidos Nombre ID usuario/AAAA-MM-DD-hh-mm-ss/»)", file=sys.stderr)
        return 2
    dest = args[1]
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    total = 0
    z = None if os.path.isdir(origen) else zipfile.ZipFile(origen)
    for partes, m in miembros:
        if len(partes) < 3 or fechas.get(partes[0]) != partes[1]:
            continue
        destino = os.path.join(dest, partes[0], *partes[2:])
        os.makedirs(os.path.dirname(destino), exist_ok=True)
        if z is None:
            tam = os.path.getsize(m)
            if tam > POR_ARCHIVO or total + tam > EN_TOTAL:
                saltados.append("/".join(partes))
                continue
            shutil.copyfile(m, destino)
            total += tam
            continue
        # Del zip, leyendo con el tope (no el tamaño que dice la cabecera).
        with z.open(m) as f:
            datos = f.read(POR_ARCHIVO + 1)
        if len(datos) > POR_ARCHIVO or total + len(datos) > EN_TOTAL:
            saltados.append(m.filename)
            continue
        total += len(datos)
        with open(destino, "wb") as f:
            f.write(datos)
    for s in saltados:
        print(f"grade-clase: no se toma «{s}» del zip de VPL (ruta, enlace, cifrado o tamaño)", file=sys.stderr)
    print(f"Entregas de VPL: {len(fechas)} estudiante(s), la última entrega de cada uno, en {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
