/*
 * The document library's upload form (templates/applications/documents/library.html), enhanced.
 *
 * Without JavaScript the form posts every chosen file at once and the page comes back with what
 * became of each. With it, each file is sent on its own request (XMLHttpRequest, for its upload
 * progress), one after the other: its name, a progress bar and then its result (the server's
 * message: kept, already there, or refused and why) are shown in a list, and a status region
 * (role="status") announces the start, each result and the end. Then the list of documents is
 * read again (the page's address, asked as htmx asks, answers the list alone) and put in place
 * of the old one: no page reload.
 *
 * Each request is a plain form post with one file and the CSRF token, asking for JSON
 * (Accept: application/json): {"results": [{"name", "ok", "message"}], "errors": [...]}, with
 * 200, 400 (refused) or 413 (over the size cap). The texts shown come from the form's
 * data-text-* attributes, translated by the server ("{name}" stands for the file's name).
 *
 * A static file (no inline script: strict Content-Security-Policy).
 */
(function () {
  "use strict";

  if (!window.XMLHttpRequest || !window.FormData || !window.Promise || !window.fetch) {
    return; // the plain form still works
  }

  var FORM = "form[data-portal-documents]";
  var counter = 0;

  function text(form, key, name) {
    var value = form.getAttribute("data-text-" + key) || "";
    return name === undefined ? value : value.split("{name}").join(name);
  }

  function byId(form, attribute) {
    return document.getElementById(form.getAttribute(attribute));
  }

  function announce(form, message) {
    var status = byId(form, "data-status");
    if (status && message) {
      var line = document.createElement("p");
      line.className = "fr-text--sm fr-mb-1v";
      line.textContent = message;
      status.appendChild(line);
    }
  }

  function row(list, file, waiting) {
    counter += 1;
    var item = document.createElement("li");
    item.className = "fr-mb-2w";
    var name = document.createElement("span");
    name.id = "envoi-" + counter;
    name.className = "fr-text--bold";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.className = "portal-progress";
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-labelledby", name.id);
    var state = document.createElement("p");
    state.className = "fr-text--sm fr-mb-0";
    state.textContent = waiting;
    item.appendChild(name);
    item.appendChild(bar);
    item.appendChild(state);
    list.appendChild(item);
    return { bar: bar, state: state };
  }

  function show(entry, result) {
    entry.bar.value = result.ok ? 100 : entry.bar.value;
    entry.state.className = "fr-mb-0 " + (result.ok ? "fr-valid-text" : "fr-error-text");
    entry.state.textContent = result.message;
  }

  function outcome(form, file, xhr) {
    var answer = null;
    try {
      answer = JSON.parse(xhr.responseText);
    } catch (error) {
      answer = null; // a login page, a proxy's error page…
    }
    var result = answer && answer.results && answer.results[0];
    if (result) {
      return { ok: Boolean(result.ok), message: result.message };
    }
    if (answer && answer.errors && answer.errors.length) {
      return { ok: false, message: answer.errors.join(" ") };
    }
    return { ok: false, message: text(form, "failed", file.name) };
  }

  function send(form, file, entry) {
    var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);
    if (maxBytes && file.size > maxBytes) {
      return Promise.resolve({ ok: false, message: text(form, "too-large", file.name) });
    }
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      var failed = function () {
        resolve({ ok: false, message: text(form, "failed", file.name) });
      };
      xhr.open("POST", form.getAttribute("action"));
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (!event.lengthComputable) {
          return;
        }
        var percent = Math.round((100 * event.loaded) / event.total);
        entry.bar.value = percent;
        entry.state.textContent =
          percent < 100 ? text(form, "sending") + " : " + percent + " %" : text(form, "checking");
      });
      xhr.addEventListener("load", function () {
        resolve(outcome(form, file, xhr));
      });
      xhr.addEventListener("error", failed);
      xhr.addEventListener("abort", failed);
      entry.state.textContent = text(form, "sending");
      var data = new FormData();
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      data.append("file", file, file.name);
      xhr.send(data);
    });
  }

  function refresh(form) {
    var current = byId(form, "data-list");
    if (!current) {
      return Promise.resolve();
    }
    return fetch(form.getAttribute("data-list-url"), {
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var parsed = new DOMParser().parseFromString(html, "text/html");
        var fresh = parsed.getElementById(current.id);
        if (fresh) {
          current.replaceWith(fresh);
          if (window.htmx) {
            window.htmx.process(fresh);
          }
        }
      })
      .catch(function () {
        // The list stays as it was; a reload shows it up to date.
      });
  }

  function upload(form) {
    var input = form.querySelector("input[type=file]");
    var files = Array.prototype.slice.call((input && input.files) || []);
    var button = form.querySelector("[type=submit]");
    var status = byId(form, "data-status");
    var holder = byId(form, "data-progress");
    form.setAttribute("aria-busy", "true");
    if (button) {
      button.disabled = true;
    }
    if (status) {
      status.textContent = "";
    }
    announce(form, text(form, "start"));
    var list = document.createElement("ul");
    list.className = "fr-mt-2w";
    if (holder) {
      holder.textContent = "";
      holder.appendChild(list);
    }
    var entries = files.map(function (file) {
      return row(list, file, text(form, "waiting"));
    });
    var chain = Promise.resolve();
    files.forEach(function (file, index) {
      chain = chain.then(function () {
        return send(form, file, entries[index]).then(function (result) {
          show(entries[index], result);
          announce(form, result.message);
        });
      });
    });
    return chain
      .then(function () {
        return refresh(form);
      })
      .then(function () {
        input.value = "";
        if (button) {
          button.disabled = false;
        }
        form.removeAttribute("aria-busy");
        announce(form, text(form, "done"));
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches(FORM)) {
      return;
    }
    var input = form.querySelector("input[type=file]");
    if (!input || !input.files || !input.files.length) {
      return; // nothing chosen: the server says so
    }
    event.preventDefault();
    if (form.getAttribute("aria-busy") !== "true") {
      upload(form);
    }
  });
})();
