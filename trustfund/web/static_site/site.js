// trustfund: charts of the owners' static site. The tables beside them hold the same figures,
// so the site reads without JavaScript. No library: a few SVG rectangles.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }
  function text(parent, x, y, value, anchor) {
    var t = el("text", { x: x, y: y, "text-anchor": anchor || "start" }, parent);
    t.textContent = value;
    return t;
  }
  function short(n) {
    var a = Math.abs(n);
    if (a >= 1e8) return (n / 1e8).toFixed(1) + "亿";
    if (a >= 1e4) return (n / 1e4).toFixed(1) + "万";
    return n.toFixed(0);
  }
  function legend(figure, series) {
    var box = document.createElement("div");
    box.className = "legend";
    series.forEach(function (s) {
      var span = document.createElement("span");
      span.className = s["class"];
      span.textContent = s.name;
      box.appendChild(span);
    });
    figure.appendChild(box);
  }
  function bars(plot, data) {
    var n = data.labels.length, groups = data.series.length;
    var width = 360, height = 200, left = 40, bottom = 24, top = 8;
    var max = 0;
    data.series.forEach(function (s) { s.values.forEach(function (v) { max = Math.max(max, Number(v)); }); });
    if (!n || max <= 0) return false;
    var svg = el("svg", { viewBox: "0 0 " + width + " " + height, role: "img" }, plot);
    var slot = (width - left) / n, bar = Math.max(1, (slot * 0.8) / groups);
    [0, 0.5, 1].forEach(function (f) {
      var y = top + (height - top - bottom) * (1 - f);
      el("line", { x1: left, x2: width, y1: y, y2: y, stroke: "#dde2e8" }, svg);
      text(svg, left - 3, y + 4, short(max * f), "end");
    });
    data.labels.forEach(function (label, i) {
      data.series.forEach(function (s, j) {
        var v = Math.max(0, Number(s.values[i]));
        var h = (height - top - bottom) * v / max;
        el("rect", { x: left + i * slot + slot * 0.1 + j * bar, y: height - bottom - h, width: bar, height: h, "class": s["class"] }, svg)
          .appendChild(document.createElementNS(NS, "title")).textContent = label + " " + s.name + " " + v.toFixed(2);
      });
      var step = n <= 12 ? 1 : Math.ceil(n / 8);
      var shown = n <= 12 ? String(Number(label.slice(5))) + "月" : label.slice(2);
      if (i % step === 0) text(svg, left + i * slot + slot / 2, height - 8, shown, "middle");
    });
    return true;
  }
  function hbars(plot, data) {
    var n = data.labels.length;
    var max = 0;
    data.values.forEach(function (v) { max = Math.max(max, Math.abs(Number(v))); });
    if (!n || max <= 0) return false;
    var width = 360, row = 18, label = 120, height = n * row + 4;
    var svg = el("svg", { viewBox: "0 0 " + width + " " + height, role: "img" }, plot);
    data.labels.forEach(function (name, i) {
      var v = Math.abs(Number(data.values[i]));
      var w = (width - label - 50) * v / max;
      text(svg, label - 4, i * row + 13, name.length > 9 ? name.slice(0, 9) + "…" : name, "end");
      el("rect", { x: label, y: i * row + 3, width: Math.max(1, w), height: row - 6, "class": data.classes[i] }, svg);
      text(svg, label + w + 3, i * row + 13, short(v));
    });
    return true;
  }
  document.querySelectorAll("figure.chart").forEach(function (figure) {
    var source = document.getElementById(figure.getAttribute("data-chart"));
    var plot = figure.querySelector(".plot");
    if (!source || !plot) return;
    var data;
    try { data = JSON.parse(source.textContent); } catch (e) { return; }
    var drawn = data.kind === "hbars" ? hbars(plot, data) : bars(plot, data);
    if (!drawn) { figure.hidden = true; return; }
    legend(figure, data.kind === "hbars" ? [{ name: "收入", "class": "in" }, { name: "支出", "class": "out" }] : data.series);
  });
})();
