import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Authorize, CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { EmailOutbox, OUTBOX_STATUSES, type OutboxEntryView } from '@scrutiny/notifications';

class OutboxQuery {
  @ApiPropertyOptional({ enum: OUTBOX_STATUSES })
  @IsOptional()
  @IsIn(OUTBOX_STATUSES)
  status?: string;

  @ApiPropertyOptional({ default: 200, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

class OutboxEntryResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) userId: string | null;
  @ApiProperty() toAddress: string;
  @ApiProperty() template: string;
  @ApiProperty() subject: string;
  @ApiProperty({ description: 'The one link the email carries' }) link: string;
  @ApiProperty() textBody: string;
  @ApiProperty({ description: 'Sent with an iCalendar invitation, update or cancellation' }) hasCalendar: boolean;
  @ApiProperty({ enum: ['immediate', 'digest'] }) delivery: string;
  @ApiProperty({ enum: OUTBOX_STATUSES }) status: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ format: 'date-time' }) nextAttemptAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) sentAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

class OutboxListResponse {
  @ApiProperty({ type: [OutboxEntryResponse] }) items: OutboxEntryResponse[];
  @ApiProperty({ description: 'How many emails have that status in all' }) total: number;
}

@ApiTags('admin')
@Controller('email-outbox')
export class OutboxController {
  constructor(private readonly outbox: EmailOutbox) {}

  @Get()
  @Authorize(Permission.USERS_MANAGE)
  @ApiOkResponse({ type: OutboxListResponse })
  @ApiOperation({
    summary: 'The email outbox, newest first',
    description:
      'Without SMTP_URL (embedded mode) emails are held here instead of sent; with it, failed emails (attempts used up) show here with their last error. { items, total }',
  })
  list(@Query() q: OutboxQuery): Promise<{ items: OutboxEntryView[]; total: number }> {
    return this.outbox.list(q);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @Authorize(Permission.USERS_MANAGE)
  @ApiOkResponse({ type: OutboxEntryResponse })
  @ApiOperation({
    summary: 'Send a failed email again',
    description: 'Back in the queue with its attempts reset (audited). Only a failed email: any other answers 409.',
  })
  retry(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<OutboxEntryView> {
    return this.outbox.retry(id, actor);
  }
}
