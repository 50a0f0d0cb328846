/* global window, document */
/**
 * The GOV.UK time-out warning: a modal dialog a few minutes before the idle time-out, with "Stay signed in" (which
 * tells the server the user is still there) and "Sign out". When time runs out the browser goes to the sign-in page;
 * without JavaScript the server's own time-outs do the same on the next request.
 */
const WARN_BEFORE_SECONDS = 120;

export function startTimeoutWarning(dialog) {
  if (!dialog || typeof dialog.showModal !== 'function') return;
  const body = dialog.querySelector('#timeout-dialog-body');
  const template = dialog.dataset.bodyTemplate;
  let deadline = Date.now() + Number(dialog.dataset.idleSeconds) * 1000;
  const absolute = Date.now() + Number(dialog.dataset.absoluteSeconds) * 1000;
  let lastFocus = null;

  const tick = () => {
    const left = Math.min(deadline, absolute) - Date.now();
    if (left <= 0) {
      window.location.href = '/sign-in?expired=1';
      return;
    }
    if (left <= WARN_BEFORE_SECONDS * 1000) {
      if (!dialog.open) {
        lastFocus = document.activeElement;
        dialog.showModal();
      }
      const minutes = Math.max(1, Math.ceil(left / 60000));
      body.textContent = minutes === 1 ? dialog.dataset.bodyOne : template.replace('{minutes}', String(minutes));
    }
    window.setTimeout(tick, 1000);
  };

  dialog.querySelector('[data-timeout-stay]').addEventListener('click', async () => {
    const response = await fetch('/session/extend', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: dialog.dataset.csrf }),
      credentials: 'same-origin',
    });
    if (!response.ok) {
      window.location.href = '/sign-in?expired=1';
      return;
    }
    const status = await response.json();
    deadline = Date.now() + status.idleSeconds * 1000;
    dialog.close();
    if (lastFocus) lastFocus.focus();
  });
  dialog.addEventListener('cancel', (event) => event.preventDefault());
  window.setTimeout(tick, 1000);
}
