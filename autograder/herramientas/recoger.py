#!/usr/bin/env python3
"""recoger.py — la única forma de recoger una entrega: la usan «make grade ENTREGA=dir»,
«make grade-clase» y el run_autograder de Gradescope (las tres pasan por el ejecutor
`calificar`, que llama a este programa antes de compilar).

    recoger.py --carpeta 07-monitor-web --archivo monitor.c [--archivo …]
               [--extra] [--fijo util_fijo.c …] ORIGEN DESTINO

Copia a DESTINO (nueva) los archivos del laboratorio que encuentre en ORIGEN, tal como lo
sube un estudiante:

  - nombres sin distinguir mayúsculas y con las copias « (n)» del navegador o de Moodle
    («Monitor.c», «monitor (1).c» valen como monitor.c); si hay uno con el nombre exacto,
    ese;
  - arriba del todo o, si no está ahí, el único en las subcarpetas;
  - dentro de los .zip: se leen con zipfile sin extraer nada en disco salvo lo que se toma;
    nunca se fía de los nombres (rutas absolutas, «..», enlaces simbólicos: fuera), y con
    topes de tamaño por archivo, de tamaño total descomprimido y de número de miembros (una
    bomba zip se corta al leer, no por lo que dice su cabecera);
  - el repositorio entero subido (p. ej. la subida desde GitHub de Gradescope): si hay algo
    bajo labs/<carpeta>/, solo cuenta eso;
  - los .c/.h de más junto al archivo principal (util.c, util.h) se copian si el laboratorio
    lo permite («archivos_extra»: true en lab.json); si no, se dice que no cuentan.

ORIGEN solo se lee; los enlaces no se siguen. Imprime en una línea lo que haya que anotar en
el informe (con los nombres reales, en UTF-8) o nada. Sale con 0 si tomó los archivos, con 3
si no hay entrega (nada del laboratorio) y con 4 si hay algo pero no se puede calificar (dos
candidatos, demasiado grande); 2 si se usa mal.
"""
import argparse
import os
import re
import stat
import sys
import unicodedata
import zipfile

TOPE_ARCHIVO = 1 << 20  # 1 MiB por archivo tomado
TOPE_ZIP_TOTAL = 64 << 20  # lo que se llega a descomprimir de todos los zip, en total
TOPE_MIEMBROS = 5000  # miembros por zip
TOPE_RECORRIDO = 20000  # entradas de ORIGEN que se miran
TOPE_EXTRA = 20  # archivos .c/.h de más
PROFUNDIDAD = 12

COPIA = re.compile(r"\s*\(\d+\)(?=\.[^.]*$|$)")
NOMBRE_SEGURO = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")


def visible(nombre):
    """El nombre tal cual en UTF-8 si es texto; si no, «?». Por lista de permitidos: letras,
    marcas, números, puntuación, símbolos y el espacio (categorías L, M, N, P, S y Zs de
    Unicode). Fuera, lo que cambia cómo se ve lo demás en una terminal o en una página: los
    controles C0 y C1, los de dirección (U+202E), los invisibles, los separadores de línea, los
    no-caracteres como U+FFFE (que además rompen junit.xml) y lo que no era UTF-8."""
    if isinstance(nombre, bytes):
        nombre = nombre.decode("utf-8", "replace")
    else:
        nombre = nombre.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(c if c != "\ufffd" and (unicodedata.category(c)[0] in "LMNPS" or
                                            unicodedata.category(c) == "Zs") else "?"
                   for c in nombre)


def normalizar(base):
    """monitor (1).C → monitor.c"""
    return COPIA.sub("", base).strip().lower()


class Entrada:
    """Un archivo de la entrega: en disco o dentro de un zip."""

    def __init__(self, ruta, tam, leer, enlace=False):
        self.ruta = ruta  # relativa a ORIGEN, con «/» (los del zip: «x.zip/dentro/a.c»)
        self.tam = tam
        self.leer = leer  # () -> bytes (como mucho TOPE_ARCHIVO + 1)
        self.enlace = enlace

    @property
    def base(self):
        return self.ruta.rsplit("/", 1)[-1]

    @property
    def carpeta(self):
        return self.ruta.rsplit("/", 1)[0] if "/" in self.ruta else ""

    @property
    def profundidad(self):
        return self.ruta.count("/")


