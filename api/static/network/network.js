/* The network page (/network): draws the organisation–territory network of
 * GET /api/network/bipartite with cytoscape.js (vendored, served by the app).
 *
 * Territories are blue rounded squares, organisations orange discs; organisations present in
 * at least `minTerritories` territories ("recurring") are darker, ringed and always named.
 * Node size follows the degree (organisations: territories; territories: organisations),
 * edge width the number of actions. The layout is computed here, deterministically: the
 * territories on a circle (ordered so that territories sharing organisations are neighbours),
 * each organisation of one territory in a fan outside its territory, the others between their
 * territories.
 *
 * For tests and for the curious: window.ctairNetwork is the cytoscape instance; the container
 * carries data-state="ready", data-nodes and data-edges once a network is drawn.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("ctair-network-config").textContent);
  var container = document.getElementById("network");
  var statusLine = document.getElementById("network-status");
  var detailsBody = document.getElementById("details-body");
  var form = document.getElementById("network-filters");
  var roleSelect = document.getElementById("role");
  var levelSelect = document.getElementById("level");
  var axisSelect = document.getElementById("axis");
  var kindSelect = document.getElementById("kind");
  var yearSelect = document.getElementById("year");
  var picker = document.getElementById("node-picker");
  var MIN = config.minTerritories || 2;
  var COLORS = {
    territory: "#2166ac", territoryLine: "#0d3a6b",
    organisation: "#f1a340", organisationLine: "#9c5b0a",
    recurring: "#b35806", recurringLine: "#5a2a00",
    edge: "#8c96a3", edgeStrong: "#6b4a2b", selected: "#f5a623"
  };
  var current = null;   // the node-link JSON drawn
  var requestNumber = 0;

  document.documentElement.classList.add("js");

  // ---------------------------------------------------------------- helpers
  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (key === "text") node.textContent = attributes[key];
      else if (key === "className") node.className = attributes[key];
      else node.setAttribute(key, attributes[key]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function collator() { return new Intl.Collator("fr", { sensitivity: "base" }); }
  var compare = collator().compare;

  function pageHref(iri) {
    // our IRIs (base + "id/…") are dereferenceable on this server: /id/… → 303 → the page
    if (iri && iri.indexOf(config.baseIri) === 0) return config.root + "/" + iri.slice(config.baseIri.length);
    return null;
  }

  function filterParams() {
    var params = new URLSearchParams();
    if (roleSelect.value && roleSelect.value !== "any") params.set("role", roleSelect.value);
    if (axisSelect.value) params.set("axis", axisSelect.value);
    if (kindSelect.value) params.set("kind", kindSelect.value);
    if (yearSelect.value) params.set("year", yearSelect.value);
    if (levelSelect && levelSelect.value === "network") params.set("level", "network");
    return params;
  }

  function setStatus(text) { statusLine.textContent = text; }

  // roles and types in French (the codes of the API in parentheses)
  function roleLabel(code) { return (config.roleLabels || {})[code] || code; }
  function typeLabel(code) { return (config.typeLabels || {})[code] || code; }

  // ---------------------------------------------------------------- layout
  function computePositions(data) {
    var nodes = data.nodes, links = data.links;
    var neighbours = {};
    nodes.forEach(function (n) { neighbours[n.iri] = []; });
    links.forEach(function (l) { neighbours[l.source].push(l.target); neighbours[l.target].push(l.source); });
    var kindOf = {};
    nodes.forEach(function (n) { kindOf[n.iri] = n.kind; });
    var territories = nodes.filter(function (n) { return n.kind === "territory"; }).map(function (n) { return n.iri; });
    territories.sort();

    // territories sharing organisations next to each other: greedy chain on shared counts
    var shared = {};
    territories.forEach(function (t) { shared[t] = {}; });
    nodes.forEach(function (n) {
      if (n.kind !== "organisation") return;
      var ts = neighbours[n.iri];
      for (var i = 0; i < ts.length; i++) for (var j = 0; j < ts.length; j++) {
        if (i !== j) shared[ts[i]][ts[j]] = (shared[ts[i]][ts[j]] || 0) + 1;
      }
    });
    // a chain: the most connected territory first, then each time the territory sharing most
    // organisations with the last one (or, when none does, the most connected one left)
    var left = territories.slice();
    left.sort(function (a, b) {
      return Object.keys(shared[b]).length - Object.keys(shared[a]).length || (a < b ? -1 : 1);
    });
    var order = [left.shift()];
    while (left.length) {
      var last = order[order.length - 1], best = 0, bestScore = 0;
      left.forEach(function (t, i) {
        var score = shared[last][t] || 0;
        if (score > bestScore) { bestScore = score; best = i; }
      });
      order.push(left.splice(best, 1)[0]);
    }

    var positions = {};
    var n = order.length;
    var leavesOf = {};
    order.forEach(function (t) { leavesOf[t] = []; });
    nodes.forEach(function (node) {
      if (node.kind === "organisation" && neighbours[node.iri].length === 1) leavesOf[neighbours[node.iri][0]].push(node);
    });
    var maxLeaves = 1;
    order.forEach(function (t) { maxLeaves = Math.max(maxLeaves, leavesOf[t].length); });
    var radius = n <= 1 ? 0 : Math.max(220, (n * (110 + 9 * maxLeaves)) / (2 * Math.PI));
    order.forEach(function (t, i) {
      var angle = (2 * Math.PI * i) / Math.max(n, 1) - Math.PI / 2;
      positions[t] = { x: radius * Math.cos(angle), y: radius * Math.sin(angle), angle: angle };
    });

    // organisations of one territory: a fan (one or two rows) outside their territory
    order.forEach(function (t) {
      var leaves = leavesOf[t].slice().sort(function (a, b) { return compare(a.label, b.label); });
      var k = leaves.length, base = positions[t];
      var perRow = k > 9 ? Math.ceil(k / 2) : k;
      var span = Math.min(Math.PI * 0.95, 0.32 * perRow + 0.2);
      leaves.forEach(function (leaf, j) {
        var row = j < perRow ? 0 : 1, index = row ? j - perRow : j, count = row ? k - perRow : perRow;
        var distance = 85 + row * 50;
        var phi = count === 1 ? 0 : -span / 2 + (span * index) / (count - 1);
        var direction = n <= 1 ? -Math.PI / 2 + phi * 2 : base.angle + phi;
        positions[leaf.iri] = { x: base.x + distance * Math.cos(direction), y: base.y + distance * Math.sin(direction) };
      });
    });

    // organisations of several territories: between them, pulled towards the centre
    var groups = {};
    nodes.forEach(function (node) {
      if (node.kind !== "organisation" || neighbours[node.iri].length < 2) return;
      var key = neighbours[node.iri].slice().sort().join("|");
      (groups[key] = groups[key] || []).push(node);
    });
    Object.keys(groups).sort().forEach(function (key) {
      var members = groups[key].sort(function (a, b) { return compare(a.label, b.label); });
      var ts = key.split("|");
      var cx = 0, cy = 0;
      ts.forEach(function (t) { cx += positions[t].x; cy += positions[t].y; });
      var pull = ts.length === 2 ? 0.66 : 0.5;
      cx = (cx / ts.length) * pull; cy = (cy / ts.length) * pull;
      // spread the organisations of the same territories along the perpendicular of the centroid
      var length = Math.sqrt(cx * cx + cy * cy) || 1;
      var px = -cy / length, py = cx / length;
      members.forEach(function (member, j) {
        var offset = (j - (members.length - 1) / 2) * 46;
        positions[member.iri] = { x: cx + px * offset, y: cy + py * offset };
      });
    });
    relax(positions, nodes, neighbours);
    return positions;
  }

  // organisations of several territories may land on one another (or on a fan): push them
  // apart, a few deterministic rounds; territories and single-territory organisations stay put
  function relax(positions, nodes, neighbours) {
    var movable = nodes.filter(function (n) { return n.kind === "organisation" && neighbours[n.iri].length > 1; })
      .map(function (n) { return n.iri; });
    if (!movable.length) return;
    var all = nodes.map(function (n) { return n.iri; });
    var kindOf = {};
    nodes.forEach(function (n) { kindOf[n.iri] = n.kind; });
    var gap = function (a, b) {
      if (kindOf[b] === "territory") return 85;
      return movable.indexOf(b) >= 0 ? 95 : 45;
    };
    for (var round = 0; round < 80; round++) {
      var moved = false;
      movable.forEach(function (a) {
        all.forEach(function (b) {
          if (a === b) return;
          var pa = positions[a], pb = positions[b];
          var dx = pa.x - pb.x, dy = pa.y - pb.y, distance = Math.sqrt(dx * dx + dy * dy), wanted = gap(a, b);
          if (distance >= wanted) return;
          if (distance < 0.01) { dx = 1; dy = 0.5; distance = Math.sqrt(1.25); }  // same spot: a fixed direction
          var push = (wanted - distance) / (movable.indexOf(b) >= 0 ? 2 : 1);
          pa.x += (dx / distance) * push; pa.y += (dy / distance) * push;
          moved = true;
        });
      });
      if (!moved) break;
    }
  }

  // ---------------------------------------------------------------- drawing
  var style = [
    { selector: "node", style: {
      "label": "", "font-family": "system-ui, sans-serif",
      "font-size": 11, "color": "#1b1f23", "text-valign": "bottom", "text-margin-y": 3,
      "text-background-color": "#ffffff", "text-background-opacity": 0.8, "text-background-padding": 1,
      "text-wrap": "wrap", "text-max-width": 190, "min-zoomed-font-size": 7,
      "width": "data(size)", "height": "data(size)", "border-width": 1, "overlay-padding": 4 } },
    { selector: "node[kind = 'territory']", style: {
      "shape": "round-rectangle", "background-color": COLORS.territory, "border-color": COLORS.territoryLine,
      "border-width": 2, "label": "data(label)", "font-size": 20, "font-weight": "bold", "color": COLORS.territoryLine,
      "min-zoomed-font-size": 0, "text-background-opacity": 0.85, "z-index": 20 } },
    { selector: "node[kind = 'organisation']", style: {
      "shape": "ellipse", "background-color": COLORS.organisation, "border-color": COLORS.organisationLine,
      "label": "data(label)", "font-size": 12, "min-zoomed-font-size": 13, "color": "#3d3d3d", "z-index": 10 } },
    { selector: "node.recurring", style: {
      "background-color": COLORS.recurring, "border-color": COLORS.recurringLine, "border-width": 4,
      "font-size": 17, "font-weight": "bold", "color": COLORS.recurringLine, "min-zoomed-font-size": 0,
      "text-background-opacity": 0.9, "z-index": 30 } },
    { selector: "edge", style: {
      "width": "data(width)", "line-color": COLORS.edge, "opacity": 0.75, "curve-style": "straight", "z-index": 1 } },
    { selector: "edge.recurring", style: { "line-color": COLORS.edgeStrong, "opacity": 0.85 } },
    { selector: "node:selected", style: { "border-color": COLORS.selected, "border-width": 6, "label": "data(label)", "min-zoomed-font-size": 0, "z-index": 40 } },
    { selector: ".faded", style: { "opacity": 0.18 } },
    { selector: "node.neighbour", style: { "label": "data(label)", "min-zoomed-font-size": 0 } }
  ];

  var cy = cytoscape({
    container: container,
    style: style,
    elements: [],
    layout: { name: "preset" },
    minZoom: 0.15,
    maxZoom: 4,
    boxSelectionEnabled: false,
    autoungrabify: false
  });
  window.ctairNetwork = cy;

  function elementsOf(data) {
    var degreeMax = { organisation: 1, territory: 1 }, weightMax = 1;
    data.nodes.forEach(function (n) { degreeMax[n.kind] = Math.max(degreeMax[n.kind] || 1, n.degree || 0); });
    data.links.forEach(function (l) { weightMax = Math.max(weightMax, l.weight || 1); });
    var degree = {};
    data.nodes.forEach(function (n) { degree[n.iri] = n.degree || 0; });
    var positions = computePositions(data);
    var elements = [];
    data.nodes.forEach(function (n) {
      var recurring = n.kind === "organisation" && n.degree >= MIN;
      var ratio = degreeMax[n.kind] > 1 ? (n.degree - 1) / (degreeMax[n.kind] - 1) : 0;
      var size = n.kind === "territory" ? 30 + 30 * Math.sqrt(Math.max(ratio, 0)) : (recurring ? 28 : 15) + 16 * Math.max(ratio, 0);
      elements.push({
        group: "nodes",
        data: { id: n.iri, label: n.label, kind: n.kind, entityId: n.slug, degree: n.degree, actions: n.weighted_degree, size: size },
        classes: recurring ? "recurring" : "",
        position: { x: positions[n.iri].x, y: positions[n.iri].y }
      });
    });
    data.links.forEach(function (l, i) {
      var width = 1.5 + (weightMax > 1 ? (5.5 * (l.weight - 1)) / (weightMax - 1) : 0);
      var recurringEdge = degree[l.source] >= MIN;
      elements.push({
        group: "edges",
        data: { id: "e" + i, source: l.source, target: l.target, weight: l.weight, width: width, roles: l.roles, actionIris: l.action_iris },
        classes: recurringEdge ? "recurring" : ""
      });
    });
    return elements;
  }

  function draw(data) {
    current = data;
    cy.batch(function () {
      cy.elements().remove();
      cy.add(elementsOf(data));
    });
    cy.fit(cy.elements(), 30);
    container.setAttribute("data-nodes", String(cy.nodes().length));
    container.setAttribute("data-edges", String(cy.edges().length));
    container.setAttribute("data-state", "ready");
    fillPicker();
    updateTable();
    var orgs = cy.nodes("[kind = 'organisation']").length, terrs = cy.nodes("[kind = 'territory']").length;
    setStatus(orgs + " organisations, " + terrs + " territoires, " + cy.edges().length + " liens" +
              (filterParams().toString() ? " (filtres : " + describeFilters() + ")." : "."));
    showEmptyDetails();
  }

  function describeFilters() {
    var parts = [];
    if (roleSelect.value && roleSelect.value !== "any") parts.push("rôle " + roleLabel(roleSelect.value));
    if (axisSelect.value) parts.push("axe " + axisSelect.options[axisSelect.selectedIndex].textContent.trim());
    if (kindSelect.value) parts.push("contrats " + kindSelect.value);
    if (yearSelect.value) parts.push("année " + yearSelect.value);
    return parts.join(", ");
  }

  // ---------------------------------------------------------------- details panel
  function showEmptyDetails() {
    detailsBody.replaceChildren(el("p", { className: "empty", text: "Choisissez un nœud dans le graphe ou dans « Afficher un nœud »." }));
  }

  function nodeButton(node) {
    var button = el("button", { type: "button", className: "node-link", text: node.data("label") });
    button.addEventListener("click", function () { select(node.id(), true); });
    return button;
  }

  function showDetails(node) {
    var kind = node.data("kind");
    var info = (current && current.nodes.find(function (n) { return n.iri === node.id(); })) || {};
    var edges = node.connectedEdges();
    var actions = {}, roles = {};
    edges.forEach(function (e) {
      (e.data("actionIris") || []).forEach(function (a) { actions[a] = true; });
      (e.data("roles") || []).forEach(function (r) { roles[r] = true; });
    });
    var others = node.neighborhood("node").sort(function (a, b) { return compare(a.data("label"), b.data("label")); });
    var body = [
      el("p", {}, [el("span", { className: "kind-badge " + kind, text: kind === "territory" ? "Territoire" : "Organisation" })]),
      el("h3", { id: "details-label", text: node.data("label") })
    ];
    var facts = el("dl");
    function fact(term, value) { facts.appendChild(el("dt", { text: term })); facts.appendChild(el("dd", { text: String(value) })); }
    if (kind === "organisation") {
      if (info.org_type) fact("Type", String(info.org_type).split(/[\s;,]+/).map(typeLabel).join(", "));
      fact("Territoires", others.length);
      fact("Actions", Object.keys(actions).length);
      fact("Rôles", Object.keys(roles).sort().map(roleLabel).join(", ") || "—");
    } else {
      if (info.insee_code) fact("Code INSEE", info.insee_code);
      if (info.department) fact("Département", info.department);
      fact("Organisations", others.length);
      fact("Actions", Object.keys(actions).length);
    }
    if (typeof info.pagerank === "number") fact("PageRank", info.pagerank.toFixed(3));
    body.push(facts);
    body.push(el("h4", { text: kind === "territory" ? "Organisations" : "Territoires" }));
    var list = el("ul", { id: "details-neighbours" });
    others.forEach(function (other) {
      var edge = node.edgesWith(other)[0];
      var count = edge ? edge.data("weight") : 0;
      var item = el("li", {}, [nodeButton(other), " (" + count + (count > 1 ? " actions)" : " action)")]);
      // the actions behind the link, each opening its page (with the sentence it was read from)
      var behind = el("ul", { className: "link-actions" });
      ((edge && edge.data("actionIris")) || []).forEach(function (iri) {
        var label = (current && current.actions && current.actions[iri]) || iri;
        var href = pageHref(iri);
        behind.appendChild(el("li", {}, [href ? el("a", { href: href, text: label }) : document.createTextNode(label)]));
      });
      if (behind.childNodes.length) item.appendChild(behind);
      list.appendChild(item);
    });
    body.push(list);
    var links = el("ul", { className: "links" });
    var page = pageHref(node.id());
    if (page) links.appendChild(el("li", {}, [el("a", { id: "details-page", href: page, text: "Page de données liées →" })]));
    if (kind === "organisation") {
      links.appendChild(el("li", {}, [el("a", { id: "details-who", href: config.who + "?organisation=" + encodeURIComponent(node.data("entityId")), text: "Qui fait quoi où (API JSON) →" })]));
    }
    body.push(links);
    detailsBody.replaceChildren.apply(detailsBody, body);
  }

  function highlight(node) {
    cy.batch(function () {
      cy.elements().removeClass("faded neighbour");
      if (!node) return;
      var keep = node.closedNeighborhood();
      cy.elements().not(keep).addClass("faded");
      keep.nodes().not(node).addClass("neighbour");
    });
  }

  function select(id, center) {
    var node = cy.getElementById(id);
    if (!node || node.empty()) return;
    cy.nodes(":selected").unselect();
    node.select();  // the "select" handler shows the details
    if (center) cy.animate({ center: { eles: node }, duration: 250 });
    picker.value = id;
  }

  cy.on("select", "node", function (event) { highlight(event.target); showDetails(event.target); picker.value = event.target.id(); });
  cy.on("unselect", "node", function () {
    if (cy.nodes(":selected").empty()) { highlight(null); showEmptyDetails(); picker.value = ""; }
  });
  cy.on("mouseover", "node", function (event) { container.style.cursor = "pointer"; event.target.addClass("neighbour"); });
  cy.on("mouseout", "node", function (event) {
    container.style.cursor = "";
    var node = event.target, selected = cy.nodes(":selected");
    if (selected.empty() || !selected.closedNeighborhood().contains(node) || selected.contains(node)) node.removeClass("neighbour");
  });

  function fillPicker() {
    var groups = [["territory", "Territoires"], ["organisation", "Organisations"]];
    var options = [el("option", { value: "", text: "—" })];
    groups.forEach(function (group) {
      var optgroup = el("optgroup", { label: group[1] });
      cy.nodes("[kind = '" + group[0] + "']").sort(function (a, b) { return compare(a.data("label"), b.data("label")); })
        .forEach(function (node) { optgroup.appendChild(el("option", { value: node.id(), text: node.data("label") })); });
      options.push(optgroup);
    });
    picker.replaceChildren.apply(picker, options);
    picker.disabled = false;
  }
  picker.addEventListener("change", function () {
    if (picker.value) select(picker.value, true);
    else cy.nodes(":selected").unselect();
  });

  // ---------------------------------------------------------------- the accessible table
  function updateTable() {
    var tbody = document.querySelector("#recurring-table tbody");
    var rows = cy.nodes("[kind = 'organisation']").filter(function (n) { return n.data("degree") >= MIN; }).map(function (node) {
      var actions = {}, roles = {};
      node.connectedEdges().forEach(function (e) {
        (e.data("actionIris") || []).forEach(function (a) { actions[a] = true; });
        (e.data("roles") || []).forEach(function (r) { roles[r] = true; });
      });
      return {
        node: node, territories: node.data("degree"), actions: Object.keys(actions).length, roles: Object.keys(roles).sort(),
        where: node.neighborhood("node").map(function (t) { return t.data("label"); }).sort(compare)
      };
    });
    rows.sort(function (a, b) { return b.territories - a.territories || b.actions - a.actions || compare(a.node.data("label"), b.node.data("label")); });
    var trs = rows.map(function (row) {
      var page = pageHref(row.node.id());
      var name = page ? el("a", { href: page, text: row.node.data("label") }) : row.node.data("label");
      return el("tr", {}, [
        el("th", { scope: "row" }, [name]), el("td", { text: String(row.territories) }), el("td", { text: String(row.actions) }),
        el("td", { text: row.roles.map(roleLabel).join(", ") }), el("td", { text: row.where.join(", ") })
      ]);
    });
    if (!trs.length) trs = [el("tr", {}, [el("td", { colspan: "5", text: "Aucune organisation n'est présente dans plusieurs territoires avec ces filtres." })])];
    tbody.replaceChildren.apply(tbody, trs);
    var caption = document.getElementById("recurring-caption");
    var described = describeFilters();
    var grouped = levelSelect && levelSelect.value === "network";
    caption.textContent = (grouped ? "Réseaux d'organisations" : "Organisations (chaque entité juridique)") +
      " présents dans au moins " + MIN + " territoires" + (described ? " (filtres : " + described + ")" : "") +
      ", du plus présent au moins présent.";
  }

  // ---------------------------------------------------------------- filters and downloads
  function updateDownloads() {
    var params = filterParams();
    document.querySelectorAll("#downloads a, a[id^='download-3w']").forEach(function (link) {
      var base = link.id.indexOf("download-3w") === 0 ? config.export3w : config.exports;
      var query = new URLSearchParams(params);
      query.set("format", link.getAttribute("data-format"));
      link.setAttribute("href", base + "?" + query.toString());
    });
  }

  function load() {
    var params = filterParams();
    var number = ++requestNumber;
    container.setAttribute("data-state", "loading");
    setStatus("Chargement du réseau…");
    updateDownloads();
    var query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    fetch(config.network + (query ? "?" + query : ""), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error((body.error && body.error.detail) || response.statusText);
          return body;
        });
      })
      .then(function (data) { if (number === requestNumber) draw(data); })
      .catch(function (error) {
        if (number !== requestNumber) return;
        container.setAttribute("data-state", "error");
        setStatus("Le réseau n'a pas pu être chargé : " + error.message);
      });
  }

  function loadAxes() {
    // the axis list, from the REST API (the server-rendered options stay if it fails)
    fetch(config.axes, { headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(response.statusText); return response.json(); })
      .then(function (axes) {
        var byParent = {};
        axes.forEach(function (axis) { (byParent[axis.broader || ""] = byParent[axis.broader || ""] || []).push(axis); });
        var chosen = axisSelect.value;
        var options = [el("option", { value: "", text: "tous les axes" })];
        (function walk(parent, depth) {
          (byParent[parent] || []).slice().sort(function (a, b) { return compare(a.label, b.label); }).forEach(function (axis) {
            options.push(el("option", { value: axis.id, text: "\u2003".repeat(depth) + axis.label }));
            if (depth < 6) walk(axis.id, depth + 1);
          });
        })("", 0);
        axisSelect.replaceChildren.apply(axisSelect, options);
        axisSelect.value = chosen;
        if (axisSelect.value !== chosen) axisSelect.value = "";
      })
      .catch(function () { /* keep the server-rendered options */ });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
  roleSelect.addEventListener("change", load);
  axisSelect.addEventListener("change", load);
  kindSelect.addEventListener("change", load);
  yearSelect.addEventListener("change", load);
  if (levelSelect) levelSelect.addEventListener("change", load);

  loadAxes();
  load();
})();
