import type { OnModuleDestroy } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { hits, redis.call('PTTL', KEYS[1]) }`;

/**
 * Fixed-window rate-limit counters in Redis, so every API replica counts against the same limit. Used when
 * REDIS_URL is set; embedded mode (one process) keeps the throttler's in-memory store.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly onError?: (error: unknown) => void,
  ) {
    // Commands wait for the connection at start-up, but never longer than a second: then the request goes on unlimited.
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 1000, enableOfflineQueue: true });
    this.redis.on('error', () => undefined); // reported per failed call, not once per reconnect attempt
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    let hits: number;
    let pttl: number;
    try {
      [hits, pttl] = (await this.redis.eval(INCREMENT, 1, `${this.prefix}:throttle:${throttlerName}:${key}`, ttl)) as [
        number,
        number,
      ];
    } catch (error) {
      // Without Redis, limits cannot be counted across replicas. Failing open keeps the API usable (readiness
      // reports the queue's Redis as down); failing closed would turn every request into an error.
      this.onError?.(error);
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
    const timeToExpire = Math.max(1, Math.ceil(pttl / 1000));
    const isBlocked = hits > limit;
    return { totalHits: hits, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }
}
