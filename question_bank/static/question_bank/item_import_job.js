// Polls an item import job's status and moves its progress bar; reloads the page (which then
// shows the report) when the job has ended. Without JavaScript the page refreshes itself.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-job-status]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-import-job-label]");
  // The words come translated from the page: "{done} of {total} steps ({percent}%)".
  var stepsText = label.getAttribute("data-steps-text");
  var waitingText = label.getAttribute("data-waiting-text");
  function poll() {
    fetch(box.getAttribute("data-import-job-status"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        bar.value = s.percent;
        label.textContent = s.total
          ? stepsText.replace("{done}", s.done).replace("{total}", s.total).replace("{percent}", s.percent)
          : waitingText;
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
