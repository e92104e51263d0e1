// The compact item form: option rows are added and removed here instead of showing six empty
// rows; numeric fields show only for numeric items. Without JavaScript every row is shown and
// the form works the same (the server decides which rows are options: those with text or score).
(function () {
  "use strict";
  function clearRow(row) {
    row.querySelectorAll("textarea").forEach(function (t) { t.value = ""; });
    row.querySelectorAll(".rich-html__editor").forEach(function (e) { e.innerHTML = ""; });
    row.querySelectorAll("select").forEach(function (s) { s.value = ""; });
  }
  function init() {
    var box = document.getElementById("option-rows");
    if (!box) { return; }
    var rows = Array.prototype.slice.call(box.querySelectorAll("[data-option-row]"));
    var add = box.querySelector("[data-add-option]");
    var minRows = parseInt(box.dataset.minRows, 10) || 2;
    var lastUsed = -1;
    rows.forEach(function (row, i) { if (row.dataset.used === "1") { lastUsed = i; } });
    var shown = Math.max(lastUsed + 1, minRows);
    rows.forEach(function (row, i) { row.hidden = i >= shown; });
    function refresh() {
      var visible = rows.filter(function (r) { return !r.hidden; });
      add.hidden = visible.length === rows.length;
      visible.forEach(function (r) {
        r.querySelector("[data-remove-option]").hidden = visible.length <= 2;
      });
    }
    add.addEventListener("click", function () {
      var next = rows.find(function (r) { return r.hidden; });
      if (!next) { return; }
      next.hidden = false;
      refresh();
      var editor = next.querySelector(".rich-html__editor:not([hidden])") || next.querySelector("textarea");
      if (editor) { editor.focus(); }
    });
    rows.forEach(function (row) {
      row.querySelector("[data-remove-option]").addEventListener("click", function () {
        clearRow(row);
        row.hidden = true;
        // Keep the visible rows first, so that the next "Add" reuses this row at the end.
        box.insertBefore(row, add);
        rows.splice(rows.indexOf(row), 1);
        rows.push(row);
        refresh();
        add.focus();
      });
    });
    refresh();
    var type = document.querySelector("select[name=item_type]");
    var numeric = document.getElementById("numeric-fields");
    function byType() {
      var isNumeric = type.value === "numeric";
      numeric.hidden = !isNumeric;
      box.hidden = isNumeric;
    }
    if (type && numeric) { type.addEventListener("change", byType); byType(); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
