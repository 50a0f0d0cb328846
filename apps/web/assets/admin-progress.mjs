/* global document */
// An import's progress page: with JavaScript the bar follows the job by asking the progress endpoint every two
// seconds (the status line is aria-live, so screen readers hear it change); without it, "Refresh progress" reloads.
const POLL_MS = 2000;

function follow(root) {
  const bar = root.querySelector('progress');
  const status = root.querySelector('[role="status"]');
  const refresh = root.querySelector('.app-import-progress__refresh');
  if (refresh) refresh.hidden = true;
  const tick = async () => {
    let body;
    try {
      const res = await fetch(root.dataset.progressUrl, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (!res.ok) throw new Error(String(res.status));
      body = await res.json();
    } catch {
      // A missed answer (or a signed-out session): show the button again and stop asking.
      if (refresh) refresh.hidden = false;
      return;
    }
    if (body.max) {
      bar.max = body.max;
      bar.value = body.value;
      bar.textContent = `${body.percent}%`;
    }
    if (status.textContent !== body.message) status.textContent = body.message;
    status.dataset.status = body.status;
    if (body.done) {
      root.dataset.done = 'true';
      return;
    }
    setTimeout(tick, POLL_MS);
  };
  setTimeout(tick, POLL_MS / 4);
}

for (const root of document.querySelectorAll('[data-module="app-import-progress"]')) {
  if (root.dataset.done !== 'true') follow(root);
}
