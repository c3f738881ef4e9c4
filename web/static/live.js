// Live regions. An element with data-live-src (a server-sent events URL)
// makes the page live: on each "change" its [data-live-region] elements are
// refreshed from the page's own address. A region holding the focus waits
// until the focus leaves it, so nobody loses what they are typing.
(() => {
  const root = document.querySelector('[data-live-src]');
  if (!root || !window.EventSource || !window.fetch) return;
  const status = root.querySelector('[data-live-status]');
  let waiting = false;
  const busy = () => [...root.querySelectorAll('[data-live-region]')].some((r) => r.contains(document.activeElement));
  async function refresh() {
    if (busy()) { waiting = true; return; }
    waiting = false;
    const res = await fetch(location.pathname + location.search, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    if (busy()) { waiting = true; return; }
    for (const region of root.querySelectorAll('[data-live-region]')) {
      const fresh = doc.getElementById(region.id);
      if (fresh) region.replaceChildren(...fresh.childNodes);
    }
    if (status) status.textContent = root.dataset.liveUpdated + ' ' + new Date().toLocaleTimeString(document.documentElement.lang);
    root.dispatchEvent(new CustomEvent('otw:live'));
  }
  root.addEventListener('focusout', () => { if (waiting) setTimeout(refresh, 0); });
  let timer;
  new EventSource(root.dataset.liveSrc).addEventListener('change', () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 100);
  });
})();
