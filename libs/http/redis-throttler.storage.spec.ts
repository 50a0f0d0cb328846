import { RedisThrottlerStorage } from './redis-throttler.storage';

describe('RedisThrottlerStorage', () => {
  it('fails open (and reports) when Redis cannot be reached, rather than failing every request', async () => {
    const errors: unknown[] = [];
    const storage = new RedisThrottlerStorage('redis://127.0.0.1:1', 'test', (e) => errors.push(e));
    try {
      const record = await storage.increment('k', 60_000, 5, 60_000, 'default');
      expect(record).toMatchObject({ isBlocked: false, totalHits: 0 });
      expect(errors.length).toBe(1);
    } finally {
      await storage.onModuleDestroy();
    }
  });

  const withRedis = process.env.REDIS_URL ? it : it.skip;
  withRedis('counts hits in a fixed window and blocks past the limit', async () => {
    const storage = new RedisThrottlerStorage(process.env.REDIS_URL!, `test-${Date.now()}`);
    try {
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await storage.increment('ip-1', 60_000, 3, 60_000, 'default'));
      expect(results.map((r) => [r.totalHits, r.isBlocked])).toEqual([
        [1, false],
        [2, false],
        [3, false],
        [4, true],
      ]);
      expect(results[3].timeToBlockExpire).toBeGreaterThan(0);
    } finally {
      await storage.onModuleDestroy();
    }
  });
});
