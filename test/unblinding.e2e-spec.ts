import { nctTrial, registration } from './support/trial-fixtures';
import { ADMIN_PASSWORD, startTestApp, TestApp, USER_PASSWORD } from './support/test-app';
import { startWebhookReceiver, waitFor, WebhookReceiver } from './support/webhook-receiver';

const trial = nctTrial();
const REASON = 'Severe adverse event: the treating physician must know';

const auditOf = (t: TestApp) => t.database.auditEntries();

/** A trial with a list and participants ELA-001..ELA-003 allocated, ELA-004 registered only. */
async function preparedTrial(t: TestApp) {
  const pharmacist = await t.userWith('pharm', ['pharmacist']);
  const statistician = await t.userWith('stat', ['statistician']);
  await t
    .http()
    .post('/api/randomization-list')
    .set('Authorization', statistician)
    .send({ seed: 'unblinding-e2e-seed-01' })
    .expect(201);
  const limbs: Record<string, string> = {};
  for (let i = 1; i <= 4; i += 1) {
    await t
      .http()
      .post('/api/participants')
      .set('Authorization', pharmacist)
      .send(registration(trial, `SCR-${i}`))
      .expect(201);
    if (i < 4) {
      const allocated = await t
        .http()
        .post(`/api/participants/ELA-00${i}/allocation`)
        .set('Authorization', pharmacist)
        .expect(201);
      limbs[`ELA-00${i}`] = (allocated.body as { cellLimb: string }).cellLimb;
    }
  }
  return { pharmacist, statistician, limbs };
}

