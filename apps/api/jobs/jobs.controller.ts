import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Authorize, Permission } from '@scrutiny/auth';
import { FailedJobsService, type JobFailureStatus, type JobFailureView } from '@scrutiny/jobs';

class FailedJobsQuery {
  @ApiPropertyOptional({ enum: ['failed', 'retried', 'discarded'], default: 'failed' })
  @IsOptional()
  @IsIn(['failed', 'retried', 'discarded'])
  status?: JobFailureStatus;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

@ApiTags('jobs')
@Controller('jobs/failed')
export class JobsController {
  constructor(private readonly failed: FailedJobsService) {}

  @Get()
  @Authorize(Permission.JOBS_MANAGE)
  @ApiOperation({
    summary: 'Dead letters: jobs that used up their attempts, failed permanently or were interrupted',
    description: '{ items, total }: the newest `limit` of them, and how many have that status in all',
  })
  list(@Query() q: FailedJobsQuery): Promise<{ items: JobFailureView[]; total: number }> {
    return this.failed.page({ status: q.status ?? 'failed', limit: q.limit });
  }

  @Post(':id/retry')
  @HttpCode(202)
  @Authorize(Permission.JOBS_MANAGE)
  @ApiOperation({ summary: 'Send a dead letter back to its queue with fresh attempts' })
  retry(@Param('id') id: string): Promise<{ jobId: string }> {
    return this.failed.retry(id);
  }

  @Post(':id/discard')
  @HttpCode(204)
  @Authorize(Permission.JOBS_MANAGE)
  @ApiOperation({ summary: 'Mark a dead letter as dealt with, without running it' })
  discard(@Param('id') id: string): Promise<void> {
    return this.failed.discard(id);
  }
}
