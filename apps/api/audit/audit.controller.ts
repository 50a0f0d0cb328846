import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditService, AuditVerifier } from '@scrutiny/audit';
import { Authorize, CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { AuditPageResponse, AuditQuery, AuditVerifyResponse } from './audit.dto';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly verifier: AuditVerifier,
  ) {}

  @Get()
  @Authorize(Permission.AUDIT_READ)
  @ApiOperation({ summary: 'Audit events, newest first, with filters and cursor paging' })
  @ApiOkResponse({ type: AuditPageResponse })
  list(@CurrentActor() actor: Actor, @Query() q: AuditQuery): Promise<AuditPageResponse> {
    return this.audit.list(actor, {
      actorId: q.actorId,
      action: q.action,
      targetType: q.targetType,
      targetId: q.targetId,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      beforeSeq: q.cursor ? Number(q.cursor) : undefined,
      limit: q.limit,
    });
  }

  @Get('verify')
  @Authorize(Permission.AUDIT_READ)
  @ApiOperation({
    summary:
      'Recompute the hash chain, hold it against the signed checkpoints kept outside the database, and report the first event altered, a removed tail, or a bad checkpoint',
  })
  @ApiOkResponse({ type: AuditVerifyResponse })
  verify(): Promise<AuditVerifyResponse> {
    return this.verifier.verify();
  }
}
