import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, auditKeyId, LOGGER, parseSigningKey, type AppConfig, type Logger } from '@scrutiny/core';
import { canonicalJson } from './canonical-json';
import { sealedChainHead, type ChainHead } from './chain-head';

/** One signed checkpoint: the chain up to `seq` ended in `hash` at time `at`. One JSON line in the checkpoint file. */
export interface Checkpoint {
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  signature: string;
}

/** What is signed: a labelled, canonical encoding, so a signature over anything else can never pass for one. */
function checkpointMessage(c: { seq: number; hash: string; at: string }): Buffer {
  return Buffer.from(`scrutiny-audit-checkpoint/v1\n${canonicalJson({ seq: c.seq, hash: c.hash, at: c.at })}`);
}

export function signCheckpoint(key: KeyObject, head: ChainHead, at: Date): Checkpoint {
  const body = { seq: head.seq, hash: head.hash, at: at.toISOString() };
  return { ...body, keyId: auditKeyId(key), signature: sign(null, checkpointMessage(body), key).toString('base64') };
}

/** Null when the checkpoint is signed by one of `keys` (by key id); otherwise why not. */
export function checkpointSignatureProblem(c: Checkpoint, keys: ReadonlyMap<string, KeyObject>): string | null {
  const key = keys.get(c.keyId);
  if (!key) return `signed by key ${c.keyId}, which is not a known key (AUDIT_SIGNING_KEY or AUDIT_VERIFY_KEYS)`;
  const ok = verify(null, checkpointMessage(c), key, Buffer.from(c.signature, 'base64'));
  return ok ? null : 'the signature does not verify: the line was altered, or not signed with this key';
}

function asCheckpoint(value: unknown): Checkpoint | null {
  if (typeof value !== 'object' || value === null) return null;
  const c = value as Record<string, unknown>;
  const valid =
    Number.isSafeInteger(c.seq) &&
    (c.seq as number) > 0 &&
    typeof c.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(c.hash) &&
    typeof c.at === 'string' &&
    !Number.isNaN(Date.parse(c.at)) &&
    typeof c.keyId === 'string' &&
    typeof c.signature === 'string';
  return valid
    ? {
        seq: c.seq as number,
        hash: c.hash as string,
        at: c.at as string,
        keyId: c.keyId as string,
        signature: c.signature as string,
      }
    : null;
}

export interface CheckpointFileEntry {
  line: number;
  checkpoint: Checkpoint;
}

/**
 * Reads a checkpoint file (JSON lines; the structured log's `auditCheckpoint` objects, one a line, read the same).
 * Lines that are not checkpoints are problems, not skipped silently: a damaged file must show.
 */
export async function readCheckpointFile(
  file: string,
): Promise<{ entries: CheckpointFileEntry[]; problems: { line: number; message: string }[]; missing: boolean }> {
  const entries: CheckpointFileEntry[] = [];
  const problems: { line: number; message: string }[] = [];
  if (!fs.existsSync(file)) return { entries, problems, missing: true };
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (!text.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      problems.push({ line: n, message: 'not JSON' });
      continue;
    }
    const inner = (parsed as { auditCheckpoint?: unknown } | null)?.auditCheckpoint ?? parsed;
    const checkpoint = asCheckpoint(inner);
    if (checkpoint) entries.push({ line: n, checkpoint });
    else problems.push({ line: n, message: 'not a checkpoint (seq, hash, at, keyId, signature)' });
  }
  return { entries, problems, missing: false };
}

/** The last checkpoint in a file, read from its end (the file only grows). */
function lastCheckpointIn(file: string): Checkpoint | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, 8192);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n').filter(Boolean);
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        const c = asCheckpoint(JSON.parse(lines[i]));
        if (c) return c;
      } catch {
        // a partial first line of the tail, or a damaged line: verify reports it; keep looking
      }
    }
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/** Embedded mode only: a key kept in DATA_DIR, made on first start (so a demo has checkpoints with no setup). */
function dataDirKey(dataDir: string): KeyObject {
  const file = path.join(dataDir, 'audit-signing-key.pem');
  if (!fs.existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  }
  return parseSigningKey(fs.readFileSync(file, 'utf8'));
}

/**
 * Signs the sealed chain head every `every` events or `intervalMs` (whichever first) with a key the database never
 * holds, and writes the checkpoint outside the database: a line appended to the checkpoint file and a structured log
 * line. A database owner who rewrites or truncates the chain cannot make it match the checkpoints again.
 */
