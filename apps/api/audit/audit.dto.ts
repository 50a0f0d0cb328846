import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { AUDIT_COUNT_CAP } from '@scrutiny/audit';

export class AuditQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() actorId?: string;
  @ApiPropertyOptional({ description: 'An action or a prefix of one: `auth.login` matches `auth.login.failed`' })
  @IsOptional()
  @Matches(/^[a-z_]+(\.[a-z_]+)*$/, { message: 'action must be dotted lower-case words' })
  action?: string;
  @ApiPropertyOptional({ example: 'user' }) @IsOptional() @IsString() @MaxLength(64) targetType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) targetId?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'From (inclusive)' })
  @IsOptional()
  @IsDateString()
  from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'To (exclusive)' })
  @IsOptional()
  @IsDateString()
  to?: string;
  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'cursor must be a number from a previous page' })
  cursor?: string;
  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class AuditEventResponse {
  @ApiProperty() seq: number;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty() actor: { id: string | null; username: string | null; roles: string[] };
  @ApiProperty({ example: 'auth.login.succeeded' }) action: string;
  @ApiProperty({ nullable: true }) target: { type: string; id: string } | null;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ nullable: true, type: Object }) before: unknown;
  @ApiProperty({ nullable: true, type: Object }) after: unknown;
  @ApiProperty({ nullable: true, type: Object }) details: unknown;
  @ApiProperty({ nullable: true, type: String, description: 'Null until the event is sealed into the chain' })
  hash: string | null;
  @ApiProperty({ nullable: true, type: String }) prevHash: string | null;
}

export class AuditPageResponse {
  @ApiProperty({ type: [AuditEventResponse] }) items: AuditEventResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: `Events matching the filters: on the first page only (null after a cursor) and counted no further than ${AUDIT_COUNT_CAP}`,
  })
  total: number | null;
  @ApiProperty({ description: `true: more than total (${AUDIT_COUNT_CAP}) events match` }) totalCapped: boolean;
}

export class AuditTruncation {
  @ApiProperty({ description: 'The last event the chain still has' }) lastSeq: number;
  @ApiProperty({ description: 'The seq the last signed checkpoint covers' }) checkpointSeq: number;
  @ApiProperty({ format: 'date-time' }) checkpointAt: string;
  @ApiProperty({ example: 'the last 10 events (seq 91–100) were removed: …' }) message: string;
}

export class AuditCheckpointProblem {
  @ApiProperty({ description: 'Line of the checkpoint file' }) line: number;
  @ApiProperty({ nullable: true, type: Number }) seq: number | null;
  @ApiProperty() message: string;
}

export class AuditCheckpointSummary {
  @ApiProperty({ nullable: true, type: String, description: 'The checkpoint file read; null: none configured' })
  file: string | null;
  @ApiProperty({ description: 'Checkpoints whose Ed25519 signature verified' }) signed: number;
  @ApiProperty({ description: 'Signed checkpoints the chain matched (seq and hash)' }) matched: number;
  @ApiProperty({ nullable: true, type: Number }) lastSeq: number | null;
  @ApiProperty({ type: [AuditCheckpointProblem], description: 'Unreadable lines and bad or unknown signatures' })
  problems: AuditCheckpointProblem[];
  @ApiProperty({ nullable: true, type: String }) note: string | null;
}

export class AuditVerifyResponse {
  @ApiProperty({
    description: 'Chain intact, matching every signed checkpoint, not shorter than them, and every checkpoint sound',
  })
  verified: boolean;
  @ApiProperty({ description: 'Events checked before the first break (all of them when verified)' }) checked: number;
  @ApiProperty() lastSeq: number;
  @ApiProperty({
    nullable: true,
    description: 'The first event that does not fit the chain or its signed checkpoint, and why',
  })
  firstBreak: { seq: number; id: string; reason: string } | null;
  @ApiProperty({
    nullable: true,
    type: AuditTruncation,
    description: 'The chain ends before the last signed checkpoint',
  })
  truncated: AuditTruncation | null;
  @ApiProperty({ type: AuditCheckpointSummary }) checkpoints: AuditCheckpointSummary;
}