describe('Emergency unblinding (end to end)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let tokens: Record<string, string>;
  let limbs: Record<string, string>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await startTestApp({
      NOTIFICATION_WEBHOOK_URL: receiver.url,
      NOTIFICATION_POLL_MS: '50',
      NOTIFICATION_RETRY_BASE_MS: '50',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
    });
    const prepared = await preparedTrial(t);
    limbs = prepared.limbs;
    tokens = {
      admin: await t.login('admin', ADMIN_PASSWORD),
      pharmacist: prepared.pharmacist,
      statistician: prepared.statistician,
      investigator: await t.userWith('inv', ['investigator']),
      monitor: await t.userWith('mon', ['monitor']),
      unblinder: await t.userWith('unb', ['unblinder']),
      unblinder2: await t.userWith('unb2', ['unblinder']),
      clumsy: await t.userWith('clumsy', ['unblinder']),
    };
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const unblind = (token: string, id: string, body: object) =>
    t.http().post(`/api/participants/${id}/unblinding`).set('Authorization', token).send(body);

  it('refuses every role but unblinder with 403, audited as ACCESS_DENIED', async () => {
    for (const role of ['admin', 'pharmacist', 'statistician', 'investigator', 'monitor']) {
      await unblind(tokens[role], 'ELA-001', { reason: REASON, password: USER_PASSWORD }).expect(
        403,
      );
    }
    const denied = (await auditOf(t)).filter(
      (e) => e.action === 'ACCESS_DENIED' && e.participantId === 'ELA-001',
    );
    expect(denied).toHaveLength(5);
  });

  it.each([
    [{ reason: 'too short', password: USER_PASSWORD }, /reason must have at least 10 characters/],
    [{ reason: REASON }, /password/],
    [{ reason: REASON, password: USER_PASSWORD, limb: 'LEFT' }, /property limb should not exist/],
  ])('refuses a bad request %j with 400', async (body, message) => {
    const response = await unblind(tokens.unblinder, 'ELA-001', body).expect(400);
    expect((response.body as { message: string }).message).toMatch(message);
    // A refused unblinding request leaves a trace, whatever refused it.
    expect((await auditOf(t)).pop()).toMatchObject({
      action: 'REQUEST_REJECTED',
      actor: 'unb',
      participantId: 'ELA-001',
      details: { route: 'POST /api/participants/:id/unblinding' },
    });
  });

  it('refuses a wrong password with 401, audits SIGNATURE_FAILED, and throttles', async () => {
    for (let i = 0; i < 3; i += 1) {
      await unblind(tokens.clumsy, 'ELA-001', {
        reason: REASON,
        password: `wrong-password-${i}`,
      }).expect(401);
    }
    const throttled = await unblind(tokens.clumsy, 'ELA-001', {
      reason: REASON,
      password: USER_PASSWORD,
    }).expect(429);
    // In an emergency the message must say how long to wait, and that someone else can act.
    expect((throttled.body as { message: string }).message).toMatch(
      /wait \d+ (second|minute)s? before signing again\. Another unblinder can act now/,
    );
    const failures = (await auditOf(t)).filter(
      (e) => e.action === 'SIGNATURE_FAILED' && e.actor === 'clumsy',
    );
    expect(failures).toHaveLength(4);
    const participant = await t
      .http()
      .get('/api/participants/ELA-001')
      .set('Authorization', tokens.monitor)
      .expect(200);
    expect(participant.body).toMatchObject({ seal: { unblinded: false } });
  });

  it('answers 404 for an unknown participant and 409 for one not allocated', async () => {
    await unblind(tokens.unblinder, 'ELA-999', { reason: REASON, password: USER_PASSWORD }).expect(
      404,
    );
    await unblind(tokens.unblinder, 'ELA-004', { reason: REASON, password: USER_PASSWORD }).expect(
      409,
    );
  });

  it('unblinds one participant with the signature recorded, and notifies without the limb', async () => {
    const response = await unblind(tokens.unblinder, 'ELA-001', {
      reason: REASON,
      password: USER_PASSWORD,
    }).expect(200);
    expect(response.body).toMatchObject({
      participantId: 'ELA-001',
      cellLimb: limbs['ELA-001'],
      salineLimb: limbs['ELA-001'] === 'LEFT' ? 'RIGHT' : 'LEFT',
      unblindedBy: 'unb',
      reason: REASON,
    });
    const entry = (await auditOf(t)).filter((e) => e.action === 'UNBLINDED').pop();
    expect(entry).toMatchObject({
      actor: 'unb',
      participantId: 'ELA-001',
      reason: REASON,
      details: { signature: { signer: 'unb', meaning: 'emergency unblinding' } },
    });
    await waitFor(() => receiver.received.length === 1);
    expect(receiver.received[0].body).toMatchObject({
      event: 'EMERGENCY_UNBLINDING',
      trial: 'NCT02286011',
      participantId: 'ELA-001',
      unblindedBy: 'unb',
      reason: REASON,
    });
    expect(JSON.stringify(receiver.received[0].body)).not.toMatch(/LEFT|RIGHT/);
    await waitFor(async () => (await auditOf(t)).some((e) => e.action === 'NOTIFICATION_SENT'));
    // The log names the receiver's origin only: a webhook path or query may hold a secret.
    const sent = (await auditOf(t)).find((e) => e.action === 'NOTIFICATION_SENT');
    expect(sent?.details.recipient).toBe(new URL(receiver.url).origin);
    expect(JSON.stringify(await auditOf(t))).not.toContain('/notify');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('shows every role that the seal is broken, by whom and why, but never the limb', async () => {
    for (const role of [
      'admin',
      'pharmacist',
      'statistician',
      'investigator',
      'monitor',
      'unblinder',
    ]) {
      const response = await t
        .http()
        .get('/api/participants/ELA-001')
        .set('Authorization', tokens[role])
        .expect(200);
      expect(response.body).toMatchObject({
        status: 'UNBLINDED',
        seal: { unblinded: true, by: 'unb', reason: REASON },
      });
      expect(JSON.stringify(response.body)).not.toMatch(/LEFT|RIGHT/);
    }
    const other = await t
      .http()
      .get('/api/participants/ELA-002')
      .set('Authorization', tokens.monitor)
      .expect(200);
    expect(other.body).toMatchObject({
      seal: { unblinded: false, at: null, by: null, reason: null },
    });
    const trialStatus = await t
      .http()
      .get('/api/trial')
      .set('Authorization', tokens.monitor)
      .expect(200);
    expect(trialStatus.body).toMatchObject({ unblinded: 1 });
  });

  it('answers a repeated call the same and audits it again', async () => {
    const first = (await auditOf(t)).filter((e) => e.action === 'UNBLINDED').length;
    const again = await unblind(tokens.unblinder2, 'ELA-001', {
      reason: 'Second look by another unblinder',
      password: USER_PASSWORD,
    }).expect(200);
    expect(again.body).toMatchObject({
      participantId: 'ELA-001',
      cellLimb: limbs['ELA-001'],
      unblindedBy: 'unb',
      reason: REASON,
    });
    expect((await auditOf(t)).filter((e) => e.action === 'UNBLINDED')).toHaveLength(first + 1);
  });

  it('refuses a self-review, takes a review by a second person once, and lists the state', async () => {
    const review = (token: string, body: object) =>
      t
        .http()
        .post('/api/participants/ELA-001/unblinding/review')
        .set('Authorization', token)
        .send(body);
    const pending = await t
      .http()
      .get('/api/unblindings')
      .set('Authorization', tokens.monitor)
      .expect(200);
    expect(pending.body).toEqual([
      expect.objectContaining({
        participantId: 'ELA-001',
        reviewState: 'PENDING',
        notification: 'DELIVERED',
      }),
    ]);
    expect(JSON.stringify(pending.body)).not.toMatch(/LEFT|RIGHT/);

    await review(tokens.unblinder, {
      decision: 'ACKNOWLEDGED',
      comment: 'fine',
      password: USER_PASSWORD,
    }).expect(403);
    await review(tokens.monitor, {
      decision: 'ACKNOWLEDGED',
      comment: 'fine',
      password: USER_PASSWORD,
    }).expect(403);
    await review(tokens.admin, {
      decision: 'MAYBE',
      comment: 'fine',
      password: ADMIN_PASSWORD,
    }).expect(400);
    await review(tokens.admin, {
      decision: 'ACKNOWLEDGED',
      comment: 'fine',
      password: 'wrong-admin-password',
    }).expect(401);
    const done = await review(tokens.admin, {
      decision: 'CONCERNS_RAISED',
      comment: 'Reason thin; follow up',
      password: ADMIN_PASSWORD,
    }).expect(201);
    expect(done.body).toMatchObject({
      participantId: 'ELA-001',
      decision: 'CONCERNS_RAISED',
      reviewedBy: 'admin',
    });
    await review(tokens.unblinder2, {
      decision: 'ACKNOWLEDGED',
      comment: 'late',
      password: USER_PASSWORD,
    }).expect(409);
    await t
      .http()
      .post('/api/participants/ELA-002/unblinding/review')
      .set('Authorization', tokens.admin)
      .send({ decision: 'ACKNOWLEDGED', comment: 'x', password: ADMIN_PASSWORD })
      .expect(409);

    const listed = await t
      .http()
      .get('/api/unblindings')
      .set('Authorization', tokens.unblinder)
      .expect(200);
    expect(listed.body).toEqual([expect.objectContaining({ reviewState: 'CONCERNS_RAISED' })]);
    await t.http().get('/api/unblindings').set('Authorization', tokens.pharmacist).expect(403);
  });

  it('keeps a blinding register of who was exposed to which allocation, without limbs', async () => {
    await t
      .http()
      .get('/api/participants/ELA-002/allocation')
      .set('Authorization', tokens.pharmacist)
      .expect(200);
    const response = await t
      .http()
      .get('/api/blinding-register')
      .set('Authorization', tokens.monitor)
      .expect(200);
    const body = response.body as {
      participants: { participantId: string; exposures: { username: string; how: string }[] }[];
    };
    const one = body.participants.find((p) => p.participantId === 'ELA-001');
    expect(one?.exposures.map((e) => [e.username, e.how])).toEqual([
      ['pharm', 'ALLOCATED'],
      ['unb', 'UNBLINDED'],
      ['unb2', 'UNBLINDED'],
    ]);
    const two = body.participants.find((p) => p.participantId === 'ELA-002');
    expect(two?.exposures.map((e) => e.how)).toEqual(['ALLOCATED', 'ALLOCATION_VIEWED']);
    expect(JSON.stringify(body)).not.toMatch(/LEFT|RIGHT/);
    await t.http().get('/api/blinding-register').set('Authorization', tokens.unblinder).expect(403);
  });

  it('keeps signatures usable when someone fails sign-ins under the unblinder’s name', async () => {
    const steady = await t.userWith('steady', ['unblinder']);
    for (let i = 0; i < 3; i += 1) {
      await t
        .http()
        .post('/api/auth/login')
        .send({ username: 'steady', password: `guess-${i}-guess` })
        .expect(401);
    }
    await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'steady', password: USER_PASSWORD })
      .expect(429);
    await unblind(steady, 'ELA-003', { reason: REASON, password: USER_PASSWORD }).expect(200);
  });

  it('never writes a limb into the audit log or a notice', async () => {
    expect(JSON.stringify(await auditOf(t))).not.toMatch(/LEFT|RIGHT/);
  });
});

