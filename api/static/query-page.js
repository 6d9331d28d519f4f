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
    yasr: { defaultPlugin: "table", pluginOrder: ["table", "response"] },
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
      var yasqe = tab.getYasqe();
      if (yasqe) {
        yasqe.collapsePrefixes(true); // show the query, not the 23 PREFIX lines
        yasqe.focus();
      }
    });
  });

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

  document.getElementById("endpoint-url").textContent = new URL(endpoint).pathname;
  hookTab(yasgui.getTab());
})();
