/*
 * The questionnaire page: every requirement is a <details> element whose summary gives its code,
 * title and state. The first time one is opened, its form (answer, evidence, autosave) is loaded
 * with htmx from the link it holds, in place of that link; without JavaScript the same link
 * leads to the page with that requirement open. An address ending in #exigence-CODE (a link from
 * the completeness page, a return after a full-page post) opens that requirement.
 *
 * A static file (no inline script: strict Content-Security-Policy).
 */
(function () {
  "use strict";

  var REQUIREMENT = "details.portal-requirement";

  function load(details) {
    var body = details.querySelector(".portal-requirement__body");
    var link = body && body.querySelector("a.portal-requirement__load");
    if (!link || body.getAttribute("aria-busy") === "true" || !window.htmx) {
      return; // already loaded, on its way, or no htmx: the link still works
    }
    body.setAttribute("aria-busy", "true");
    var done = function () {
      body.removeAttribute("aria-busy");
      // The focus was on the link that the form replaced: give it to the summary, not to <body>.
      if (!document.activeElement || document.activeElement === document.body) {
        details.querySelector("summary").focus({ preventScroll: true });
      }
    };
    // On an error the link stays in place (nothing is swapped): it leads to the full page.
    window.htmx
      .ajax("GET", link.getAttribute("href"), { source: details, target: body, swap: "innerHTML" })
      .then(done, done);
  }

  // `toggle` does not bubble: listen while it goes down (capture).
  document.addEventListener(
    "toggle",
    function (event) {
      var details = event.target;
      if (details.open && details.matches && details.matches(REQUIREMENT)) {
        load(details);
      }
    },
    true
  );

  function openFromHash() {
    var id;
    try {
      id = decodeURIComponent(window.location.hash.slice(1));
    } catch (error) {
      return;
    }
    var target = id && document.getElementById(id);
    var details = target && target.closest(REQUIREMENT);
    if (!details) {
      return;
    }
    if (details.open) {
      load(details); // opened by the server (no toggle event to wait for) or already loaded
    } else {
      details.open = true; // its toggle event loads it
    }
    if (target === details) {
      // Keyboard users start on the requirement asked for; Tab goes on into its form.
      details.querySelector("summary").focus({ preventScroll: true });
    }
  }

  window.addEventListener("hashchange", openFromHash);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", openFromHash);
  } else {
    openFromHash();
  }
})();
