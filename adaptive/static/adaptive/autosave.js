/* Autosave of the question on screen (adaptive/drafts.py): the choice is posted to the form's
   data-draft-url whenever it changes, so a dropped connection or a reload loses nothing. The
   draft never counts as an answer: only "Submit answer" does. No framework, no CDN. */
(function () {
  "use strict";
  var form = document.getElementById("answer-form");
  if (!form || !form.dataset.draftUrl || !window.fetch || !window.FormData) { return; }
  var status = document.createElement("p");
  status.id = "draft-status";
  status.setAttribute("aria-live", "polite");
  status.className = "draft-status";
  form.appendChild(status);
  var timer = null;
  var save = function () {
    timer = null;
    var data = new FormData(form);
    fetch(form.dataset.draftUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      status.textContent = response.ok ? (form.dataset.savedText || "Choice saved.") : "";
      form.dataset.draft = response.ok ? "saved" : "refused";
    }).catch(function () {
      status.textContent = "";  // offline: the submit will tell; nothing to do here
      form.dataset.draft = "offline";
    });
  };
  var later = function (ms) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, ms);
  };
  form.addEventListener("change", function () { later(0); });
  form.addEventListener("input", function (event) {
    if (event.target && event.target.type === "text") { later(600); }
  });
})();
