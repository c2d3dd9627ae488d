// Searchable pickers: each <select data-picker> becomes a box to type in (Tom Select, vendored in
// static/vendor/tom-select). The select stays in the form and carries the value, so the server checks what is
// sent exactly as without this file; without script the plain select works as before.
// A select with data-search-url also asks the server (two characters or more) for matches beyond its options.
"use strict";

function pickerSettings(select) {
  const data = select.dataset;
  const settings = {
    plugins: select.multiple ? ["remove_button"] : [],
    maxOptions: 100,
    // Filter the options as each letter is typed: a quick typist's Enter takes the match, not the first
    // option of the list before it was filtered (Tom Select waits 300 ms by default).
    refreshThrottle: 0,
    allowEmptyOption: !select.multiple && !select.required,
    closeAfterSelect: !select.multiple,
    render: {
      no_results: () => `<div class="no-results">${escapeText(data.pickerNoResults || "")}</div>`,
      loading: () => `<div class="spinner" aria-hidden="true"></div>`,
    },
  };
  if (data.searchUrl) {
    settings.shouldLoad = (query) => query.trim().length >= 2;
    settings.load = (query, callback) => {
      const url = new URL(data.searchUrl, window.location.href);
      url.searchParams.set("q", query);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then((body) => callback(body.results))
        .catch(() => callback());
    };
  }
  return settings;
}

function escapeText(text) {
  const node = document.createElement("span");
  node.textContent = text;
  return node.innerHTML;
}

function enhancePickers(root) {
  if (typeof TomSelect === "undefined") return; // the vendored file did not load: the plain selects work
  root.querySelectorAll("select[data-picker]:not(.tomselected)").forEach((select) => {
    new TomSelect(select, pickerSettings(select));
  });
}

document.addEventListener("DOMContentLoaded", () => enhancePickers(document));
