// No lost work: while an admin change form has unsaved changes, whatever would leave the page
// or throw the typed work away asks first. Another form's button (an import conflict's "Take
// imported" / "Keep current") and a link ask in the page (#desk-unsaved-dialog, in the admin's
// language); a reload or a closed tab gets the browser's own question.
//
// "Unsaved" is the form's values now against the values it was loaded with, read with FormData
// at the moment of leaving, so any widget that keeps a form field in step (the rich-text
// editor's textarea) counts, and typing something and deleting it again does not.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("#content-main form[method=post][id$='_form']");
  const dialog = document.getElementById("desk-unsaved-dialog");
  if (!form || !dialog) {
    return;
  }
  // A form shown again with errors holds work that is not saved, whatever it was loaded with.
  const shownWithErrors = document.querySelector(".errornote") !== null;
  // Loaded means as the server sent it (each field's default), not as the form is when this
  // deferred script runs: what was typed while the page was still loading is unsaved work too.
  const sent = form.cloneNode(true);
  sent.reset();
  let loaded = snapshot(sent);
  let typed = snapshot() !== loaded;
  let leaving = false;
  let allowed = null;

  function snapshot(source = form) {
    const values = [];
    for (const [name, value] of new FormData(source)) {
      if (name === "csrfmiddlewaretoken") {
        continue;
      }
      values.push([name, typeof value === "string" ? value.replace(/\r\n?/g, "\n") : `${value.name}:${value.size}`]);
    }
    return JSON.stringify(values);
  }

  function unsaved() {
    return shownWithErrors || snapshot() !== loaded;
  }

  function ask() {
    return new Promise((resolve) => {
      dialog.returnValue = "";
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "leave"), { once: true });
      dialog.showModal();
    });
  }

  // Widgets that start after the page (the rich-text editor) may write their field once as
  // they start: what they write before anyone typed is still the loaded state.
  form.addEventListener("input", (event) => {
    typed = typed || event.isTrusted;
  });
  const reread = () => {
    if (!typed) {
      loaded = snapshot();
    }
  };
  window.addEventListener("load", reread);
  document.addEventListener("prose-editor:ready", reread);

  document.addEventListener("submit", (event) => {
    const other = event.target;
    if (other === form || other === allowed) {
      leaving = true;
      return;
    }
    if (other.closest("dialog") || !unsaved()) {
      return;
    }
    event.preventDefault();
    ask().then((confirmed) => {
      if (confirmed) {
        allowed = other;
        other.requestSubmit(event.submitter);
      }
    });
  });

  // On window, after the admin's own handlers (pop-ups for related objects) had their say.
  window.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || event.defaultPrevented || event.button !== 0) {
      return;
    }
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return; // a new tab or window: this page stays
    }
    if ((link.target && link.target !== "_self") || link.hasAttribute("download")) {
      return;
    }
    const url = new URL(link.href, window.location.href);
    const here = new URL(window.location.href);
    if (!url.protocol.startsWith("http")) {
      return;
    }
    if (url.hash && url.origin === here.origin && url.pathname === here.pathname && url.search === here.search) {
      return; // a place on this page
    }
    if (!unsaved()) {
      return;
    }
    event.preventDefault();
    ask().then((confirmed) => {
      if (confirmed) {
        leaving = true;
        window.location.assign(url.href);
      }
    });
  });

  window.addEventListener("beforeunload", (event) => {
    if (!leaving && unsaved()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // Back from the browser's page cache: the page is open again, and may be left again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      leaving = false;
      allowed = null;
    }
  });
});
