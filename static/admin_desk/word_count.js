// Live word counts under headlines, deks and bodies: English in words, Chinese in
// characters, mixed text in both. The same rules as articles/text.py (word_count), which
// renders the first count on the server; this keeps it up to date as the editor types.
"use strict";
(() => {
  const IDEOGRAPH =
    /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u{20000}-\u{2FA1F}\u{30000}-\u{3134F}]/gu;
  const WORD = /[\p{L}\p{N}]+(?:['’.\-][\p{L}\p{N}]+)*/gu;
  // Blocks part words; inline elements do not ("让<b>中国</b>的" is one run of text).
  const BLOCKS =
    "address,article,aside,blockquote,br,caption,dd,details,div,dl,dt,figcaption,figure," +
    "footer,h1,h2,h3,h4,h5,h6,header,hr,li,main,nav,ol,p,pre,section,summary,table,td,th," +
    "tr,ul";

  function textOfHtml(html) {
    // An inert document: nothing in it runs or loads.
    const doc = new DOMParser().parseFromString(html, "text/html");
    for (const hidden of doc.querySelectorAll("script,style,template")) hidden.remove();
    for (const block of doc.body.querySelectorAll(BLOCKS)) {
      block.before(" ");
      block.after(" ");
    }
    return doc.body.textContent;
  }

  function count(text) {
    return {
      characters: (text.match(IDEOGRAPH) || []).length,
      words: (text.replace(IDEOGRAPH, " ").match(WORD) || []).length,
    };
  }

  function update(field) {
    const output = document.querySelector(`[data-count-for="${field.id}"]`);
    if (!output) return;
    const text = field.dataset.wordCount === "html" ? textOfHtml(field.value) : field.value;
    const counted = count(text);
    for (const number of output.querySelectorAll("[data-count]")) {
      number.textContent = counted[number.dataset.count];
    }
  }

  const pending = new Set();
  document.addEventListener("input", (event) => {
    const field = event.target;
    if (!field.dataset || !field.dataset.wordCount) return;
    if (!pending.size) {
      requestAnimationFrame(() => {
        pending.forEach(update);
        pending.clear();
      });
    }
    pending.add(field);
  });
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-word-count]").forEach(update);
  });
})();
