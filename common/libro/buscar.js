/* buscar.js — búsqueda en todo el libro sin servidor: el índice (indice-busqueda.js) se
   escribe al construir el libro y aquí solo se recorre. Funciona desde file://. Sin acentos
   ni mayúsculas: «semaforo» encuentra «Semáforos». Todas las palabras deben aparecer. */
(function () {
  "use strict";
  function normalizar(t) {
    return t.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function crear(etiqueta, texto, clase) {
    var e = document.createElement(etiqueta);
    if (texto) e.textContent = texto;
    if (clase) e.className = clase;
    return e;
  }
  function fragmento(texto, palabra) {
    var i = texto.indexOf(palabra);
    var desde = Math.max(0, i - 80);
    return (desde > 0 ? "…" : "") + texto.slice(desde, i + palabra.length + 120) + "…";
  }
  function buscar(consulta) {
    var palabras = normalizar(consulta).split(/\s+/).filter(function (p) { return p.length > 1; });
    if (!palabras.length || !window.INDICE_LIBRO) return [];
    var hallados = [];
    window.INDICE_LIBRO.forEach(function (e) {
      var titulo = normalizar(e.s);
      var puntos = 0;
      for (var k = 0; k < palabras.length; k++) {
        var enTitulo = titulo.indexOf(palabras[k]) >= 0;
        var enTexto = e.x.indexOf(palabras[k]) >= 0;
        if (!enTitulo && !enTexto) return;
        puntos += (enTitulo ? 10 : 0) + (enTexto ? 1 : 0);
      }
      hallados.push({ e: e, puntos: puntos });
    });
    hallados.sort(function (a, b) { return b.puntos - a.puntos; });
    return hallados.slice(0, 50).map(function (h) {
      return { e: h.e, texto: fragmento(h.e.x, palabras[0]) };
    });
  }
  function mostrar() {
    var caja = document.getElementById("resultados");
    if (!caja) return;
    var q = new URLSearchParams(window.location.search).get("q") || "";
    var campo = document.getElementById("q");
    if (campo) { campo.value = q; campo.focus(); }
    if (!q.trim()) { caja.appendChild(crear("p", "Escribe una o más palabras en el buscador.")); return; }
    var r = buscar(q);
    caja.appendChild(crear("p", r.length ? r.length + (r.length === 1 ? " resultado" : " resultados") +
      " para «" + q + "»." : "No hay resultados para «" + q + "»."));
    var lista = crear("ol");
    r.forEach(function (h) {
      var li = crear("li");
      var a = crear("a", h.e.s, "resultado");
      a.href = h.e.p + (h.e.a ? "#" + h.e.a : "");
      li.appendChild(a);
      li.appendChild(crear("div", h.e.c, "capitulo"));
      li.appendChild(crear("div", h.texto, "fragmento"));
      lista.appendChild(li);
    });
    caja.appendChild(lista);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mostrar);
  else mostrar();
})();
