import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEvent } from './audit-event.entity';
import { AuditService } from './audit.service';
import { sealedChainHead } from './chain-head';
import { eventHash, GENESIS_HASH, type ChainBreak, type ChainedFields } from './audit-chain';
import { AuditCheckpoints, checkpointSignatureProblem, readCheckpointFile, type Checkpoint } from './checkpoints';

export interface CheckpointProblem {
  line: number;
  seq: number | null;
  message: string;
}

export interface AuditVerification {
  /** True only when the chain is intact, matches every signed checkpoint, is not shorter than them, and every checkpoint line is sound. */
  verified: boolean;
  /** Sealed events checked before the first break (all of them when the chain is intact). */
  checked: number;
  /** The last sealed event checked. */
  lastSeq: number;
  /** The first event that does not fit the chain or its signed checkpoint, and why. */
  firstBreak: ChainBreak | null;
  /** The chain ends before the last signed checkpoint: its tail was removed. */
  truncated: { lastSeq: number; checkpointSeq: number; checkpointAt: string; message: string } | null;
  checkpoints: {
    /** The checkpoint file read; null: none configured, so the chain was checked only against itself. */
    file: string | null;
    /** Checkpoints whose signature verified. */
    signed: number;
    /** Signed checkpoints the chain matched (seq and hash). */
    matched: number;
    /** The highest signed checkpoint's seq. */
    lastSeq: number | null;
    problems: CheckpointProblem[];
    note: string | null;
  };
}

const VERIFY_BATCH = 2000;
/** How long verify waits for open transactions before sealing what it can. */
const SEAL_WAIT_MS = 2000;

/**
 * Recomputes the hash chain of the sealed events and holds it against the signed checkpoints kept outside the
 * database. The hash chain alone shows an edit that was not followed through; the checkpoints show one that was
 * (the chain recomputed from the edit on), and a removed tail.
 */
