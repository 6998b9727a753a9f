import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ErrorCode } from '../common/domain-errors';
import {
  ALLOCATION_OUTCOMES,
  AllocationOutcome,
  LOGIN_FAILURE_REASONS,
  LoginFailureReason,
  refusalLabels,
} from './metric-labels';

/** The service's state read from the database at each scrape (operational-state.reader.ts). */
export interface OperationalState {
  /** Notices neither delivered nor given up, and the age of the oldest of them (0: none). */
  outboxPending: number;
  outboxOldestPendingSeconds: number;
  auditEntries: number;
  /** Undefined without a head journal (an in-memory database): the checkpoint metrics are absent. */
  checkpoint?: { ageSeconds: number; entriesAfter: number };
}

/**
 * Allocation takes milliseconds; the buckets reach 10 s so that a database waiting on another
 * process's write lock (busy timeout) still shows where it lands.
 */
export const ALLOCATION_BUCKETS_SECONDS = [
  0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * The metrics of one app instance, in a registry of its own: the tests start several apps in one
 * process, and prom-client's global registry would mix them (or refuse the second registration).
 * prom-client's default metrics are not collected: collectDefaultMetrics starts a GC observer
 * and an event loop monitor per call that are never stopped, so each app would leak them; the
 * two process figures an operator needs are collected here instead, on scrape.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly startedAt = Date.now();
  /** The checkpoint gauges join the registry at the first scrape that has a journal to read. */
  private checkpointRegistered = false;

  private readonly allocationSeconds = new Histogram({
    name: 'trial_allocation_duration_seconds',
    help: 'Time to answer an allocation request, by outcome (allocated, refused, error)',
    labelNames: ['outcome'] as const,
    buckets: ALLOCATION_BUCKETS_SECONDS,
    registers: [this.registry],
  });

  private readonly refusals = new Counter({
    name: 'trial_refusals_total',
    help: 'Requests answered with an error body, by kind (conflict, forbidden...) and code',
    labelNames: ['kind', 'code'] as const,
    registers: [this.registry],
  });

  private readonly loginFailures = new Counter({
    name: 'trial_login_failures_total',
    help: 'Failed sign-ins, by reason (wrong_credentials, account_disabled, throttled)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  private readonly outboxPending = new Gauge({
    name: 'trial_notification_outbox_pending',
    help: 'Notices in the outbox neither delivered nor given up',
    registers: [this.registry],
  });

  private readonly outboxOldestPending = new Gauge({
    name: 'trial_notification_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest pending notice in the outbox (0 when none is pending)',
    registers: [this.registry],
  });

  private readonly auditEntries = new Gauge({
    name: 'trial_audit_entries',
    help: 'Entries in the chained audit log',
    registers: [this.registry],
  });

  private readonly checkpointAge = new Gauge({
    name: 'trial_audit_checkpoint_age_seconds',
    help: 'Age of the last signed checkpoint of the head journal (absent without a journal)',
    registers: [],
  });

  private readonly entriesAfterCheckpoint = new Gauge({
    name: 'trial_audit_entries_after_checkpoint',
    help: 'Audit entries not yet covered by the last signed checkpoint (absent without a journal)',
    registers: [],
  });

  constructor() {
    new Gauge({
      name: 'process_resident_memory_bytes',
      help: 'Resident memory size in bytes',
      registers: [this.registry],
      collect() {
        this.set(process.memoryUsage.rss());
      },
    });
    new Gauge({
      name: 'process_start_time_seconds',
      help: 'Start time of the app since the Unix epoch, in seconds',
      registers: [this.registry],
    }).set(Math.floor(this.startedAt / 1000));
    // Known label values start at zero, so that rate() and increase() see the first event.
    for (const outcome of ALLOCATION_OUTCOMES) this.allocationSeconds.zero({ outcome });
    for (const reason of LOGIN_FAILURE_REASONS) this.loginFailures.labels({ reason }).inc(0);
  }

  observeAllocation(outcome: AllocationOutcome, seconds: number): void {
    this.allocationSeconds.observe({ outcome }, seconds);
  }

  countRefusal(statusCode: number, code: ErrorCode): void {
    this.refusals.inc(refusalLabels(statusCode, code));
  }

  countLoginFailure(reason: LoginFailureReason): void {
    this.loginFailures.inc({ reason });
  }

  /** The text exposition format, with the gauges set from `state` read just before. */
  async render(state: OperationalState): Promise<string> {
    this.outboxPending.set(state.outboxPending);
    this.outboxOldestPending.set(state.outboxOldestPendingSeconds);
    this.auditEntries.set(state.auditEntries);
    if (state.checkpoint) {
      if (!this.checkpointRegistered) {
        this.registry.registerMetric(this.checkpointAge);
        this.registry.registerMetric(this.entriesAfterCheckpoint);
        this.checkpointRegistered = true;
      }
      this.checkpointAge.set(state.checkpoint.ageSeconds);
      this.entriesAfterCheckpoint.set(state.checkpoint.entriesAfter);
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
