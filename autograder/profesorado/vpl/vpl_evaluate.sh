#!/bin/bash
# vpl_evaluate.sh — VPL (Virtual Programming Lab, Moodle) lo ejecuta al pulsar «Evaluar», en
# la jaula, como un usuario sin privilegios y con los límites de la actividad, en una carpeta
# con los archivos de ejecución y los de la entrega. Laboratorio @CARPETA@. Lo genera
# «make vpl LAB=@NUMERO@».
#
# Deja .vpl/ con el curso construido (curso.tar.gz: fuentes, compiladas aquí contra los
# paquetes de la jaula) y la entrega (los archivos que nombra VPL_SUBFILES), borra las fuentes
# del calificador oculto y escribe vpl_execution, que VPL ejecuta después (ya sin los archivos
# de ejecución) y que da la nota («Grade :=>>») y los comentarios (vpl_calificar.py).
# Si el curso no se construye (falta un paquete en la jaula), no escribe vpl_execution: VPL
# enseña este mensaje y no propone nota (no es culpa de la entrega).
set -u
# Las variables de VPL (VPL_SUBFILES, VPL_GRADEMAX…): la jaula solo da HOME, PATH y poco más.
# shellcheck source=/dev/null
[ -f vpl_environment.sh ] && . ./vpl_environment.sh
LAB=@CARPETA@
AQUI=$PWD
rm -rf .vpl vpl_execution
mkdir -p .vpl/entrega .vpl/curso
# La entrega: solo lo que subió el estudiante, con sus rutas (VPL_SUBFILES, una por línea).
while IFS= read -r f; do
  [ -n "$f" ] && [ -f "$f" ] && cp --parents -- "$f" .vpl/entrega/
done <<<"${VPL_SUBFILES:-}"
if ! tar -xzf curso.tar.gz -C .vpl/curso 2>.vpl/tar.log; then
  echo "No se pudo preparar la calificación: curso.tar.gz no se descomprime ($(head -c 300 .vpl/tar.log))."
  echo "Avisa al profesorado: falta o está dañado un archivo de ejecución."
  exit 0
fi
cp vpl_calificar.py .vpl/
# El curso, el ejecutor y el calificador de este laboratorio (sin «deps-grade»: sin root no
# se instala nada; lo instaló el administrador con instalar-jaula.sh).
if ! make -C .vpl/curso --no-print-directory -j2 preparar-calificacion LAB="$LAB" >.vpl/construccion.log 2>&1; then
  echo "No se pudo preparar la calificación: el curso no se construye en esta jaula."
  echo "Avisa al profesorado (el administrador de la jaula debe ejecutar instalar-jaula.sh). Las últimas líneas:"
  tail -n 25 .vpl/construccion.log
  exit 0
fi
# Cómo compila el ejecutor la entrega: lo mismo que «make grade» (autograder/autograder.mk).
make -C .vpl/curso --no-print-directory -s \
  --eval 'vpl-variables: ; @printf "%s\n%s\n%s\n" "$(CC)" "$(CALIF_CFLAGS)" "$(CALIF_LIBS)"' \
  vpl-variables >.vpl/variables 2>>.vpl/construccion.log
# Las fuentes del calificador oculto ya no hacen falta: la entrega, que corre después con este
# mismo usuario, no las encuentra (VPL borra además curso.tar.gz antes de vpl_execution).
rm -f .vpl/curso/labs/*/.calificador/*.c .vpl/curso/labs/*/.calificador/*.h
cat >vpl_execution <<FIN
#!/bin/bash
# Lo escribe vpl_evaluate.sh: califica la entrega y da la nota en el formato de VPL.
cd "$AQUI" || exit 1
exec python3 .vpl/vpl_calificar.py "$LAB"
FIN
chmod +x vpl_execution
echo "Curso preparado para el laboratorio $LAB; se califica la entrega: $(ls -A .vpl/entrega | tr '\n' ' ')"
