// Live updates for the pages that show work in progress. Every page works without this file; with it, an
// element marked data-live="topic …" is fetched again whenever the console's event stream names one of its
// topics, so a decision's outcome, a running task or a new ticket appear without a reload.
"use strict";
(function () {
  const followed = () => Array.from(document.querySelectorAll("[data-live][id]"));
  if (!window.EventSource || followed().length === 0) return;
  let fetching = false;
  let pending = new Set();

  async function refresh() {
    if (fetching) return;
    fetching = true;
    const ids = pending;
    pending = new Set();
    try {
      const response = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (response.ok && !response.redirected) {
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        for (const id of ids) {
          const current = document.getElementById(id);
          const fresh = page.getElementById(id);
          // Unchanged parts stay as they are: what the person is reading or typing is left alone.
          if (current && fresh && current.outerHTML !== fresh.outerHTML) current.replaceWith(document.adoptNode(fresh));
        }
        document.dispatchEvent(new CustomEvent("kinexus:updated", { detail: Array.from(ids) }));
      }
    } finally {
      fetching = false;
      if (pending.size > 0) refresh();
    }
  }

  const events = new EventSource("/console/events");
  // What changed between the page's rendering and the stream's (re)connection was never announced to it.
  events.onopen = () => {
    for (const element of followed()) pending.add(element.id);
    refresh();
  };
  events.onmessage = (message) => {
    let topics;
    try { topics = JSON.parse(message.data); } catch { return; }
    for (const element of followed()) {
      const wanted = element.dataset.live.split(" ");
      if (topics.some((topic) => wanted.includes(topic))) pending.add(element.id);
    }
    if (pending.size > 0) refresh();
  };
})();
