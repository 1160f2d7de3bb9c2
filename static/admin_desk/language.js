// The admin's language switcher submits itself when a language is picked (no inline
// handler: the Content-Security-Policy allows scripts from our own files only).
// The script is deferred, so the form is parsed when it runs; a language picked while the
// script was still loading is honoured at once (the select has autocomplete="off", so a value
// the browser restores on Back is not taken for a choice).
"use strict";
(() => {
  const select = document.getElementById("desk-language-select");
  if (!select) {
    return;
  }
  const submit = () => select.form.submit();
  select.addEventListener("change", submit);
  const loaded = Array.from(select.options).find((option) => option.defaultSelected);
  if (loaded && !loaded.selected) {
    submit();
  }
})();