describe('Unblinding notifications (end to end)', () => {
  it('retries a failed delivery with backoff until it succeeds, and audits the delivery', async () => {
    const receiver = await startWebhookReceiver();
    receiver.failNext(500, 503);
    const t = await startTestApp({
      NOTIFICATION_WEBHOOK_URL: receiver.url,
      NOTIFICATION_POLL_MS: '20',
      NOTIFICATION_RETRY_BASE_MS: '20',
    });
    try {
      await preparedTrial(t);
      const unblinder = await t.userWith('unb', ['unblinder']);
      await t
        .http()
        .post('/api/participants/ELA-002/unblinding')
        .set('Authorization', unblinder)
        .send({ reason: REASON, password: USER_PASSWORD })
        .expect(200);
      await waitFor(() => receiver.received.length === 1);
      await waitFor(async () => (await auditOf(t)).some((e) => e.action === 'NOTIFICATION_SENT'));
      expect(
        (await auditOf(t)).find((e) => e.action === 'NOTIFICATION_SENT')?.details,
      ).toMatchObject({
        attempts: 3,
      });
    } finally {
      await t.close();
      await receiver.close();
    }
  });

  it('records a final failure after the last attempt', async () => {
    const receiver = await startWebhookReceiver();
    receiver.failNext(500, 500, 500);
    const t = await startTestApp({
      NOTIFICATION_WEBHOOK_URL: receiver.url,
      NOTIFICATION_POLL_MS: '20',
      NOTIFICATION_RETRY_BASE_MS: '20',
      NOTIFICATION_MAX_ATTEMPTS: '3',
    });
    try {
      await preparedTrial(t);
      const unblinder = await t.userWith('unb', ['unblinder']);
      await t
        .http()
        .post('/api/participants/ELA-001/unblinding')
        .set('Authorization', unblinder)
        .send({ reason: REASON, password: USER_PASSWORD })
        .expect(200);
      // Each failed attempt is audited; the last one says it was final.
      await waitFor(async () =>
        (await auditOf(t)).some(
          (e) => e.action === 'NOTIFICATION_FAILED' && e.details.final === true,
        ),
      );
      expect(
        (await auditOf(t))
          .filter((e) => e.action === 'NOTIFICATION_FAILED')
          .map((e) => e.details.attempts),
      ).toEqual([1, 2, 3]);
      expect(receiver.received).toHaveLength(0);
      const listed = await t
        .http()
        .get('/api/unblindings')
        .set('Authorization', await t.login('admin', ADMIN_PASSWORD))
        .expect(200);
      expect(listed.body).toEqual([expect.objectContaining({ notification: 'FAILED' })]);
    } finally {
      await t.close();
      await receiver.close();
    }
  });

  it('loses no notice across a restart: a queued notice is delivered by the next server', async () => {
    const receiver = await startWebhookReceiver();
    // The first server never polls within the test; the notice stays in the outbox.
    const t = await startTestApp({
      NOTIFICATION_WEBHOOK_URL: receiver.url,
      NOTIFICATION_POLL_MS: '3600000',
    });
    const env = { ...t.config };
    try {
      await preparedTrial(t);
      const unblinder = await t.userWith('unb', ['unblinder']);
      await t
        .http()
        .post('/api/participants/ELA-003/unblinding')
        .set('Authorization', unblinder)
        .send({ reason: REASON, password: USER_PASSWORD })
        .expect(200);
      await t.app.close();
      expect(receiver.received).toHaveLength(0);
      const { createApp } = await import('../src/app.factory');
      const restarted = await createApp({
        ...env,
        notifications: { ...env.notifications, pollIntervalMs: 20 },
      });
      try {
        await waitFor(() => receiver.received.length === 1);
        expect(receiver.received[0].body).toMatchObject({ participantId: 'ELA-003' });
      } finally {
        await restarted.close();
      }
    } finally {
      await t.close().catch(() => undefined);
      await receiver.close();
    }
  });
});
