// Polls the JSON status of an import run while a task checks or writes it, moves the progress
// bar, and reloads the page when the task is over (the preview or the result appears). A static
// file (not inline) so a strict CSP allows it.
(function () {
  "use strict";
  var INTERVAL = 1500;

  function poll(element) {
    var url = element.getAttribute("data-import-status-url");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        if (data.finished) {
          window.location.reload();
          return;
        }
        var label = document.querySelector("[data-import-status-label]");
        var bar = element.querySelector("[data-import-progress]");
        var text = element.querySelector("[data-import-progress-text]");
        if (label) label.textContent = data.status_label;
        if (bar) bar.value = data.percent;
        if (text) text.textContent = text.textContent
          .replace(/\d+(?=\D+\d+\s*$)/, data.rows_read)
          .replace(/\d+\s*$/, data.rows_total);
        window.setTimeout(function () { poll(element); }, INTERVAL);
      })
      .catch(function () {
        window.setTimeout(function () { poll(element); }, INTERVAL * 5);
      });
  }

  function start() {
    document.querySelectorAll("[data-import-status-url]").forEach(function (element) {
      window.setTimeout(function () { poll(element); }, INTERVAL);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
