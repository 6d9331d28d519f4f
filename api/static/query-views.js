/* Result views beyond the table, as YASR plugins, all drawn in the page with no other host:
 *   chart — bars (or a line, when the labels are years) of a numeric column;
 *   map   — rows with lat/long columns as dots on the tile-free outline of France;
 *   graph — CONSTRUCT/DESCRIBE results as nodes and links (cytoscape.js, vendored).
 * Loaded before query-page.js, which lists them in YASR's pluginOrder. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("ctair-config").textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var french = document.documentElement.lang === "fr";
  var NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger|gYear)$/;

  function svg(tag, attributes, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function icon(text) {
    var span = document.createElement("span");
    span.textContent = text;
    span.setAttribute("aria-hidden", "true");
    return span;
  }
  function isNumber(term) {
    return !!term && term.type !== "uri" && ((term.datatype && NUMERIC.test(term.datatype)) || /^-?\d+(\.\d+)?$/.test(term.value));
  }
  function columns(yasr) {
    var vars = (yasr.results && yasr.results.getVariables && yasr.results.getVariables()) || [];
    var rows = (yasr.results && yasr.results.getBindings && yasr.results.getBindings()) || [];
    return { vars: vars, rows: rows };
  }
  function numericColumns(data) {
    return data.vars.filter(function (v) {
      var seen = data.rows.filter(function (r) { return r[v]; });
      return seen.length > 0 && seen.every(function (r) { return isNumber(r[v]); });
    });
  }
  function labelOf(term) {
    if (!term) return "";
    if (term.type === "uri") return decodeURIComponent(term.value.replace(/[\/#]$/, "").split(/[\/#]/).pop());
    return term.value;
  }
  function localHref(term) {
    if (term && term.type === "uri" && term.value.indexOf(config.baseIri) === 0) {
      return new URL(term.value.slice(config.baseIri.length), new URL(".", document.baseURI)).href;
    }
    return null;
  }
  function note(parent, text) {
    var p = document.createElement("p");
    p.className = "view-note";
    p.textContent = text;
    parent.appendChild(p);
  }

  // ------------------------------------------------------------------ chart
  function Chart(yasr) { this.yasr = yasr; this.priority = 4; this.label = french ? "Graphique" : "Chart"; }
  Chart.prototype.canHandleResults = function () {
    var data = columns(this.yasr);
    return data.rows.length > 0 && numericColumns(data).length > 0 && data.vars.indexOf("subject") < 0;
  };
  Chart.prototype.getIcon = function () { return icon("▮▮"); };
  Chart.prototype.draw = function () {
    var data = columns(this.yasr);
    var numbers = numericColumns(data).filter(function (v) { return !/^(lat|long|lon|latitude|longitude)$/i.test(v); });
    if (!numbers.length) numbers = numericColumns(data);
    var labelVar = data.vars.filter(function (v) { return numbers.indexOf(v) < 0; })[0] || data.vars[0];
    var valueVar = numbers.filter(function (v) { return v !== labelVar; })[0] || numbers[0];
    var rows = data.rows.filter(function (r) { return r[valueVar]; }).slice(0, 60);
    var years = rows.every(function (r) { return r[labelVar] && /^\d{4}$/.test(r[labelVar].value); });
    var wrapper = document.createElement("figure");
    wrapper.className = "ctair-chart";
    var caption = document.createElement("figcaption");
    caption.textContent = "?" + valueVar + (french ? " selon " : " by ") + "?" + labelVar + (rows.length < data.rows.length ? (french ? " (60 premières lignes)" : " (first 60 rows)") : "");
    var max = Math.max.apply(null, rows.map(function (r) { return Number(r[valueVar].value); }).concat([0])) || 1;
    var chart;
    if (years && rows.length > 1) {  // a line through the years
      var sorted = rows.slice().sort(function (a, b) { return Number(a[labelVar].value) - Number(b[labelVar].value); });
      var width = 640, height = 260, pad = 36;
      chart = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": caption.textContent, class: "line" });
      var points = sorted.map(function (r, i) {
        var x = pad + (width - 2 * pad) * (sorted.length > 1 ? i / (sorted.length - 1) : 0.5);
        var y = height - pad - (height - 2 * pad) * Number(r[valueVar].value) / max;
        chart.appendChild(svg("circle", { cx: x, cy: y, r: 4 }));
        chart.appendChild(svg("text", { x: x, y: height - pad + 16, "text-anchor": "middle" }, r[labelVar].value));
        chart.appendChild(svg("text", { x: x, y: y - 8, "text-anchor": "middle" }, r[valueVar].value));
        return x + "," + y;
      });
      chart.insertBefore(svg("polyline", { points: points.join(" "), fill: "none" }), chart.firstChild);
    } else {  // horizontal bars, largest first
      var ordered = rows.slice().sort(function (a, b) { return Number(b[valueVar].value) - Number(a[valueVar].value); });
      var bar = 22, labelWidth = 230, plot = 380;
      chart = svg("svg", { viewBox: "0 0 " + (labelWidth + plot + 60) + " " + (ordered.length * bar + 10), role: "img", "aria-label": caption.textContent, class: "bars" });
      ordered.forEach(function (r, i) {
        var y = i * bar + 5, value = Number(r[valueVar].value);
        var text = labelOf(r[labelVar]);
        chart.appendChild(svg("text", { x: labelWidth - 6, y: y + bar * 0.65, "text-anchor": "end" }, text.length > 34 ? text.slice(0, 33) + "…" : text));
        chart.appendChild(svg("rect", { x: labelWidth, y: y + 2, width: Math.max(1, plot * value / max), height: bar - 6 }));
        chart.appendChild(svg("text", { x: labelWidth + plot * value / max + 4, y: y + bar * 0.65 }, r[valueVar].value));
      });
    }
    wrapper.appendChild(caption);
    wrapper.appendChild(chart);
    this.yasr.resultsEl.appendChild(wrapper);
  };

  // ------------------------------------------------------------------ map
  function latLong(data) {
    var lat = data.vars.filter(function (v) { return /^(lat|latitude)$/i.test(v); })[0];
    var lon = data.vars.filter(function (v) { return /^(long|lon|lng|longitude)$/i.test(v); })[0];
    return lat && lon ? { lat: lat, lon: lon } : null;
  }
  function MapView(yasr) { this.yasr = yasr; this.priority = 6; this.label = french ? "Carte" : "Map"; }
  MapView.prototype.canHandleResults = function () {
    var data = columns(this.yasr), keys = latLong(data);
    return !!keys && data.rows.some(function (r) { return isNumber(r[keys.lat]) && isNumber(r[keys.lon]); });
  };
  MapView.prototype.getIcon = function () { return icon("◉"); };
  MapView.prototype.draw = function () {
    var data = columns(this.yasr), keys = latLong(data), map = config.map;
    var size = numericColumns(data).filter(function (v) { return v !== keys.lat && v !== keys.lon; })[0];
    var labelVar = data.vars.filter(function (v) { return v !== keys.lat && v !== keys.lon && v !== size; })
      .sort(function (a, b) { return (/label/i.test(b) ? 1 : 0) - (/label/i.test(a) ? 1 : 0); })[0];
    var figure = document.createElement("figure");
    figure.className = "ctair-map";
    var drawing = svg("svg", { viewBox: "0 0 " + map.width + " " + map.height, role: "img", "aria-label": french ? "Carte des résultats" : "Map of the results" });
    drawing.appendChild(svg("polygon", { class: "land", points: map.france }));
    drawing.appendChild(svg("polygon", { class: "land", points: map.corsica }));
    var max = 1;
    if (size) data.rows.forEach(function (r) { if (r[size]) max = Math.max(max, Number(r[size].value)); });
    var shown = 0;
    data.rows.forEach(function (r) {
      if (!isNumber(r[keys.lat]) || !isNumber(r[keys.lon])) return;
      var lon = Number(r[keys.lon].value), lat = Number(r[keys.lat].value);
      var x = (lon - map.box[0]) * map.cos * map.scale, y = (map.box[3] - lat) * map.scale;
      var radius = size && r[size] ? 2 + 4 * Math.sqrt(Number(r[size].value) / max) : 3;
      var dot = svg("circle", { class: "dot", cx: x.toFixed(1), cy: y.toFixed(1), r: radius.toFixed(1) });
      var label = labelVar && r[labelVar] ? labelOf(r[labelVar]) : "";
      dot.appendChild(svg("title", {}, label + (size && r[size] ? " — " + size + " " + r[size].value : "")));
      var href = null;
      data.vars.some(function (v) { href = localHref(r[v]); return !!href; });
      if (href) {
        var link = svg("a", { href: href });
        link.appendChild(dot);
        drawing.appendChild(link);
      } else {
        drawing.appendChild(dot);
      }
      if (label) drawing.appendChild(svg("text", { x: (x + radius + 2).toFixed(1), y: (y + 3).toFixed(1), class: "place" }, label));
      shown += 1;
    });
    figure.appendChild(drawing);
    var caption = document.createElement("figcaption");
    caption.textContent = shown + (french ? " lieux ; contour de la France métropolitaine, sans tuiles ni serveur de cartes." : " places; outline of metropolitan France, no tiles, no map server.") +
      (size ? (french ? " Taille : ?" : " Size: ?") + size + "." : "");
    figure.appendChild(caption);
    this.yasr.resultsEl.appendChild(figure);
  };

  // ------------------------------------------------------------------ graph (CONSTRUCT, DESCRIBE)
  var LABELS = ["http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel"];
  function GraphView(yasr) { this.yasr = yasr; this.priority = 7; this.label = french ? "Graphe" : "Graph"; }
  GraphView.prototype.canHandleResults = function () {
    var data = columns(this.yasr);
    return data.vars.join(" ") === "subject predicate object" && data.rows.length > 0 && typeof window.cytoscape === "function";
  };
  GraphView.prototype.getIcon = function () { return icon("⬡"); };
  GraphView.prototype.draw = function () {
    var data = columns(this.yasr), rows = data.rows.slice(0, 400);
    var labels = {}, elements = [], nodes = {};
    rows.forEach(function (r) {
      if (LABELS.indexOf(r.predicate.value) >= 0 && r.object.type !== "uri") labels[r.subject.value] = labels[r.subject.value] || r.object.value;
    });
    function node(term) {
      var id = (term.type === "literal" || term.type === "typed-literal" ? "literal:" + elements.length + ":" : "") + term.value;
      if (!nodes[id]) {
        nodes[id] = true;
        var literal = term.type !== "uri" && term.type !== "bnode";
        elements.push({ data: { id: id, label: literal ? term.value.slice(0, 40) : (labels[term.value] || labelOf(term)), kind: literal ? "literal" : "resource", href: localHref(term) || "" } });
      }
      return id;
    }
    rows.forEach(function (r, i) {
      if (LABELS.indexOf(r.predicate.value) >= 0 && r.object.type !== "uri") return;  // shown as the node's name
      elements.push({ data: { id: "edge" + i, source: node(r.subject), target: node(r.object), label: labelOf(r.predicate) } });
    });
    var box = document.createElement("div");
    box.className = "ctair-graph";
    box.id = "ctair-graph";
    this.yasr.resultsEl.appendChild(box);
    if (data.rows.length > rows.length) note(this.yasr.resultsEl, (french ? "Les 400 premiers triplets sur " : "The first 400 triples of ") + data.rows.length + ".");
    var cy = window.cytoscape({
      container: box,
      elements: elements,
      layout: { name: "cose", animate: false, randomize: false },
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 10, "background-color": "#23408e", width: 14, height: 14, "text-valign": "bottom", "text-margin-y": 3 } },
        { selector: "node[kind = 'literal']", style: { shape: "round-rectangle", "background-color": "#c8553d", width: 10, height: 10 } },
        { selector: "edge", style: { label: "data(label)", "font-size": 8, width: 1, "line-color": "#8c96a3", "target-arrow-shape": "triangle", "target-arrow-color": "#8c96a3", "curve-style": "bezier", color: "#5a6172" } }
      ]
    });
    cy.on("tap", "node", function (event) {
      var href = event.target.data("href");
      if (href) window.location.href = href;
    });
    window.ctairGraphView = cy;  // for the browser tests
  };

  Yasgui.Yasr.registerPlugin("chart", Chart);
  Yasgui.Yasr.registerPlugin("map", MapView);
  Yasgui.Yasr.registerPlugin("graph", GraphView);
})();
