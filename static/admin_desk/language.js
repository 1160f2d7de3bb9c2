// The admin's language switcher submits itself when a language is picked (no inline
// handler: the Content-Security-Policy allows scripts from our own files only).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("desk-language-select");
  if (select) {
    select.addEventListener("change", () => select.form.submit());
  }
});
