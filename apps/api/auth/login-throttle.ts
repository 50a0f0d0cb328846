import { rateLimits } from '@scrutiny/http';

/**
 * The tighter per-client limit on sign-in and refresh. @Throttle is fixed when the class is decorated, so the
 * limit is resolved per request from the configured value (set when the HTTP module is built).
 */
export function loginThrottle(): { limit: () => number; ttl: number } {
  return { limit: () => rateLimits.loginPerMinute, ttl: 60_000 };
}
