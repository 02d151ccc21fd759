// Progressive enhancement only: every page works without this file.
// 1. Countdowns tick on the server's clock (offset measured at page load).
// 2. Pages listen to /ui/events and swap their [data-region] parts in place.
(() => {
  'use strict';
  const body = document.body;
  let offset = Date.parse(body.dataset.serverNow || '') - Date.now() || 0;

  const pad = (n) => String(n).padStart(2, '0');
  const remaining = (ms) => {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    return h > 0 ? `${h}:${pad(m)}:${pad(total % 60)}` : `${m}:${pad(total % 60)}`;
  };

  function tick() {
    for (const el of document.querySelectorAll('[data-expires]')) {
      const left = Date.parse(el.dataset.expires) - (Date.now() + offset);
      el.textContent = left <= 0 ? 'expiring now' : `${remaining(left)} left`;
      el.classList.toggle('over', left <= 0);
    }
  }
  tick();
  setInterval(tick, 1000);

  const live = body.dataset.live;
  if (!live || !('EventSource' in window)) return;
  const only = live.startsWith('proposal:') ? live.slice('proposal:'.length) : null;

  async function refresh() {
    const response = await fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } });
    if (!response.ok) return;
    // Parsed, never executed: DOMParser runs no scripts, and the CSP would refuse them anyway.
    const next = new DOMParser().parseFromString(await response.text(), 'text/html');
    offset = Date.parse(next.body.dataset.serverNow || '') - Date.now() || offset;
    for (const region of document.querySelectorAll('[data-region]')) {
      const fresh = next.getElementById(region.id);
      if (!fresh) continue;
      // A half-written reason survives the update, and so does the focus.
      const typed = region.querySelector('textarea');
      const focused = region.contains(document.activeElement) ? document.activeElement.id : null;
      const imported = document.importNode(fresh, true);
      const target = imported.querySelector('textarea');
      if (typed && target && !target.disabled) target.value = typed.value;
      region.replaceWith(imported);
      if (focused) document.getElementById(focused)?.focus();
    }
    tick();
  }

  let timer;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => refresh().catch(() => {}), 150);
  };
  const source = new EventSource('/ui/events');
  let opened = false;
  source.addEventListener('open', () => {
    if (opened) soon(); // reconnected: something may have changed meanwhile
    opened = true;
    body.dataset.liveReady = 'true';
  });
  source.addEventListener('change', (event) => {
    const { id } = JSON.parse(event.data);
    if (!only || id === only) soon();
  });
})();