@Injectable()
export class AuditCheckpoints implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private key: KeyObject | null = null;
  private file: string | null = null;
  private lastSeq = 0;
  private lastAt = Date.now();
  private sealedSince = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<unknown> = Promise.resolve();
  private initialised = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.init();
    if (this.config.env === 'production' && this.config.database.kind === 'postgres') await this.warnIfOwner();
  }

  /** The checkpoints catch a rewrite; the restricted role stops the application's own connection making one. */
  private async warnIfOwner(): Promise<void> {
    const [row] = (await this.dataSource.query(
      `SELECT current_user AS role,
              has_table_privilege('audit_events', 'DELETE') OR has_table_privilege('audit_events', 'TRUNCATE')
              OR has_column_privilege('audit_events', 'action', 'UPDATE') AS can_rewrite`,
    )) as { role: string; can_rewrite: boolean }[];
    if (row?.can_rewrite) {
      this.logger.warn(
        { role: row.role },
        `The application connects as ${row.role}, which may change or delete audit events: the audit trail's protection needs the restricted application role (run \`npm run cli -- setup --app-role scrutiny_app\` with the owner's URL, then set DATABASE_URL to the role it prints and MIGRATION_DATABASE_URL to the owner's)`,
      );
    }
  }

  private init(): void {
    if (this.initialised) return;
    this.initialised = true;
    const { auditCheckpoints: settings, database } = this.config;
    const realDataDir = database.kind === 'embedded' && !database.dataDir.includes('://') ? database.dataDir : null;
    this.key = settings.signingKey ?? (realDataDir ? dataDirKey(realDataDir) : null);
    this.file = settings.file ?? (realDataDir ? path.join(realDataDir, 'audit-checkpoints.jsonl') : null);
    if (!this.key) {
      this.logger.warn(
        'Audit checkpoints are off: AUDIT_SIGNING_KEY is not set, so nothing outside the database vouches for the audit trail (make a key with `npm run cli -- audit:keygen`)',
      );
      return;
    }
    if (realDataDir && !settings.signingKey) {
      this.logger.info(
        { keyFile: path.join(realDataDir, 'audit-signing-key.pem') },
        'Audit checkpoints signed with a key kept in DATA_DIR beside the database: enough for a demo, no protection against whoever holds DATA_DIR',
      );
    }
    if (this.file) this.lastSeq = lastCheckpointIn(this.file)?.seq ?? 0;
    else this.logger.warn('AUDIT_CHECKPOINT_FILE is not set: audit checkpoints go to the log only');
    if (settings.intervalMs > 0) {
      this.timer = setInterval(() => void this.checkpointNow(), settings.intervalMs);
      this.timer.unref();
    }
  }

  /** The keys checkpoints may be signed with, by key id: the signing key's public half and AUDIT_VERIFY_KEYS. */
  verificationKeys(): Map<string, KeyObject> {
    this.init();
    const keys = new Map<string, KeyObject>();
    for (const key of this.config.auditCheckpoints.verifyKeys) keys.set(auditKeyId(key), key);
    if (this.key) keys.set(auditKeyId(this.key), createPublicKey(this.key));
    return keys;
  }

  checkpointFile(): string | null {
    this.init();
    return this.file;
  }

  /**
   * Called once events are sealed and committed, up to `head`. Checkpoints when `every` events have been sealed, or
   * `intervalMs` has passed, since the last checkpoint. Never throws, never waits.
   */
  noteSealed(head: ChainHead, count: number): void {
    if (!this.key) return;
    this.sealedSince += count;
    const { every, intervalMs } = this.config.auditCheckpoints;
    const due = this.sealedSince >= every || (intervalMs > 0 && Date.now() - this.lastAt >= intervalMs);
    if (due) void this.enqueue(async () => this.write(head));
  }

  /** Checkpoints the committed sealed head now, if it moved since the last checkpoint. */
  checkpointNow(): Promise<Checkpoint | null> {
    return this.enqueue(async () => {
      if (!this.key || !this.dataSource.isInitialized) return null;
      const head = await sealedChainHead(this.dataSource);
      return head ? this.write(head) : null;
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T | null> {
    const run = this.writing.then(task).catch((error: unknown) => {
      this.logger.error({ err: error }, 'audit checkpoint failed');
      return null;
    });
    this.writing = run;
    return run;
  }

  private write(head: ChainHead): Checkpoint | null {
    if (!this.key || head.seq <= this.lastSeq) return null;
    const checkpoint = signCheckpoint(this.key, head, new Date());
    if (this.file) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.appendFileSync(this.file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
    }
    // The log line is the second copy, for a log store the database owner does not control.
    this.logger.info({ auditCheckpoint: checkpoint }, 'audit checkpoint');
    this.lastSeq = head.seq;
    this.lastAt = Date.now();
    this.sealedSince = 0;
    return checkpoint;
  }

  /** A last checkpoint of what this process leaves sealed, while the database is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checkpointNow();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
