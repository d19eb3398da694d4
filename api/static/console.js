// Keyboard shortcuts for the console (no framework, nothing downloaded).
// Lists (queue, networks, a network's flagged accounts): j/k move, Enter open, / focus the
// filter. Account: c/d/e pick a decision, q back to the queue it was opened from (filters kept).
(function () {
  "use strict";

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  var ROWS = "table[data-nav] tbody tr[data-href]";

  function listRows() {
    return Array.prototype.slice.call(document.querySelectorAll(ROWS));
  }

  function select(rows, index) {
    rows.forEach(function (row) { row.classList.remove("sel"); });
    var row = rows[index];
    if (row) {
      row.classList.add("sel");
      row.scrollIntoView({ block: "nearest" });
    }
  }

  function moveSelection(step) {
    var rows = listRows();
    if (!rows.length) { return; }
    var current = rows.findIndex(function (row) { return row.classList.contains("sel"); });
    var next = current < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, current + step));
    select(rows, next);
  }

  function openSelection() {
    var row = document.querySelector(ROWS + ".sel");
    if (row) { window.location.href = row.dataset.href; }
  }

  function pickDecision(letter) {
    var radio = document.querySelector('#decision-form input[data-key="' + letter + '"]');
    if (!radio) { return false; }
    radio.checked = true;
    document.getElementById("note").focus();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event.target)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    var handled = true;
    switch (event.key) {
      case "j": moveSelection(1); break;
      case "k": moveSelection(-1); break;
      case "Enter": handled = !!document.querySelector(ROWS + ".sel"); openSelection(); break;
      case "/": {
        var field = document.querySelector("[data-filter]");
        if (field) { field.focus(); } else { handled = false; }
        break;
      }
      case "c": case "d": case "e": handled = pickDecision(event.key); break;
      case "q": {
        var back = document.getElementById("back-to-queue");
        window.location.href = back ? back.getAttribute("href") : "/console/";
        break;
      }
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest(ROWS);
    if (row && !event.target.closest("a")) { window.location.href = row.dataset.href; }
  });

  // Ctrl/Cmd+Enter in the note submits the decision.
  var note = document.getElementById("note");
  if (note) {
    note.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        document.getElementById("decision-form").requestSubmit();
      }
    });
  }
})();
