import { z } from 'zod';
import { defineJob } from '../job-definition';
import { backoffDelay, prepareEnqueue } from './validate-enqueue';

const Job = defineJob('maintenance', 'example', 2, z.object({ sampleId: z.string().uuid() }));

describe('prepareEnqueue', () => {
  it('wraps the payload with its contract version and gives it an id', () => {
    const { id, envelope } = prepareEnqueue(Job, { sampleId: '6f1c1a39-3c47-4f8e-9d55-3f2b9f4d1c11' }, {});
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(envelope).toEqual({ v: 2, data: { sampleId: '6f1c1a39-3c47-4f8e-9d55-3f2b9f4d1c11' } });
  });

  it('keeps a caller-chosen id (idempotent enqueue) and refuses unsafe ones', () => {
    expect(
      prepareEnqueue(Job, { sampleId: '6f1c1a39-3c47-4f8e-9d55-3f2b9f4d1c11' }, { jobId: 'draw.plan-1.2024-05' }).id,
    ).toBe('draw.plan-1.2024-05');
    expect(() => prepareEnqueue(Job, { sampleId: '6f1c1a39-3c47-4f8e-9d55-3f2b9f4d1c11' }, { jobId: 'a:b' })).toThrow(
      /jobId/,
    );
  });

  it('names the bad payload field', () => {
    expect(() => prepareEnqueue(Job, { sampleId: 'nope' }, {})).toThrow(/payload\.sampleId/);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base after each failed attempt', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(1000, a))).toEqual([1000, 2000, 4000, 8000]);
  });
});
