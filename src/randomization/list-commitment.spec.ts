import { join } from 'node:path';
import { canonicalJson } from '../crypto/canonical-json';
import { sha256Hex } from '../crypto/hashing';
import { loadTrialFile } from '../config/trial-file.loader';
import { commitmentDocument, listCommitment, newCommitmentNonce } from './list-commitment';
import { generateList } from './list-generator';

const nct = loadTrialFile(join(__dirname, '..', '..', 'config', 'trials', 'nct02286011.json'));
const NONCE = `${'00'.repeat(31)}01`;
const BLOCKS = nct.randomization;

describe(listCommitment.name, () => {
  const list = generateList(nct, 'NCT02286011-golden-1');

  it('is this golden value for the golden NCT02286011 list and nonce 00…01', () => {
    expect(listCommitment('NCT02286011', list, NONCE, BLOCKS)).toBe(
      '43b5c895f1ae6461677d0669e85629b0ee55b77eea3b72f3429d843f1bf5d19d',
    );
  });

  it('hashes exactly the documented text: canonical JSON of protocolId, nonce and the slots', () => {
    const text = canonicalJson(commitmentDocument('NCT02286011', list, NONCE, BLOCKS));
    expect(text.startsWith(`{"nonce":"${NONCE}","protocolId":"NCT02286011","slots":[`)).toBe(true);
    expect(text).toContain('{"slot":1,"stratum":"all","target":"RIGHT"},');
    expect(listCommitment('NCT02286011', list, NONCE, BLOCKS)).toBe(sha256Hex(text));
  });

  it('commits to the slots only: extra fields such as participant ids do not change it', () => {
    const allocated = list.map((s, i) => ({
      ...s,
      participantId: i < 3 ? `ELA-00${i + 1}` : null,
    }));
    expect(listCommitment('NCT02286011', allocated, NONCE, BLOCKS)).toBe(
      listCommitment('NCT02286011', list, NONCE, BLOCKS),
    );
  });

  it('changes when one slot, the order, the nonce or the protocol changes', () => {
    const base = listCommitment('NCT02286011', list, NONCE, BLOCKS);
    const flipped = list.map((s, i) =>
      i === 7 ? { ...s, target: s.target === 'LEFT' ? 'RIGHT' : 'LEFT' } : s,
    );
    expect(listCommitment('NCT02286011', flipped, NONCE, BLOCKS)).not.toBe(base);
    expect(listCommitment('NCT02286011', [...list].reverse(), NONCE, BLOCKS)).not.toBe(base);
    expect(listCommitment('NCT02286011', list, `${'00'.repeat(31)}02`, BLOCKS)).not.toBe(base);
    expect(listCommitment('NCT02286012', list, NONCE, BLOCKS)).not.toBe(base);
  });

  it('refuses a nonce that is not 32 bytes of lowercase hex', () => {
    expect(() => listCommitment('NCT02286011', list, 'abc', BLOCKS)).toThrow(/64 lowercase hex/);
    expect(() => listCommitment('NCT02286011', list, 'AB'.repeat(32), BLOCKS)).toThrow();
  });

  it('draws fresh 32-byte nonces', () => {
    const nonce = newCommitmentNonce();
    expect(nonce).toMatch(/^[0-9a-f]{64}$/);
    expect(newCommitmentNonce()).not.toBe(nonce);
  });

  it("binds Efron's p and the big stick's b, and leaves permuted blocks' document as it was", () => {
    const efron = { method: 'efron-biased-coin' as const, p: 2 / 3 };
    const text = canonicalJson(commitmentDocument('NCT02286011', list, NONCE, efron));
    expect(
      text.startsWith('{"design":{"method":"efron-biased-coin","p":0.6666666666666666},"nonce":'),
    ).toBe(true);
    const stick = canonicalJson(
      commitmentDocument('NCT02286011', list, NONCE, { method: 'big-stick', maxImbalance: 3 }),
    );
    expect(stick.startsWith('{"design":{"maxImbalance":3,"method":"big-stick"},"nonce":')).toBe(
      true,
    );
    const base = listCommitment('NCT02286011', list, NONCE, efron);
    expect(listCommitment('NCT02286011', list, NONCE, { ...efron, p: 0.7 })).not.toBe(base);
    expect(
      listCommitment('NCT02286011', list, NONCE, { method: 'big-stick', maxImbalance: 2 }),
    ).not.toBe(
      listCommitment('NCT02286011', list, NONCE, { method: 'big-stick', maxImbalance: 3 }),
    );
    expect(
      canonicalJson(commitmentDocument('NCT02286011', list, NONCE, BLOCKS)).startsWith('{"nonce":'),
    ).toBe(true);
    expect(listCommitment('NCT02286011', list, NONCE, { method: 'simple' })).toBe(
      listCommitment('NCT02286011', list, NONCE, BLOCKS),
    );
    expect(() => listCommitment('NCT02286011', list, NONCE, { method: 'big-stick' })).toThrow(
      'The design has no maxImbalance to commit to',
    );
  });
});
