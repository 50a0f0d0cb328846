/* global document, window */
// The report pack's progress, for those with JavaScript: asks for the status every 2 s and says when it is ready in
// the page's live region. It never reloads the page by itself; the "Check progress" button shows the downloads.
export function watchPackProgress(region) {
  if (!region || region.dataset.done === 'yes') return;
  let tries = 0;
  const check = async () => {
    tries += 1;
    try {
      const res = await fetch(region.dataset.packStatus, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (res.ok) {
        const { status } = await res.json();
        if (status === 'ready' || status === 'failed') {
          region.textContent = status === 'ready' ? region.dataset.readyText : region.dataset.failedText;
          region.dataset.done = 'yes';
          return;
        }
      }
    } catch {
      // The button still works: stop quietly.
    }
    if (tries < 150) setTimeout(check, 2000);
  };
  setTimeout(check, 2000);
}

if (typeof window !== 'undefined') watchPackProgress(document.querySelector('[data-pack-status]'));
