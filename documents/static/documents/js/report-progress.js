// Polls the status of unfinished report runs and reloads the page when one finishes, so the
// links to the documents appear. A static file (not inline) so a strict CSP allows it.
(function () {
  "use strict";
  var INTERVAL = 2000;

  function poll(element) {
    var url = element.getAttribute("data-report-status-url");
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
        var label = element.querySelector("[data-report-status-label]");
        var bar = element.querySelector("[data-report-progress]");
        var text = element.querySelector("[data-report-progress-text]");
        if (label) label.textContent = data.status_label;
        if (bar) bar.value = data.progress;
        if (text) text.textContent = data.progress + "%";
        window.setTimeout(function () { poll(element); }, INTERVAL);
      })
      .catch(function () {
        window.setTimeout(function () { poll(element); }, INTERVAL * 5);
      });
  }

  function start() {
    document.querySelectorAll("[data-report-status-url]").forEach(function (element) {
      window.setTimeout(function () { poll(element); }, INTERVAL);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
