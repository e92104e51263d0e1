// Rich-text editing for item fields: an editable region mirrors its textarea, which is what the
// form submits (HTML, sanitised on the server). Without JavaScript the textarea is used as is.
(function () {
  "use strict";
  function setUp(box) {
    var textarea = box.querySelector("textarea");
    var editor = box.querySelector(".rich-html__editor");
    var toolbar = box.querySelector(".rich-html__toolbar");
    var fileInput = box.querySelector(".rich-html__file");
    var error = box.querySelector(".rich-html__error");
    var maxBytes = parseInt(box.dataset.maxImageBytes, 10);
    var label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    var name = label ? label.textContent.replace(/:\s*$/, "") : textarea.name;
    editor.setAttribute("aria-label", name);
    toolbar.setAttribute("aria-label", "Formatting: " + name);
    editor.innerHTML = textarea.value;
    textarea.hidden = true;
    editor.hidden = false;
    toolbar.hidden = false;
    if (label) { label.addEventListener("click", function (e) { e.preventDefault(); editor.focus(); }); }
    function sync() { textarea.value = editor.innerHTML.trim() === "<br>" ? "" : editor.innerHTML; }
    function showError(message) { error.textContent = message; error.hidden = !message; }
    editor.addEventListener("input", sync);
    editor.addEventListener("blur", sync);
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-command]");
      if (!button) { return; }
      var command = button.dataset.command;
      editor.focus();
      showError("");
      if (command === "insertImage") { fileInput.click(); return; }
      if (command === "createLink") {
        var url = window.prompt("Link address (https://...)");
        if (!url) { return; }
        if (!/^https?:\/\//i.test(url)) { showError("Links must start with http:// or https://"); return; }
        document.execCommand("createLink", false, url);
      } else {
        document.execCommand(command, false, null);
      }
      sync();
    });
    fileInput.addEventListener("change", function () {
      var file = fileInput.files && fileInput.files[0];
      fileInput.value = "";
      if (!file) { return; }
      if (file.size > maxBytes) {
        showError("The image is larger than " + Math.round(maxBytes / 1024) + " KB; use a smaller one.");
        return;
      }
      var reader = new FileReader();
      reader.onload = function () {
        editor.focus();
        document.execCommand("insertImage", false, reader.result);
        sync();
      };
      reader.readAsDataURL(file);
    });
    var form = textarea.form;
    if (form) { form.addEventListener("submit", sync); }
  }
  function init() { document.querySelectorAll("[data-rich-html]").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
