import { MetricsService, OperationalState } from './metrics.service';

const STATE: OperationalState = {
  outboxPending: 2,
  outboxOldestPendingSeconds: 42.5,
  auditEntries: 17,
};

describe(MetricsService.name, () => {
  it('keeps each instance’s metrics in its own registry', async () => {
    const one = new MetricsService();
    const two = new MetricsService();
    one.countLoginFailure('wrong_credentials');
    expect(await one.render(STATE)).toContain(
      'trial_login_failures_total{reason="wrong_credentials"} 1',
    );
    expect(await two.render(STATE)).toContain(
      'trial_login_failures_total{reason="wrong_credentials"} 0',
    );
  });

  it('writes the gauges from the state read at the scrape', async () => {
    const text = await new MetricsService().render(STATE);
    expect(text).toContain('trial_notification_outbox_pending 2');
    expect(text).toContain('trial_notification_outbox_oldest_pending_age_seconds 42.5');
    expect(text).toContain('trial_audit_entries 17');
  });

  it('leaves the checkpoint metrics out without a journal, and adds them once there is one', async () => {
    const metrics = new MetricsService();
    expect(await metrics.render(STATE)).not.toContain('trial_audit_checkpoint_age_seconds');
    const text = await metrics.render({
      ...STATE,
      checkpoint: { ageSeconds: 12, entriesAfter: 3 },
    });
    expect(text).toContain('trial_audit_checkpoint_age_seconds 12');
    expect(text).toContain('trial_audit_entries_after_checkpoint 3');
    expect(
      await metrics.render({
        ...STATE,
        checkpoint: { ageSeconds: Number.POSITIVE_INFINITY, entriesAfter: 0 },
      }),
    ).toContain('trial_audit_checkpoint_age_seconds +Inf');
  });

  it('counts refusals by kind and code, and allocations by outcome into the histogram', async () => {
    const metrics = new MetricsService();
    metrics.countRefusal(409, 'LIST_EXHAUSTED');
    metrics.countRefusal(409, 'LIST_EXHAUSTED');
    metrics.countRefusal(500, 'INTERNAL_ERROR');
    metrics.observeAllocation('allocated', 0.003);
    const text = await metrics.render(STATE);
    expect(text).toContain('trial_refusals_total{kind="conflict",code="LIST_EXHAUSTED"} 2');
    expect(text).toContain('trial_refusals_total{kind="internal",code="INTERNAL_ERROR"} 1');
    expect(text).toContain(
      'trial_allocation_duration_seconds_bucket{le="0.002",outcome="allocated"} 0',
    );
    expect(text).toContain(
      'trial_allocation_duration_seconds_bucket{le="0.005",outcome="allocated"} 1',
    );
    expect(text).toContain('trial_allocation_duration_seconds_count{outcome="refused"} 0');
  });
});
