// The requirement picker of a change declaration (templates/changes/declaration/form.html):
// a search box, shown only when this script runs, that keeps the requirements whose code or
// title holds what is typed and opens their domains; without JavaScript every requirement is
// listed by domain. The count of matches is read out (aria-live), in the page's words
// (`data-one`, `data-many`: translated by the template, __N__ standing for the number).
(function () {
  "use strict";

  function normalise(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setUp(picker) {
    var box = picker.querySelector("[data-requirement-search]");
    if (!box) return;
    var input = box.querySelector("input[type=search]");
    var status = box.querySelector("[data-requirement-count]");
    var rows = Array.prototype.slice.call(picker.querySelectorAll("[data-requirement-text]"));
    var domains = Array.prototype.slice.call(picker.querySelectorAll("[data-requirement-domain]"));
    var sections = Array.prototype.slice.call(
      picker.querySelectorAll("[data-requirement-section]")
    );
    rows.forEach(function (row) {
      row.dataset.needle = normalise(row.dataset.requirementText);
      if (row.querySelector("input:checked")) row.closest("details").open = true;
    });
    box.hidden = false;
    input.addEventListener("keydown", function (event) {
      // Enter filters; it must not submit the declaration (nor add an item to it).
      if (event.key === "Enter") event.preventDefault();
    });
    input.addEventListener("input", function () {
      var query = normalise(input.value.trim());
      var shown = 0;
      rows.forEach(function (row) {
        var match = !query || row.dataset.needle.indexOf(query) !== -1;
        row.hidden = !match;
        if (match) shown += 1;
      });
      sections.forEach(function (section) {
        section.hidden = !section.querySelector("[data-requirement-text]:not([hidden])");
      });
      domains.forEach(function (domain) {
        var visible = domain.querySelector("[data-requirement-text]:not([hidden])");
        domain.hidden = !visible;
        if (query) domain.open = Boolean(visible);
      });
      var sentence = shown === 1 ? status.dataset.one : status.dataset.many;
      status.textContent = query ? sentence.replace("__N__", String(shown)) : "";
    });
  }

  document.querySelectorAll("[data-requirement-picker]").forEach(setUp);
})();
