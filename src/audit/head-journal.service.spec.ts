import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityManager } from 'typeorm';
import { AppConfig, loadAppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { chainHead } from './audit.service';
import { HEAD_JOURNAL_INTERVAL_MS, HeadJournalService } from './head-journal.service';

jest.mock('./audit.service', () => ({ chainHead: jest.fn() }));
const head = chainHead as jest.MockedFunction<typeof chainHead>;
const hash = (n: number) => n.toString(16).padStart(64, '0');

describe(HeadJournalService.name, () => {
  let dir: string;
  let config: AppConfig;
  let reads: number;
  let service: HeadJournalService;
  const lines = () =>
    readFileSync(config.headJournalPath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { entries: number }).entries);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journal-service-'));
    config = loadAppConfig({ DATA_DIR: dir });
    reads = 0;
    const uow = {
      read: <T>(work: (manager: EntityManager) => Promise<T>) => {
        reads += 1;
        return work({} as EntityManager);
      },
    } as unknown as UnitOfWork;
    service = new HeadJournalService(config, uow, generateKeyPairSync('ed25519'));
  });
  afterEach(async () => {
    await service.onModuleDestroy();
    rmSync(dir, { recursive: true, force: true });
    jest.useRealTimers();
  });

  it('appends the head after a commit, and nothing when the head did not move', async () => {
    head.mockResolvedValue({ entries: 3, headHash: hash(3) });
    await service.recordHead();
    await service.recordHead();
    head.mockResolvedValue({ entries: 4, headHash: hash(4) });
    await service.recordHead();
    expect(lines()).toEqual([3, 4]);
  });

  it('lets callers that arrive during a write share the next one', async () => {
    head.mockResolvedValue({ entries: 1, headHash: hash(1) });
    const first = service.recordHead();
    head.mockResolvedValue({ entries: 9, headHash: hash(9) });
    const waiting = [service.recordHead(), service.recordHead(), service.recordHead()];
    await Promise.all([first, ...waiting]);
    expect(reads).toBe(2);
    expect(lines()).toEqual([1, 9]);
  });

  it('journals a moved head at least every minute without any allocation', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    head.mockResolvedValue({ entries: 2, headHash: hash(2) });
    await service.start();
    jest.advanceTimersByTime(HEAD_JOURNAL_INTERVAL_MS - 1);
    await service.onModuleDestroy();
    expect(lines()).toEqual([2]);
    await service.start(); // nothing new: seq 2 again is not rewritten
    head.mockResolvedValue({ entries: 5, headHash: hash(5) });
    jest.advanceTimersByTime(HEAD_JOURNAL_INTERVAL_MS);
    // Waits for the write the timer started (and only that one), then closes.
    await service.onModuleDestroy();
    expect(lines()).toEqual([2, 5]);
  });
});
