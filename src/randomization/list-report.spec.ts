import { join } from 'node:path';
import { CsvRecordSplitter } from '../audit/csv-records';
import { unescapeCsvFormula } from '../audit/audit-export-format';
import { loadTrialFile } from '../config/trial-file.loader';
import { TrialDefinition } from '../config/trial-definition';
import { generateList } from './list-generator';
import {
  escapeHtml,
  LIST_CSV_FIELDS,
  listCsv,
  ListReportInput,
  ListReportMismatch,
  listReportHtml,
  ListReportSlot,
  listReportSlots,
  SEQUENTIAL_LIST_CSV_FIELDS,
  trialZoneTime,
} from './list-report';

const nct = loadTrialFile(join(__dirname, '..', '..', 'config', 'trials', 'nct02286011.json'));
const SEED = 'NCT02286011-golden-1';

function stored(trial: TrialDefinition, seed: string) {
  return generateList(trial, seed).map((s, i) => ({
    stratum: s.stratum,
    slot: s.slot,
    limb: s.target,
    participantId: i < 2 ? `P-00${i + 1}` : null,
    allocatedAt: i < 2 ? `2025-03-0${i + 1}T09:00:00.000Z` : null,
  }));
}

function input(slots: ListReportSlot[], trial: TrialDefinition = nct): ListReportInput {
  return {
    trial,
    method: trial.randomization.method,
    seed: SEED,
    nonce: '01'.repeat(32),
    seedSource: 'drawn',
    commitment: 'ab'.repeat(32),
    generatedAt: '2025-01-15T08:00:00.000Z',
    generatedBy: 'stat',
    lockedAt: '2025-07-01T10:30:00.000Z',
    madeAt: '2025-07-02T11:00:00.000Z',
    madeBy: 'stat',
    auditHead: { entries: 42, headHash: 'cd'.repeat(32) },
    slots,
    csvSignature: { publicKey: 'PUBKEY', value: 'SIGVALUE', csvSha256: 'ef'.repeat(32) },
  };
}

describe(listReportSlots.name, () => {
  it('adds to each stored slot the block number and size the seed gives', () => {
    const slots = listReportSlots(nct, SEED, stored(nct, SEED));
    expect(slots.slice(0, 5)).toEqual([
      {
        stratum: 'all',
        slot: 1,
        block: 1,
        blockSize: 4,
        imbalanceBefore: null,
        firstTargetChance: null,
        limb: 'RIGHT',
        participantId: 'P-001',
        allocatedAt: '2025-03-01T09:00:00.000Z',
      },
      {
        stratum: 'all',
        slot: 2,
        block: 1,
        blockSize: 4,
        imbalanceBefore: null,
        firstTargetChance: null,
        limb: 'LEFT',
        participantId: 'P-002',
        allocatedAt: '2025-03-02T09:00:00.000Z',
      },
      {
        stratum: 'all',
        slot: 3,
        block: 1,
        blockSize: 4,
        imbalanceBefore: null,
        firstTargetChance: null,
        limb: 'RIGHT',
        participantId: null,
        allocatedAt: null,
      },
      {
        stratum: 'all',
        slot: 4,
        block: 1,
        blockSize: 4,
        imbalanceBefore: null,
        firstTargetChance: null,
        limb: 'LEFT',
        participantId: null,
        allocatedAt: null,
      },
      {
        stratum: 'all',
        slot: 5,
        block: 2,
        blockSize: 4,
        imbalanceBefore: null,
        firstTargetChance: null,
        limb: 'LEFT',
        participantId: null,
        allocatedAt: null,
      },
    ]);
  });

  it('refuses a stored list the seed does not give, naming the position and never a target', () => {
    const tampered = stored(nct, SEED);
    tampered[6].limb = tampered[6].limb === 'LEFT' ? 'RIGHT' : 'LEFT';
    expect(() => listReportSlots(nct, SEED, tampered)).toThrow(ListReportMismatch);
    expect(() => listReportSlots(nct, SEED, tampered)).toThrow(
      'Stored position 7 (stratum "all" slot 7) differs from what the seed gives',
    );
    try {
      listReportSlots(nct, SEED, tampered);
    } catch (error) {
      expect((error as Error).message).not.toMatch(/LEFT|RIGHT/);
    }
    expect(() => listReportSlots(nct, SEED, stored(nct, SEED).slice(1))).toThrow(
      'The stored list has 19 slots; the seed and trial give 20',
    );
  });
});

