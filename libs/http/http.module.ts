import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { AppConfig, Logger } from '@scrutiny/core';
import { ProblemDetailsFilter } from './problem-details.filter';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { DataAsOfInterceptor } from './data-as-of.interceptor';

/** Limits that decorators resolve per request (decorators cannot reach the injected configuration). */
export const rateLimits = { loginPerMinute: 10 };

/** Cross-cutting HTTP behaviour registered once: the problem+json filter, the rate limiter and X-Data-As-Of. */
@Module({})
export class HttpPlumbingModule {
  static forRoot(config: AppConfig, logger?: Logger): DynamicModule {
    rateLimits.loginPerMinute = config.auth.loginRateLimitPerMinute;
    let warned = 0;
    const onError = (error: unknown) => {
      if (Date.now() - warned < 60_000) return;
      warned = Date.now();
      logger?.warn(
        { err: { message: error instanceof Error ? error.message : String(error) } },
        'rate limiting is off: Redis is unreachable',
      );
    };
    const storage =
      config.jobs.kind === 'bullmq'
        ? new RedisThrottlerStorage(config.jobs.redisUrl, config.jobs.prefix, onError)
        : undefined;
    return {
      module: HttpPlumbingModule,
      imports: [
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: 60_000, limit: config.http.rateLimitPerMinute }],
          ...(storage ? { storage } : {}),
        }),
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_INTERCEPTOR, useClass: DataAsOfInterceptor },
      ],
    };
  }
}
