// Follows a background job (a report run, an import run) while a django-q2 task works on it:
// polls the element's JSON status URL, moves its progress bar and text, and reloads the page when
// the job is over, so what it produced appears. One script for every job page; a static file
// (not inline) so a strict CSP allows it.
//
// Markup: an element with data-job-status-url, holding (or, for the label, near) a
// [data-job-status-label], a <progress data-job-progress> and a [data-job-progress-text="…"]
// whose value is the text with {names} of the JSON's keys, e.g. "Righe lette: {rows_read} su
// {rows_total}" (translated on the server). The JSON: {finished, status_label, percent or
// progress, and whatever the text names}.
(function () {
  "use strict";
  var INTERVAL = 1500;

  function find(element, selector) {
    return element.querySelector(selector) || document.querySelector(selector);
  }

  function poll(element) {
    fetch(element.getAttribute("data-job-status-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        if (data.finished) {
          window.location.reload();
          return;
        }
        var label = find(element, "[data-job-status-label]");
        var bar = element.querySelector("[data-job-progress]");
        var text = element.querySelector("[data-job-progress-text]");
        if (label) label.textContent = data.status_label;
        if (bar) bar.value = data.percent !== undefined ? data.percent : data.progress;
        if (text) {
          text.textContent = text.getAttribute("data-job-progress-text").replace(
            /\{(\w+)\}/g,
            function (whole, name) { return name in data ? data[name] : whole; }
          );
        }
        window.setTimeout(function () { poll(element); }, INTERVAL);
      })
      .catch(function () {
        window.setTimeout(function () { poll(element); }, INTERVAL * 5);
      });
  }

  function start() {
    document.querySelectorAll("[data-job-status-url]").forEach(function (element) {
      window.setTimeout(function () { poll(element); }, INTERVAL);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