@Injectable()
export class AuditVerifier {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly checkpoints: AuditCheckpoints,
  ) {}

  /** `checkpointFile` overrides the configured one (e.g. a copy from the log store). */
  async verify(options: { checkpointFile?: string } = {}): Promise<AuditVerification> {
    const file = options.checkpointFile ?? this.checkpoints.checkpointFile();
    // Seal what has committed, so the walk covers it; events still unsealed after that are past the head.
    await this.audit.seal({ waitMs: SEAL_WAIT_MS });
    const headSeq = (await sealedChainHead(this.dataSource))?.seq ?? 0;
    const { expected, summary } = await this.loadCheckpoints(file);
    const pending = [...expected.keys()].sort((a, b) => a - b);
    let next = 0; // index into pending: the next checkpoint the walk must reach
    let matched = 0;
    let lastMatched: number | null = null;
    const repo = this.dataSource.getRepository(AuditEvent);
    let previous = { seq: 0, hash: GENESIS_HASH };
    let checked = 0;
    const result = (firstBreak: ChainBreak | null, truncated: AuditVerification['truncated']): AuditVerification => ({
      verified: !firstBreak && !truncated && summary.problems.length === 0,
      checked,
      lastSeq: previous.seq,
      firstBreak,
      truncated,
      checkpoints: { ...summary, matched },
    });
    const sinceMatched = () =>
      lastMatched === null
        ? ''
        : ` (it matched the signed checkpoint at seq=${lastMatched}, so the change lies after that)`;
    for (;;) {
      const batch = await repo
        .createQueryBuilder('e')
        .where('e.seq > :after AND e.seq <= :head', { after: previous.seq, head: headSeq })
        .orderBy('e.seq', 'ASC')
        .take(VERIFY_BATCH)
        .getMany();
      for (const event of batch) {
        // The sealer never passes a seq that can still commit: an unsealed event below the head was put there later.
        if (event.hash === null) {
          return result(
            {
              seq: event.seq,
              id: event.id,
              reason: 'unsealed event inside the sealed chain (written after its place in the chain was sealed)',
            },
            null,
          );
        }
        const hash = event.hash;
        // A checkpoint names a sealed event: walking past its seq without meeting it means that event is gone.
        if (next < pending.length && pending[next] < event.seq) {
          const c = expected.get(pending[next])![0];
          return result(
            {
              seq: event.seq,
              id: event.id,
              reason: `event seq=${c.seq}, which the signed checkpoint of ${c.at} covers, is missing (events removed)${sinceMatched()}`,
            },
            null,
          );
        }
        if (event.prevHash !== previous.hash) {
          return result(
            {
              seq: event.seq,
              id: event.id,
              reason:
                'prev_hash does not match the previous event (chain re-linked, or an event before it removed or altered)',
            },
            null,
          );
        }
        if (eventHash(event as ChainedFields) !== hash) {
          return result(
            { seq: event.seq, id: event.id, reason: 'hash does not match the event content (event altered)' },
            null,
          );
        }
        if (next < pending.length && pending[next] === event.seq) {
          for (const c of expected.get(event.seq)!) {
            if (c.hash !== hash) {
              return result(
                {
                  seq: event.seq,
                  id: event.id,
                  reason: `event seq=${event.seq} does not match the signed checkpoint of ${c.at} (signed hash ${c.hash.slice(0, 12)}…, chain has ${hash.slice(0, 12)}…): the chain was rewritten at or before this event and recomputed${sinceMatched()}`,
                },
                null,
              );
            }
          }
          matched++;
          lastMatched = event.seq;
          next++;
        }
        checked++;
        previous = { seq: event.seq, hash };
      }
      if (batch.length < VERIFY_BATCH) break;
    }
    if (next < pending.length) {
      const lastSeq = pending[pending.length - 1];
      const c = expected.get(lastSeq)![0];
      const removed = lastSeq - previous.seq;
      return result(null, {
        lastSeq: previous.seq,
        checkpointSeq: lastSeq,
        checkpointAt: c.at,
        message: `the last ${removed === 1 ? 'event' : `${removed} events`} (seq ${previous.seq + 1}–${lastSeq}) ${removed === 1 ? 'was' : 'were'} removed: the chain ends at seq=${previous.seq}, but the signed checkpoint of ${c.at} covers seq=${lastSeq}`,
      });
    }
    return result(null, null);
  }

  private async loadCheckpoints(file: string | null): Promise<{
    expected: Map<number, Checkpoint[]>;
    summary: Omit<AuditVerification['checkpoints'], 'matched'>;
  }> {
    const expected = new Map<number, Checkpoint[]>();
    if (!file) {
      return {
        expected,
        summary: {
          file: null,
          signed: 0,
          lastSeq: null,
          problems: [],
          note: 'No checkpoint file: the chain was checked only against itself, which a database owner can recompute',
        },
      };
    }
    const read = await readCheckpointFile(file);
    const problems: CheckpointProblem[] = read.problems.map((p) => ({ ...p, seq: null }));
    const keys = this.checkpoints.verificationKeys();
    let signed = 0;
    for (const { line, checkpoint } of read.entries) {
      const problem = checkpointSignatureProblem(checkpoint, keys);
      if (problem) {
        problems.push({ line, seq: checkpoint.seq, message: problem });
        continue;
      }
      signed++;
      expected.set(checkpoint.seq, [...(expected.get(checkpoint.seq) ?? []), checkpoint]);
    }
    const seqs = [...expected.keys()];
    return {
      expected,
      summary: {
        file,
        signed,
        lastSeq: seqs.length ? Math.max(...seqs) : null,
        problems,
        note: read.missing ? 'The checkpoint file does not exist yet: no checkpoint has been written' : null,
      },
    };
  }
}

/** The verdict in lines for a terminal (the CLI), the first line the summary. */
export function describeVerification(v: AuditVerification): string[] {
  const lines: string[] = [];
  if (v.firstBreak) {
    lines.push(`Audit trail BROKEN at event seq=${v.firstBreak.seq} id=${v.firstBreak.id}: ${v.firstBreak.reason}`);
  } else if (v.truncated) {
    lines.push(`Audit trail TRUNCATED: ${v.truncated.message}`);
  } else if (v.verified) {
    lines.push(
      `Audit trail verified: ${v.checked} events, chain intact` +
        (v.checkpoints.signed
          ? `, matching ${v.checkpoints.matched} signed checkpoint(s) up to seq=${v.checkpoints.lastSeq}.`
          : '.'),
    );
  } else {
    lines.push(`Audit trail NOT VERIFIED: the checkpoint file has problems (chain of ${v.checked} events intact).`);
  }
  for (const p of v.checkpoints.problems) {
    lines.push(`  checkpoint file ${v.checkpoints.file} line ${p.line}${p.seq ? ` (seq=${p.seq})` : ''}: ${p.message}`);
  }
  if (v.checkpoints.note) lines.push(`  ${v.checkpoints.note}.`);
  return lines;
}