class Recogida:
    def __init__(self):
        self.entradas = []
        self.notas = []
        self.zip_total = 0

    # En disco, nada se abre por su ruta entera: ORIGEN se abre una vez (self.raiz) y cada
    # archivo se vuelve a abrir paso a paso desde ahí (abrir_en), cada carpeta y el archivo
    # con O_NOFOLLOW, y tiene que ser el mismo (dispositivo e inodo) que se vio al recorrer.
    # Con la ruta entera, un proceso del estudiante que cambiara una carpeta por un enlace
    # entre el recorrido y la lectura (renameat2 con RENAME_EXCHANGE) hacía leer, como root,
    # un archivo que él no puede leer: la solución del curso (un adversario de la sesión 30).
    def abrir_en(self, partes, visto):
        """El descriptor del archivo ORIGEN/partes…, que tiene que ser `visto` (os.stat_result)."""
        actual = os.dup(self.raiz)
        try:
            for carpeta in partes[:-1]:
                siguiente = os.open(carpeta, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW,
                                    dir_fd=actual)
                os.close(actual)
                actual = siguiente
            fd = os.open(partes[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=actual)
        finally:
            os.close(actual)
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) != (visto.st_dev, visto.st_ino):
            os.close(fd)
            raise OSError("el archivo cambió mientras se recogía la entrega")
        return fd

    def leer_disco(self, partes, visto):
        def leer():
            with os.fdopen(self.abrir_en(partes, visto), "rb") as f:
                return f.read(TOPE_ARCHIVO + 1)

        return leer

    def recorrer(self, origen):
        vistos = 0
        self.raiz = os.open(origen, os.O_RDONLY | os.O_DIRECTORY)
        # fwalk sin seguir enlaces: cada carpeta, por su descriptor (nunca entra en un enlace,
        # aunque lo pongan mientras recorre); los nombres se miran con lstat en ese descriptor.
        for raiz, dirs, archivos, dfd in os.fwalk(origen, follow_symlinks=False):
            rel = os.path.relpath(raiz, origen)
            rel = "" if rel == "." else rel
            if rel.count(os.sep) >= PROFUNDIDAD:
                dirs[:] = []
            dirs.sort()
            for d in list(dirs):
                if stat.S_ISLNK(os.stat(d, dir_fd=dfd, follow_symlinks=False).st_mode):
                    self.entradas.append(Entrada(os.path.join(rel, d), 0, None, enlace=True))
            for a in sorted(archivos):
                vistos += 1
                if vistos > TOPE_RECORRIDO:
                    self.notas.append(f"más de {TOPE_RECORRIDO} archivos: el resto no se mira")
                    return
                nombre = os.path.join(rel, a)
                partes = nombre.split(os.sep)
                try:
                    st = os.stat(a, dir_fd=dfd, follow_symlinks=False)
                except FileNotFoundError:
                    continue  # se fue mientras se recorría
                if stat.S_ISLNK(st.st_mode) or not stat.S_ISREG(st.st_mode):
                    self.entradas.append(Entrada(nombre, 0, None, enlace=True))
                elif a.lower().endswith(".zip"):
                    self.abrir_zip(partes, st, nombre)
                else:
                    self.entradas.append(Entrada(nombre, st.st_size, self.leer_disco(partes, st)))

    def abrir_zip(self, partes, visto, nombre):
        try:
            z = zipfile.ZipFile(os.fdopen(self.abrir_en(partes, visto), "rb"))
            miembros = z.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            self.notas.append(f"{visible(nombre)} no es un zip válido ({e.__class__.__name__})")
            return
        if len(miembros) > TOPE_MIEMBROS:
            self.notas.append(f"{visible(nombre)} tiene {len(miembros)} archivos: no se abre (tope {TOPE_MIEMBROS})")
            return
        raros = 0
        for m in miembros:
            if m.is_dir():
                continue
            partes = m.filename.replace("\\", "/").split("/")
            tipo = (m.external_attr >> 16) & 0o170000
            if (m.filename.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", m.filename)
                    or ".." in partes or tipo not in (0, stat.S_IFREG) or m.flag_bits & 0x1):
                raros += 1  # ruta que escapa, enlace, dispositivo o cifrado: fuera
                continue
            if partes[0] == "__MACOSX" or partes[-1].startswith("._"):
                continue  # lo que añade el Finder de macOS
            interior = "/".join(p for p in partes if p not in ("", "."))

            def leer(z=z, m=m):
                # No se fía del tamaño de la cabecera: se lee con tope.
                with z.open(m) as f:
                    datos = f.read(TOPE_ARCHIVO + 1)
                self.zip_total += len(datos)
                if self.zip_total > TOPE_ZIP_TOTAL:
                    raise OSError("los zip descomprimen demasiado")
                return datos

            self.entradas.append(Entrada(f"{nombre}/{interior}", m.file_size, leer))
        if raros:
            self.notas.append(f"{visible(nombre)}: {raros} miembro(s) con rutas que salen de la "
                              "carpeta, enlaces o cifrados: no se toman")