describe(listCsv.name, () => {
  it('writes a header and CRLF records, every value quoted but null, which is empty', () => {
    const csv = listCsv(listReportSlots(nct, SEED, stored(nct, SEED)), 'permuted-blocks');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('stratum,slot,block,blockSize,limb,participantId,allocatedAt');
    expect(lines[1]).toBe('"all","1","1","4","RIGHT","P-001","2025-03-01T09:00:00.000Z"');
    expect(lines[3]).toBe('"all","3","1","4","RIGHT",,');
    expect(lines).toHaveLength(22); // header, 20 records, and the empty text after the last CRLF
  });

  it('formula-escapes and quotes hostile text, and reads back exactly with the audit CSV reader', () => {
    const hostile: ListReportSlot[] = [
      {
        stratum: '=HYPERLINK("x")',
        slot: 1,
        block: null,
        blockSize: null,
        imbalanceBefore: null,
        firstTargetChance: null,
        limb: '+A',
        participantId: '-1;@SUM(A1)',
        allocatedAt: null,
      },
      {
        stratum: 'a,"b"\r\nc',
        slot: 2,
        block: 1,
        blockSize: 2,
        imbalanceBefore: null,
        firstTargetChance: null,
        limb: "'quoted",
        participantId: '',
        allocatedAt: null,
      },
    ];
    const csv = listCsv(hostile, 'permuted-blocks');
    expect(csv).toContain(`"'=HYPERLINK(""x"")","1",,,"'+A","'-1;'@SUM(A1)",\r\n`);
    const splitter = new CsvRecordSplitter(1000);
    const records = splitter.push(csv).map((r) => r.fields);
    splitter.finish();
    expect(records[0]).toEqual([...LIST_CSV_FIELDS]);
    const back = records
      .slice(1)
      .map((fields) => fields.map((f) => (f === null ? null : unescapeCsvFormula(f))));
    expect(back).toEqual([
      ['=HYPERLINK("x")', '1', null, null, '+A', '-1;@SUM(A1)', null],
      ['a,"b"\r\nc', '2', '1', '2', "'quoted", '', null],
    ]);
  });
});

describe(listReportHtml.name, () => {
  it('escapes every value that comes from the trial file or the list', () => {
    const evil = '<script>alert("x")</script>&\'';
    const trial: TrialDefinition = { ...nct, title: evil, site: evil, protocolId: 'P<1>' };
    const html = listReportHtml(
      input(
        [
          {
            stratum: evil,
            slot: 1,
            block: 1,
            blockSize: 2,
            imbalanceBefore: null,
            firstTargetChance: null,
            limb: evil,
            participantId: evil,
            allocatedAt: null,
          },
        ],
        trial,
      ),
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    expect(html).toContain('<title>Randomization list report: P&lt;1&gt;</title>');
  });

  it('lists every slot with its block, size, target, participant and time in the trial zone', () => {
    const html = listReportHtml(input(listReportSlots(nct, SEED, stored(nct, SEED))));
    const rows = /<tbody>\n([\s\S]*)\n<\/tbody>/.exec(html)?.[1].split('\n') ?? [];
    expect(rows).toHaveLength(20);
    expect(rows[0]).toBe(
      '<tr><td>all</td><td class="n">1</td><td class="n">1</td><td class="n">4</td><td>RIGHT</td><td>P-001</td><td>2025-03-01 10:00:00 GMT+1 (Europe/Madrid)</td></tr>',
    );
    expect(rows[19]).toBe(
      '<tr><td>all</td><td class="n">20</td><td class="n">7</td><td class="n">2</td><td>LEFT</td><td>–</td><td>–</td></tr>',
    );
    expect(html).toContain('drawn by the server (256 random bits)');
    expect(html).toContain('block sizes 2, 4');
    // Lock in summer time: the offset follows the date.
    expect(html).toContain(
      '2025-07-01 12:30:00 GMT+2 (Europe/Madrid)<br><code>2025-07-01T10:30:00.000Z</code> (UTC)',
    );
    expect(html).toContain('<code>SIGVALUE</code>');
    expect(html).toContain('<code>PUBKEY</code>');
    expect(html).toContain('20 in 1 strata, 7 blocks; 2 allocated');
  });

  it('says when the seed source is not recorded, and shows no blocks for simple randomization', () => {
    const simple: TrialDefinition = {
      ...nct,
      randomization: { ...nct.randomization, method: 'simple', blockSizes: [] },
    };
    const html = listReportHtml({
      ...input(listReportSlots(simple, SEED, stored(simple, SEED)), simple),
      seedSource: null,
    });
    expect(html).toContain('<dt>Seed source</dt><dd>not recorded</dd>');
    expect(html).toContain(
      '<td>all</td><td class="n">1</td><td class="n">–</td><td class="n">–</td>',
    );
    expect(html).not.toContain('block sizes');
  });
});

describe('helpers', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });
  it('prints a time in the trial zone with its offset', () => {
    expect(trialZoneTime('2025-12-31T23:30:00.000Z', 'Europe/Madrid')).toBe(
      '2026-01-01 00:30:00 GMT+1 (Europe/Madrid)',
    );
  });
});

