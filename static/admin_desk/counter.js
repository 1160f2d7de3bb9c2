// Counts the characters of a field with length guidance (search engine title and description)
// as the editor types: a Chinese character is one, as an emoji is. The words come from the
// field's data-desk-counter-text, written by the server in the editor's language.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll("[data-desk-counter]")) {
    const length = Number(field.dataset.deskCounter);
    const counter = document.createElement("div");
    counter.className = "help desk-counter";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    const update = () => {
      const count = [...field.value].length;
      counter.textContent = field.dataset.deskCounterText.replace("{count}", count);
      counter.classList.toggle("desk-counter-over", count > length);
    };
    field.addEventListener("input", update);
    update();
  }
});
