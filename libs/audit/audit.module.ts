import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service';
import { AuditSealer } from './audit-sealer';
import { AuditCheckpoints } from './checkpoints';
import { AuditVerifier } from './audit-verifier';

@Global()
@Module({
  providers: [AuditService, AuditSealer, AuditCheckpoints, AuditVerifier],
  exports: [AuditService, AuditCheckpoints, AuditVerifier],
})
export class AuditModule {}
