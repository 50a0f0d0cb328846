import { Controller, Get, ServiceUnavailableException, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '@scrutiny/auth';
import { DomainError } from '@scrutiny/core';
import { ReadinessIndicators } from './readiness.indicators';

@ApiTags('health')
@Public()
@SkipThrottle()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: ReadinessIndicators,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP (public)' })
  @ApiOkResponse({ description: 'Alive' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: database reachable and migrated, job queue reachable (public)' })
  @ApiOkResponse({
    description:
      'Ready to take traffic: `status` is `ok`, or `degraded` (still 200, so a load balancer keeps the API in) with `reason` when jobs wait and no worker has sent a heartbeat lately (services mode)',
  })
  @ApiServiceUnavailableResponse({ description: 'Not ready; `checks` says which dependency failed' })
  async ready(): Promise<
    HealthCheckResult | (Omit<HealthCheckResult, 'status'> & { status: 'degraded'; reason: string })
  > {
    try {
      const result = await this.health.check([
        () => this.indicators.database(),
        () => this.indicators.migrations(),
        () => this.indicators.queue(),
      ]);
      const queue = result.details.queue as { degraded?: boolean; message?: string } | undefined;
      return queue?.degraded
        ? { ...result, status: 'degraded', reason: queue.message ?? 'the job queue is stalled' }
        : result;
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        throw new DomainError('SERVICE_UNAVAILABLE', 'A dependency is not ready', {
          extensions: { checks: error.getResponse() },
        });
      }
      throw error;
    }
  }
}
