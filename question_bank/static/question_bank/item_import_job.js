// Polls an item import job's status and moves its progress bar; reloads the page (which then
// shows the report) when the job has ended. Without JavaScript the page refreshes itself.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-job-status]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-import-job-label]");
  function poll() {
    fetch(box.getAttribute("data-import-job-status"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        bar.value = s.percent;
        label.textContent = s.total ? s.done + " of " + s.total + " steps (" + s.percent + "%)" : "Waiting to start";
        if (s.status === "done" || s.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
