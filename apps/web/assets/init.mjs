/* global document */
// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/govuk-frontend.min.js';
import { initAll as initMoj } from '/assets/moj/moj-frontend.min.js';
import { startTimeoutWarning } from '/assets/web/timeout.mjs';

initAll();
initMoj();
startTimeoutWarning(document.getElementById('timeout-dialog'));
