/* The ctair query page: YASGUI on the app's own /sparql, the named queries as examples,
 * the query kept in the URL (?query=...), CSV/JSON downloads made in the browser.
 * Nothing here talks to another host: see api/routes/pages.py. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("ctair-config").textContent);
  // Absolute URL of the app's own endpoint (YASGUI needs one); relative to this page.
  var endpoint = new URL(config.endpoint, document.baseURI).href;
  var Yasqe = Yasgui.Yasqe;

  // ---- Offline editor -----------------------------------------------------------------
  // The "property" and "class" completers query lov.linkeddata.es: keep only the prefix
  // and variable completers. prefixCcApi stays null, so no call to prefix.cc either.
  var completers = Yasqe.defaults.autocompleters;
  completers.splice(0, completers.length, "prefixes", "variables");
  Yasqe.defaults.prefixCcApi = null;

  // Prefix completion: the ctair prefixes first, then YASGUI's bundled list.
  var ourPrefixes = Object.keys(config.prefixes).map(function (p) {
    return p + ": <" + config.prefixes[p] + ">";
  });
  var prefixCompleter = Yasqe.Autocompleters.prefixes;
  var bundledPrefixes = prefixCompleter.get;
  prefixCompleter.persistenceId = "ctair_prefixes_" + config.prefixesVersion;
  prefixCompleter.get = function (yasqe, token) {
    return Promise.resolve(bundledPrefixes.call(this, yasqe, token)).then(function (bundled) {
      return ourPrefixes.concat(
        (bundled || []).filter(function (line) {
          return !Object.prototype.hasOwnProperty.call(config.prefixes, line.split(":")[0]);
        })
      );
    });
  };

  // French table chrome when the page is in French (DataTables placeholders).
  var tablePlugin = Yasgui.Yasr.plugins.table;
  if (document.documentElement.lang === "fr" && tablePlugin && tablePlugin.defaults) {
    var language = tablePlugin.defaults.tableConfig.language || (tablePlugin.defaults.tableConfig.language = {});
    language.info = "Lignes _START_ à _END_ sur _TOTAL_";
    language.infoEmpty = "Aucune ligne";
    language.infoFiltered = "(filtrées parmi _MAX_)";
    language.emptyTable = "Aucun résultat";
    language.zeroRecords = "Aucune ligne ne correspond au filtre";
  }

  // French names for YASR's own views (they set their label in their constructor)
  if (document.documentElement.lang === "fr") {
    [["table", "Tableau"], ["response", "Réponse"]].forEach(function (pair) {
      var Base = Yasgui.Yasr.plugins[pair[0]];
      if (!Base) return;
      var Named = function (yasr) {
        var plugin = Reflect.construct(Base, [yasr], Named);
        plugin.label = pair[1];
        return plugin;
      };
      Named.prototype = Object.create(Base.prototype);
      Named.prototype.constructor = Named;
      if (pair[0] === "table") {
        // YASR writes its table controls in English: name them in French once drawn
        Named.prototype.drawControls = function () {
          Base.prototype.drawControls.apply(this, arguments);
          var controls = this.tableControls;
          if (!controls) return;
          var words = { "Simple view": "Vue simple (simple view)", "Ellipse": "Abréger (ellipsis)", "Page size: ": "Lignes par page : ", "All": "Toutes" };
          controls.querySelectorAll("span.label, span.pageSizerLabel, option").forEach(function (node) {
            if (Object.prototype.hasOwnProperty.call(words, node.textContent)) node.textContent = words[node.textContent];
          });
          var filter = controls.querySelector("input.tableFilter");
          if (filter) {
            filter.placeholder = "Filtrer les résultats";
            filter.setAttribute("aria-label", "Filtrer les résultats");
          }
        };
      }
      Object.setPrototypeOf(Named, Base);
      Yasgui.Yasr.plugins[pair[0]] = Named;
    });
  }

  // ---- YASGUI -----------------------------------------------------------------------------
  function ownEndpoint(requestConfig) {
    requestConfig.endpoint = endpoint;
    requestConfig.method = config.method;
    requestConfig.args = []; // never forward unknown URL parameters (e.g. lang) to /sparql
    requestConfig.headers = {};
    return requestConfig;
  }

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: config.method },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: endpoint }];
      },
    },
    // The URL is the state: no tabs restored from localStorage, a shared link shows its query.
    persistenceId: null,
    // A link such as /?query=... opens (and runs) its query, always against our own endpoint.
    populateFromUrl: function (tabConfig) {
      ownEndpoint(tabConfig.requestConfig);
      return tabConfig;
    },
    autofocus: false,
    tabName: config.labels.tab,
    yasqe: { value: config.defaultQuery, editorHeight: "300px" },
    yasr: { defaultPlugin: "table", pluginOrder: ["table", "chart", "map", "graph", "response"] },
  });
  window.ctairYasgui = yasgui; // for the browser tests and the curious

  ownEndpoint(yasgui.config.requestConfig);

  function enforceEndpoint(tab) {
    if (!tab) return;
    var current = tab.getRequestConfig();
    if (current.endpoint !== endpoint || current.method !== config.method || (current.args && current.args.length)) {
      tab.setRequestConfig(ownEndpoint({}));
    }
  }
  Object.keys(yasgui._tabs).forEach(function (id) {
    enforceEndpoint(yasgui._tabs[id]);
  });

  // ---- The query in the URL -------------------------------------------------------------
  var initialParams = new URLSearchParams(window.location.search);
  var lang = initialParams.get("lang");

  function pageUrl(query, language) {
    var url = new URL(window.location.href);
    url.search = "";
    url.hash = "";
    if (language) url.searchParams.set("lang", language);
    if (query) url.searchParams.set("query", query);
    return url.href;
  }

  function currentQuery() {
    var tab = yasgui.getTab();
    return tab ? tab.getQuery() : "";
  }

  var langSwitch = document.getElementById("lang-switch");
  var otherLang = langSwitch ? langSwitch.getAttribute("hreflang") : null;
  var syncTimer = null;

  function syncUrl() {
    window.clearTimeout(syncTimer);
    syncTimer = window.setTimeout(function () {
      var query = currentQuery();
      var href = pageUrl(query, lang);
      if (href !== window.location.href) window.history.replaceState(null, "", href);
      if (langSwitch) langSwitch.setAttribute("href", pageUrl(query, otherLang));
    }, 200);
  }

  var hooked = typeof WeakSet === "function" ? new WeakSet() : null;
  function hookTab(tab) {
    if (!tab) return;
    enforceEndpoint(tab);
    if (typeof guardRun === "function") guardRun(tab);
    var yasqe = tab.getYasqe();
    if (yasqe && hooked && !hooked.has(yasqe)) {
      hooked.add(yasqe);
      yasqe.on("change", syncUrl);
      // a long PREFIX block (named queries, shared links) is folded so the query shows
      if (Object.keys(yasqe.getPrefixesFromQuery()).length > 4) yasqe.collapsePrefixes(true);
    }
    syncUrl();
    updateDownloads();
  }

  yasgui.on("tabSelect", function () {
    window.setTimeout(function () {
      hookTab(yasgui.getTab());
    }, 0);
  });
  yasgui.on("tabAdd", function () {
    window.setTimeout(function () {
      hookTab(yasgui.getTab());
    }, 0);
  });
  yasgui.on("tabClose", syncUrl);
  yasgui.on("query", syncUrl);

  // ---- Named examples -------------------------------------------------------------------
  var examples = {};
  var exampleOfTab = {}; // tab id -> the named query it was opened from
  config.examples.forEach(function (example) {
    examples[example.name] = example;
  });
  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (button) {
    button.addEventListener("click", function () {
      var example = examples[button.getAttribute("data-query-name")];
      if (!example) return;
      var tab = yasgui.addTab(
        true,
        { name: example.title, yasqe: { value: example.sparql }, requestConfig: ownEndpoint({}) },
        { avoidDuplicateTabs: true }
      );
      hookTab(tab);
      Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (other) {
        other.setAttribute("aria-pressed", other === button ? "true" : "false");
      });
      exampleOfTab[tab.getId()] = example.name;
      showForm(example);
      var yasqe = tab.getYasqe();
      if (yasqe) {
        yasqe.collapsePrefixes(true); // show the query, not the 23 PREFIX lines
        yasqe.focus();
      }
    });
  });

  // ---- Searchable, grouped examples -------------------------------------------------------
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var filterInput = document.getElementById("example-filter");
  if (filterInput) {
    filterInput.addEventListener("input", function () {
      var wanted = fold(filterInput.value.trim());
      Array.prototype.forEach.call(document.querySelectorAll(".example-group"), function (group) {
        var shown = 0;
        Array.prototype.forEach.call(group.querySelectorAll("li"), function (item) {
          var match = !wanted || fold(item.textContent).indexOf(wanted) >= 0;
          item.hidden = !match;
          if (match) shown += 1;
        });
        group.hidden = shown === 0;
      });
    });
  }

  // ---- A named query's parameters as a form ---------------------------------------------------
  // Each field takes a label, an id or an IRI: the server resolves it (as the CLI and the REST
  // API do) and writes the bound SPARQL, which the editor shows and the user may still edit.
  var form = document.getElementById("query-form");
  var formFields = document.getElementById("query-form-fields");
  var formError = document.getElementById("query-form-error");
  var currentExample = null;

  function showFormError(message) {
    formError.textContent = message || "";
    formError.hidden = !message;
  }

  function showForm(example) {
    currentExample = example;
    formFields.textContent = "";
    showFormError("");
    form.hidden = !example.fields.length;
    example.fields.forEach(function (field) {
      var id = "param-" + field.name;
      var wrapper = document.createElement("div");
      var label = document.createElement("label");
      label.setAttribute("for", id);
      label.textContent = field.name + (field.required ? " (" + config.labels.required + ")" : "");
      var hint = document.createElement("span");
      hint.className = "hint";
      var entity = ["organisation", "territory", "axis"].indexOf(field.type) >= 0;
      hint.textContent = (config.labels.types[field.type] || field.type) + (entity ? " : " + config.labels.field_hint : "") + " ";
      if (field.description) {
        var described = document.createElement("span");
        described.lang = "en";
        described.textContent = "(" + field.description + ")";
        hint.appendChild(described);
      }
      label.appendChild(hint);
      var input = document.createElement("input");
      input.id = id;
      input.name = field.name;
      input.required = field.required;
      input.value = field.default || "";
      input.type = field.type === "integer" || field.type === "decimal" ? "number" : "text";
      if (field.type === "decimal") input.step = "any";
      wrapper.appendChild(label);
      wrapper.appendChild(input);
      formFields.appendChild(wrapper);
    });
  }

  function writeBoundQuery() {
    if (!currentExample) return Promise.resolve(false);
    var params = new URLSearchParams();
    var missing = [];
    Array.prototype.forEach.call(formFields.querySelectorAll("input"), function (input) {
      if (input.value.trim()) params.set(input.name, input.value.trim());
      else if (input.required) missing.push(input.name);
    });
    if (missing.length) {
      showFormError(config.labels.missing_required + " " + missing.join(", "));
      return Promise.resolve(false);
    }
    var url = new URL(config.bindUrl + encodeURIComponent(currentExample.name) + "/sparql?" + params, document.baseURI);
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          showFormError((body.error && body.error.detail) || response.statusText);
          return false;
        }
        showFormError("");
        var yasqe = yasgui.getTab().getYasqe();
        yasqe.setValue(body.sparql);
        yasqe.collapsePrefixes(true);
        return true;
      });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    writeBoundQuery();
  });
  document.getElementById("query-form-run").addEventListener("click", function () {
    writeBoundQuery().then(function (ok) {
      if (ok) yasgui.getTab().getYasqe().query();
    });
  });

  // A named query whose required parameter is still UNDEF in its VALUES row would run over
  // everything: refuse to send it and say which parameter is missing.
  function unboundRequired(tab) {
    var example = examples[exampleOfTab[tab.getId()]];
    if (!example) return [];
    var required = example.fields.filter(function (f) { return f.required; }).map(function (f) { return "?" + f.name; });
    if (!required.length) return [];
    var match = /VALUES\s*\(([^)]*)\)\s*\{\s*\(([^)]*)\)\s*\}/.exec(tab.getQuery());
    if (!match) return [];
    var names = match[1].trim().split(/\s+/);
    var values = match[2].match(/"(?:[^"\\]|\\.)*"|<[^>]*>|\S+/g) || [];
    return names.filter(function (name, i) { return required.indexOf(name) >= 0 && (values[i] || "UNDEF") === "UNDEF"; });
  }

  function guardRun(tab) {
    var yasqe = tab && tab.getYasqe();
    if (!yasqe || yasqe.ctairGuarded) return;
    yasqe.ctairGuarded = true;
    var run = yasqe.query.bind(yasqe);
    yasqe.query = function () {
      var missing = unboundRequired(tab);
      if (missing.length) {
        showQueryError(config.labels.missing_required + " " + missing.join(", "));
        return Promise.resolve();
      }
      showQueryError("");
      return run.apply(null, arguments);
    };
  }

  // ---- Downloads (made from the response already in the page: works offline) --------------
  var csvButton = document.getElementById("download-csv");
  var jsonButton = document.getElementById("download-json");
  var status = document.getElementById("status");

  function currentResults() {
    var tab = yasgui.getTab();
    var yasr = tab && tab.getYasr();
    return yasr && yasr.results && !yasr.results.getError() ? yasr.results : null;
  }

  function updateDownloads() {
    var results = currentResults();
    var select = !!(results && results.getVariables && results.getVariables().length);
    csvButton.disabled = !select;
    jsonButton.disabled = !(results && results.getAsJson());
  }

  function fileStem() {
    var tab = yasgui.getTab();
    var name = (tab && tab.getName()) || "query";
    var slug = name
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
    return "ctair-" + (slug || "query");
  }

  function save(text, type, filename) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var link = document.createElement("a");
    link.href = url;
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 1000);
  }

  csvButton.addEventListener("click", function () {
    var results = currentResults();
    if (results) save(results.asCsv(), "text/csv;charset=utf-8", fileStem() + ".csv");
  });
  jsonButton.addEventListener("click", function () {
    var results = currentResults();
    if (!results) return;
    var text = results.getType() === "json" ? results.getOriginalResponseAsString() : JSON.stringify(results.getAsJson(), null, 2);
    save(text, "application/sparql-results+json", fileStem() + ".json");
  });

  yasgui.on("queryResponse", function () {
    window.setTimeout(updateDownloads, 0);
  });

  // ---- Copy link ------------------------------------------------------------------------
  var statusTimer = null;
  function announce(message) {
    status.textContent = message;
    window.clearTimeout(statusTimer);
    statusTimer = window.setTimeout(function () {
      status.textContent = "";
    }, 3000);
  }

  document.getElementById("copy-link").addEventListener("click", function () {
    var href = pageUrl(currentQuery(), lang);
    window.history.replaceState(null, "", href);
    var done = function () {
      announce(config.labels.copied);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(href).then(done, function () {
        fallbackCopy(href);
        done();
      });
    } else {
      fallbackCopy(href);
      done();
    }
  });

  function fallbackCopy(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.opacity = "0";
    document.body.appendChild(field);
    field.select();
    try {
      document.execCommand("copy");
    } catch (error) {
      /* the address bar holds the link anyway */
    }
    field.remove();
  }

  // ---- Errors with their line and column, not the raw response -------------------------------
  var queryError = document.getElementById("query-error");
  function showQueryError(message) {
    queryError.textContent = message || "";
    queryError.hidden = !message;
  }
  yasgui.on("queryResponse", function () {
    window.setTimeout(reportQueryError, 0); // the results reach YASR after this event
  });
  function reportQueryError() {
    var tab = yasgui.getTab();
    var yasr = tab && tab.getYasr();
    var error = yasr && yasr.results && yasr.results.getError();
    if (!error) {
      showQueryError("");
      return;
    }
    var detail = error.text || error.statusText || String(error.status || "");
    var line = null, column = null;
    try {
      var body = JSON.parse(error.text).error;
      detail = body.detail;
      line = body.line;
      column = body.column;
    } catch (ignored) { /* a text body: shown as it is */ }
    var where = line ? (document.documentElement.lang === "fr" ? "ligne " + line + ", colonne " + column + " : " : "line " + line + ", column " + column + ": ") : "";
    showQueryError((error.status ? error.status + " — " : "") + where + detail);
    if (line) {
      var yasqe = tab.getYasqe();
      yasqe.setCursor({ line: line - 1, ch: Math.max(0, (column || 1) - 1) });
    }
  }

  // ---- IRIs of this dataset open their local page -------------------------------------------
  var base = config.baseIri;
  var siteRoot = new URL(".", document.baseURI).href;
  function localise(root) {
    Array.prototype.forEach.call(root.querySelectorAll('a[href^="' + base + '"]'), function (link) {
      link.href = siteRoot + link.getAttribute("href").slice(base.length);
      link.removeAttribute("target");
    });
  }
  new MutationObserver(function () { localise(document.getElementById("yasgui")); })
    .observe(document.getElementById("yasgui"), { childList: true, subtree: true });

  // ---- Code snippets for the current query -----------------------------------------------------
  function pythonString(text) {
    return '"""' + text.replace(/\\/g, "\\\\").replace(/"""/g, '\\"\\"\\"') + '"""';
  }
  function updateSnippets() {
    var query = currentQuery();
    var csvUrl = endpoint + "?" + new URLSearchParams({ query: query, format: "csv" });
    document.getElementById("snippet-curl").textContent =
      "curl -G " + JSON.stringify(endpoint) + " \\\n  --data-urlencode query@query.rq \\\n  -H 'Accept: text/csv'\n\n" +
      "# or the whole query in one URL:\ncurl " + JSON.stringify(csvUrl);
    document.getElementById("snippet-pandas").textContent =
      "import urllib.parse\nimport pandas as pd\n\nquery = " + pythonString(query) + "\n" +
      "url = " + JSON.stringify(endpoint) + " + \"?\" + urllib.parse.urlencode({\"query\": query, \"format\": \"csv\"})\n" +
      "frame = pd.read_csv(url)\nprint(frame.head())";
    document.getElementById("snippet-sparqlwrapper").textContent =
      "from SPARQLWrapper import JSON, SPARQLWrapper\n\nsparql = SPARQLWrapper(" + JSON.stringify(endpoint) + ")\n" +
      "sparql.setQuery(" + pythonString(query) + ")\nsparql.setReturnFormat(JSON)\n" +
      "for row in sparql.query().convert()[\"results\"][\"bindings\"]:\n    print({k: v[\"value\"] for k, v in row.items()})";
    document.getElementById("snippet-r").textContent =
      "query <- " + JSON.stringify(query) + "\n" +
      "url <- paste0(" + JSON.stringify(endpoint + "?format=csv&query=") + ", URLencode(query, reserved = TRUE))\n" +
      "frame <- read.csv(url)\nhead(frame)";
  }
  yasgui.on("query", updateSnippets);
  document.getElementById("snippets").addEventListener("toggle", updateSnippets);

  // ---- Short permalinks (content-addressed: the same query, the same link) ---------------------
  var permalinkOutput = document.getElementById("permalink-output");
  document.getElementById("make-permalink").addEventListener("click", function () {
    fetch(new URL(config.permalinkUrl, document.baseURI), {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", Accept: "application/json" },
      body: currentQuery(),
    }).then(function (response) { return response.json(); }).then(function (body) {
      if (!body.url) return;
      var href = new URL(body.url.replace(/^\//, ""), siteRoot).href;
      permalinkOutput.textContent = "";
      var link = document.createElement("a");
      link.href = href;
      link.id = "permalink";
      link.textContent = href;
      permalinkOutput.appendChild(link);
      permalinkOutput.hidden = false;
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(href).catch(function () {});
      else fallbackCopy(href);
      announce(config.labels.permalink_made);
    });
  });

  document.getElementById("endpoint-url").textContent = new URL(endpoint).pathname;
  hookTab(yasgui.getTab());
  updateSnippets();
})();
