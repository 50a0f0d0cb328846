import {
  Inject,
  Injectable,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_CONFIG, LOGGER, type AppConfig, type Logger } from '@scrutiny/core';
import { JOBS_PROCESSING } from '@scrutiny/jobs';
import { AuditService } from './audit.service';

/**
 * The single chainer: seals new audit events every AUDIT_SEAL_INTERVAL_MS, in the process that runs jobs (the worker
 * in services mode, the API in embedded mode). Appends never wait for it; verify and the audit read route also seal
 * on demand, and the advisory lock in AuditService.seal keeps any two sealers from linking the same events.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(JOBS_PROCESSING) private readonly processing: boolean | null,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.auditSealIntervalMs;
    if (!this.processing || !(every > 0)) return;
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.audit
      .seal()
      .catch((error: unknown) => this.logger.error({ err: error }, 'audit sealing pass failed; the next one retries'))
      .finally(() => (this.running = null));
  }
}