describe("the list report of Efron's biased coin and the big stick", () => {
  const efron: TrialDefinition = {
    ...nct,
    randomization: { ...nct.randomization, method: 'efron-biased-coin', blockSizes: [], p: 2 / 3 },
  };
  const bigStick: TrialDefinition = {
    ...nct,
    randomization: { ...nct.randomization, method: 'big-stick', blockSizes: [], maxImbalance: 3 },
  };

  it('gives each slot the imbalance before it and the first target’s chance, and no block', () => {
    // efron-golden is LLRRLRRLLRLLLRLLRLLL (docs/randomization.md, section 10).
    const slots = listReportSlots(efron, 'efron-golden', stored(efron, 'efron-golden'));
    expect(slots.slice(0, 4).map((s) => [s.limb, s.imbalanceBefore, s.firstTargetChance])).toEqual([
      ['LEFT', 0, 0.5],
      ['LEFT', 1, 1 - 2 / 3],
      ['RIGHT', 2, 1 - 2 / 3],
      ['RIGHT', 1, 1 - 2 / 3],
    ]);
    expect(slots.every((s) => s.block === null && s.blockSize === null)).toBe(true);
  });

  it('writes the CSV with imbalanceBefore and firstTargetChance in place of the block columns', () => {
    const csv = listCsv(
      listReportSlots(bigStick, 'big-stick-golden', stored(bigStick, 'big-stick-golden')),
      'big-stick',
    );
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(SEQUENTIAL_LIST_CSV_FIELDS.join(','));
    expect(lines[0]).toBe(
      'stratum,slot,imbalanceBefore,firstTargetChance,limb,participantId,allocatedAt',
    );
    // big-stick-golden is LRLLLRRLRR…: before slot 6 the imbalance is 3, so RIGHT is forced.
    expect(lines[1]).toBe('"all","1","0","0.5","LEFT","P-001","2025-03-01T09:00:00.000Z"');
    expect(lines[6]).toBe('"all","6","3","0","RIGHT",,');
  });

  it('prints the method, its parameter and the imbalance columns in the HTML report', () => {
    const html = listReportHtml(
      input(listReportSlots(efron, 'efron-golden', stored(efron, 'efron-golden')), efron),
    );
    expect(html).toContain('<dt>Method</dt><dd>efron-biased-coin</dd>');
    expect(html).toContain('p = 2/3 (0.6666666666666666)');
    expect(html).toContain('<th scope="col">Imbalance before (#LEFT − #RIGHT)</th>');
    expect(html).toContain('<th scope="col">Chance of LEFT</th>');
    expect(html).not.toContain('<th scope="col">Block</th>');
    // The golden list ends at 10 − … : LLRRLRRLLRLLLRLLRLLL reaches 6 after its last slot.
    expect(html).toContain('largest imbalance reached 6');
    const rows = /<tbody>\n([\s\S]*)\n<\/tbody>/.exec(html)?.[1].split('\n') ?? [];
    expect(rows[1]).toBe(
      '<tr><td>all</td><td class="n">2</td><td class="n">1</td><td class="n">1/3 (0.33333333333333337)</td><td>LEFT</td><td>P-002</td><td>2025-03-02 10:00:00 GMT+1 (Europe/Madrid)</td></tr>',
    );
    const stick = listReportHtml(
      input(
        listReportSlots(bigStick, 'big-stick-golden', stored(bigStick, 'big-stick-golden')),
        bigStick,
      ),
    );
    expect(stick).toContain('maximum tolerated imbalance b = 3');
  });
});
