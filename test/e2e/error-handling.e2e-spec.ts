import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Matches, Max, Min, ValidateNested } from 'class-validator';
import request from 'supertest';
import pino from 'pino';
import { CoreModule, DomainError } from '@scrutiny/core';
import { configureHttp, HttpPlumbingModule } from '@scrutiny/http';
import { testConfig } from '../setup/test-app';

class Window {
  @IsInt() @Min(1) @Max(12) month: number;
}
class DrawRequest {
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'period must be YYYY-MM' }) period: string;
  @IsIn(['stop-search', 'use-of-force']) kind: string;
  @ValidateNested() @Type(() => Window) window: Window;
}

@Controller('probe')
class ProbeController {
  @Get('boom')
  boom(): never {
    throw new Error('secret connection string postgres://admin:hunter2@db');
  }
  @Get('domain')
  domain(): never {
    throw new DomainError('VERSION_CONFLICT', 'Sample 42 was changed by someone else', {
      extensions: { currentVersion: 3 },
    });
  }
  @Post('draw')
  draw(@Body() body: DrawRequest): DrawRequest {
    return body;
  }
}

/** The real HTTP plumbing (filter, pipes, rate limiter) around a controller that misbehaves on purpose. */
describe('error handling (e2e)', () => {
  let app: NestExpressApplication;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const config = testConfig({ RATE_LIMIT_PER_MINUTE: '5' });
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    @Module({
      imports: [CoreModule.forRoot(config, logger), HttpPlumbingModule.forRoot(config)],
      controllers: [ProbeController],
    })
    class ProbeModule {}
    app = await NestFactory.create<NestExpressApplication>(ProbeModule, { bodyParser: false, logger: false });
    configureHttp(app, config, logger);
    await app.init();
  });
  afterAll(() => app.close());

  it('answers an unhandled exception with a 500 that reveals nothing, and logs it under the request id', async () => {
    const res = await request(app.getHttpServer()).get('/api/v1/probe/boom').expect(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: 'urn:scrutiny:problem:internal',
      title: 'Internal error',
      status: 500,
      detail: 'An unexpected error occurred',
      code: 'INTERNAL',
      errors: [],
      requestId: res.headers['x-request-id'],
    });
    expect(res.text).not.toContain('hunter2');
    const logged = lines.find((l) => l.msg === 'unhandled error' && l.requestId === res.body.requestId);
    expect(JSON.stringify(logged)).toContain('hunter2');
  });

  it('maps a DomainError code to its status and keeps its extension members', async () => {
    const res = await request(app.getHttpServer()).get('/api/v1/probe/domain').expect(409);
    expect(res.body).toMatchObject({
      code: 'VERSION_CONFLICT',
      detail: 'Sample 42 was changed by someone else',
      currentVersion: 3,
    });
  });

  it('names every bad field, nested ones by their path, and refuses unknown fields', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/v1/probe/draw')
      .send({ period: '2024-13', kind: 'vehicle', window: { month: 0 }, extra: 1 })
      .expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['extra', 'kind', 'period', 'window.month']);
    expect(res.body.errors.find((e: { field: string }) => e.field === 'period').message).toBe('period must be YYYY-MM');
  });

  it('converts and accepts a valid body', async () => {
    const body = { period: '2024-01', kind: 'stop-search', window: { month: 1 } };
    const res = await request(app.getHttpServer()).post('/api/v1/probe/draw').send(body).expect(201);
    expect(res.body).toEqual(body);
  });

  it('rate-limits with a 429 problem and Retry-After', async () => {
    let last: request.Response | undefined;
    for (let i = 0; i < 8; i++) last = await request(app.getHttpServer()).get('/api/v1/probe/domain');
    expect(last!.status).toBe(429);
    expect(last!.body.code).toBe('RATE_LIMITED');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
  });
});
