// Who else has this story open: a heartbeat to the admin every few seconds (admin's
// ArticleAdmin.presence_view), the names it answers shown above the form, and a goodbye when
// the page goes away, so the others stop seeing this editor at once.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("desk-presence");
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (!box || !token) {
    return;
  }
  const list = box.querySelector("ul");
  // A name for this opening of the page, sent with each heartbeat and with the goodbye: a
  // heartbeat still on its way as the tab closes may reach the server after the goodbye, and
  // is then known as this page's and ignored.
  const newPage = () => Array.from(crypto.getRandomValues(new Uint32Array(2)), (n) => n.toString(36)).join("");
  let page = newPage();

  function payload(action) {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", token.value);
    data.append("page", page);
    if (action) {
      data.append("action", action);
    }
    return data;
  }

  function show(others) {
    list.replaceChildren(
      ...others.map((line) => {
        const item = document.createElement("li");
        item.textContent = line;
        return item;
      }),
    );
    box.hidden = others.length === 0;
  }

  async function beat() {
    try {
      const response = await fetch(box.dataset.url, {
        method: "POST",
        body: payload(),
        credentials: "same-origin",
      });
      if (response.ok) {
        show((await response.json()).others);
      }
    } catch (error) {
      // Offline for a moment: the next heartbeat tries again.
    }
  }

  beat();
  window.setInterval(beat, Number(box.dataset.heartbeat) * 1000);
  window.addEventListener("pagehide", () => navigator.sendBeacon(box.dataset.url, payload("leave")));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      beat(); // a tab in the background beats slowly: bring the list up to date at once
    }
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      page = newPage(); // back from the browser's page cache: present again, as a new opening
      beat();
    }
  });
});
