import { createHash } from 'node:crypto';
import {
  AuditFields,
  auditEntryHash,
  ChainedAuditEntry,
  verifyChain,
} from '../src/audit/audit-chain';
import { canonicalJson } from '../src/crypto/canonical-json';
import { buildChain, MILLION } from './support/audit-fixture';
import { BenchResult, fmt, fmtInt, nowMs, progress, runStandalone } from './support/report';

/** The bytes auditEntryHash hashes: prevHash + canonical JSON of the hashed fields. */
function hashedText(entry: ChainedAuditEntry): string {
  const fields: AuditFields = {
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    roles: entry.roles,
    action: entry.action,
    participantId: entry.participantId,
    outcome: entry.outcome,
    reason: entry.reason,
    details: entry.details,
    ip: entry.ip,
    requestId: entry.requestId,
  };
  return entry.prevHash + canonicalJson(fields);
}

/** Plain SHA-256 over precomputed bytes, each digest compared with the stored hash. */
function hashAll(texts: readonly string[], entries: readonly ChainedAuditEntry[]): number {
  let mismatches = 0;
  for (let i = 0; i < texts.length; i += 1) {
    if (createHash('sha256').update(texts[i]).digest('hex') !== entries[i].hash) mismatches += 1;
  }
  return mismatches;
}

/**
 * Verifying 1,000,000 chained entries with the app's verifier (seq, prevHash link, canonical JSON,
 * SHA-256), against SHA-256 alone over the same bytes, prepared in advance.
 */
export async function auditVerifyBench(count = MILLION): Promise<BenchResult[]> {
  progress(`audit verification: building ${fmtInt(count)} chained entries`);
  const entries = buildChain(count);
  const texts = entries.map(hashedText);
  if (auditEntryHash(entries[0].prevHash, entries[0]) !== entries[0].hash) {
    throw new Error('the baseline does not hash the same bytes as the chain');
  }
  await new Promise((resolve) => setImmediate(resolve));

  // Warm both paths up so that neither pays the JIT alone.
  verifyChain(entries.slice(0, 20_000));
  hashAll(texts.slice(0, 20_000), entries);

  progress('audit verification: plain SHA-256 baseline');
  let started = nowMs();
  const mismatches = hashAll(texts, entries);
  const baselineMs = nowMs() - started;
  if (mismatches !== 0) throw new Error(`${mismatches} baseline digests differ from the chain`);

  progress('audit verification: verifyChain');
  started = nowMs();
  const verdict = verifyChain(entries);
  const verifyMs = nowMs() - started;
  if (!verdict.valid || verdict.entries !== count) {
    throw new Error(`the synthetic chain does not verify: ${JSON.stringify(verdict)}`);
  }

  const rate = (ms: number) => count / (ms / 1000);
  const ratio = baselineMs / verifyMs;
  return [
    {
      what: `Audit verification, ${fmtInt(count)} entries (verifyChain)`,
      figure: `${fmtInt(rate(verifyMs))} entries/s (${fmt(verifyMs / 1000)} s)`,
      baseline: `${fmtInt(rate(baselineMs))} entries/s (${fmt(baselineMs / 1000)} s), SHA-256 only`,
      ratio,
      target: 'ratio ≥ 0.5',
      pass: ratio >= 0.5,
    },
  ];
}

if (require.main === module) runStandalone('audit verification', () => auditVerifyBench());
