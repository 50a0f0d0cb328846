/** Sends the browser elsewhere (a 303): a page that needs a session when there is none, say. */
export class WebRedirect extends Error {
  constructor(readonly to: string) {
    super(`redirect to ${to}`);
    this.name = 'WebRedirect';
  }
}

/** A form post without the session's CSRF token: refused with a 403 page, nothing done. */
export class CsrfRefused extends Error {
  constructor() {
    super('The form was not sent from this service (no valid CSRF token)');
    this.name = 'CsrfRefused';
  }
}
