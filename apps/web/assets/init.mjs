/* global document, MutationObserver */
// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/govuk-frontend.min.js';
import { initAll as initMoj } from '/assets/moj/moj-frontend.min.js';
import { startTimeoutWarning } from '/assets/web/timeout.mjs';
import '/assets/web/admin-progress.mjs';
import '/assets/web/pack-progress.mjs';

initAll();
// GOV.UK Frontend marks a radio that reveals more questions with aria-expanded, which ARIA does not allow on a radio
// (axe: aria-allowed-attr). The revealed questions stay tied to the radio by aria-controls.
for (const radio of document.querySelectorAll('.govuk-radios__input[aria-controls]')) {
  radio.removeAttribute('aria-expanded');
  new MutationObserver(() => radio.hasAttribute('aria-expanded') && radio.removeAttribute('aria-expanded')).observe(
    radio,
    { attributes: true, attributeFilter: ['aria-expanded'] },
  );
}
initMoj();
startTimeoutWarning(document.getElementById('timeout-dialog'));
