/** Injection token for the root pino logger. */
export const LOGGER = Symbol('LOGGER');