def main():
    p = argparse.ArgumentParser(description="Recoge los archivos de una entrega.")
    p.add_argument("--carpeta", required=True)
    p.add_argument("--archivo", action="append", required=True)
    p.add_argument("--fijo", action="append", default=[])
    p.add_argument("--extra", action="store_true")
    p.add_argument("origen")
    p.add_argument("destino")
    a = p.parse_args()

    r = Recogida()
    if os.path.isdir(a.origen):
        r.recorrer(a.origen)
    entradas = [e for e in r.entradas]
    # El repositorio entero: si hay algo bajo labs/<carpeta>/, solo cuenta eso.
    marca = f"labs/{a.carpeta}/"
    del_lab = [e for e in entradas if ("/" + e.ruta).rfind("/" + marca) >= 0 and not e.enlace]
    if del_lab:
        otras = len(entradas) - len(del_lab)
        prefijo = {e.ruta[: ("/" + e.ruta).rfind("/" + marca) + len(marca) - 1] for e in del_lab}
        if len(prefijo) == 1:
            pref = prefijo.pop()
            r.notas.append(f"parece el repositorio entero: se toma solo {visible(pref)} "
                           f"(se dejan {otras} archivo(s) más)")
            entradas = [e for e in del_lab if e.ruta.startswith(pref)]
            for e in entradas:
                e.ruta = e.ruta[len(pref):]
            ignorar_resto = True
        else:
            ignorar_resto = False
    else:
        ignorar_resto = False

    os.makedirs(a.destino, exist_ok=True)
    tomados, faltan, imposibles = [], [], 0
    carpeta_principal = None
    for archivo in a.archivo:
        objetivo = archivo.lower()
        cand = [e for e in entradas if not e.enlace and normalizar(e.base) == objetivo]
        elegido = None
        if cand:
            minima = min(e.profundidad for e in cand)
            cerca = [e for e in cand if e.profundidad == minima]
            exactos = [e for e in cerca if e.base == archivo]
            if len(cerca) == 1:
                elegido = cerca[0]
            elif len(exactos) == 1:
                elegido = exactos[0]
            elif minima == 0:
                elegido = sorted(cerca, key=lambda e: e.ruta)[0]
                r.notas.append(f"hay {len(cerca)} archivos como {archivo} arriba del todo: se toma "
                               f"«{visible(elegido.ruta)}»")
            else:
                r.notas.append(f"hay {len(cerca)} archivos {archivo} en subcarpetas: no se sabe "
                               "cuál calificar")
                imposibles += 1
                continue
        if elegido is None:
            faltan.append(archivo)
            continue
        try:
            datos = elegido.leer()
        except (OSError, zipfile.BadZipFile, RuntimeError, EOFError, ValueError) as e:
            r.notas.append(f"no se pudo leer {visible(elegido.ruta)} ({e})")
            imposibles += 1
            continue
        if len(datos) > TOPE_ARCHIVO:
            r.notas.append(f"{archivo} pasa de 1 MiB: no se toma")
            imposibles += 1
            continue
        with open(os.path.join(a.destino, archivo), "wb") as f:
            f.write(datos)
        os.chmod(os.path.join(a.destino, archivo), 0o644)
        tomados.append(elegido)
        if elegido.ruta != archivo:
            r.notas.append(f"{archivo} tomado de {visible(elegido.ruta)}")
        if carpeta_principal is None:
            carpeta_principal = elegido.carpeta

    # Los .c/.h de más junto al principal.
    extra_vistos = []
    if carpeta_principal is not None:
        propios = {x.lower() for x in a.archivo} | {x.lower() for x in a.fijo}
        for e in entradas:
            if (e in tomados or e.enlace or e.carpeta != carpeta_principal
                    or not e.base.lower().endswith((".c", ".h"))
                    or normalizar(e.base) in propios):
                continue
            extra_vistos.append(e)
    extra_tomados = []
    if extra_vistos and a.extra:
        for e in extra_vistos[:TOPE_EXTRA]:
            if not NOMBRE_SEGURO.match(e.base) or e.base in os.listdir(a.destino):
                r.notas.append(f"«{visible(e.base)}» no se compila: el nombre solo puede tener "
                               "letras sin acento, números, «_», «-» y «.»")
                continue
            try:
                datos = e.leer()
            except (OSError, zipfile.BadZipFile, RuntimeError, EOFError, ValueError):
                continue
            if len(datos) > TOPE_ARCHIVO:
                r.notas.append(f"{visible(e.base)} pasa de 1 MiB: no se toma")
                continue
            with open(os.path.join(a.destino, e.base), "wb") as f:
                f.write(datos)
            os.chmod(os.path.join(a.destino, e.base), 0o644)
            extra_tomados.append(e)
        if len(extra_vistos) > TOPE_EXTRA:
            r.notas.append(f"más de {TOPE_EXTRA} archivos .c/.h de más: solo se toman {TOPE_EXTRA}")
        if extra_tomados:
            r.notas.append("se compilan también: " + ", ".join(visible(e.base) for e in extra_tomados))
    elif extra_vistos:
        r.notas.append(", ".join(visible(e.base) for e in extra_vistos)
                       + " no se compila(n): en este laboratorio solo cuenta(n) "
                       + ", ".join(a.archivo) + " (lab.json no permite archivos de más)")
    tomados += extra_tomados + extra_vistos

    for f in faltan:
        r.notas.append(f"falta {f}")
    if not ignorar_resto:
        ignorados = [visible(e.ruta) for e in entradas if e not in tomados]
        if ignorados:
            lista = ", ".join(ignorados[:5])
            if len(ignorados) > 5:
                lista += f" y {len(ignorados) - 5} más"
            r.notas.append(f"se ignoran {len(ignorados)} archivo(s) que no son del laboratorio: {lista}")
    if r.notas:
        print("Entrega: " + "; ".join(r.notas))
    if len(faltan) == len(a.archivo) and imposibles == 0:
        return 3
    if faltan or imposibles:
        return 4
    return 0


if __name__ == "__main__":
    sys.exit(main())
