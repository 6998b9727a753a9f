import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputFileError, openRegularFile, readRegularFileSync } from './regular-file';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'regular-file-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(readRegularFileSync.name, () => {
  it('reads a regular file, also through a link to one', () => {
    const path = join(dir, 'a.json');
    writeFileSync(path, '{"a":1}');
    symlinkSync(path, join(dir, 'link.json'));
    expect(readRegularFileSync(path, 100).toString()).toBe('{"a":1}');
    expect(readRegularFileSync(join(dir, 'link.json'), 100).toString()).toBe('{"a":1}');
  });

  it('refuses a link to /dev/zero, a directory and a file over the bound', () => {
    symlinkSync('/dev/zero', join(dir, 'zero'));
    expect(() => readRegularFileSync(join(dir, 'zero'), 100)).toThrow(
      /is a device; only a regular/,
    );
    expect(() => readRegularFileSync(dir, 100)).toThrow(/is a directory/);
    const big = join(dir, 'big');
    writeFileSync(big, Buffer.alloc(101));
    expect(() => readRegularFileSync(big, 100)).toThrow(/101 bytes; at most 100/);
    expect(() => readRegularFileSync(join(dir, 'absent'), 100)).toThrow(InputFileError);
  });
});

describe(openRegularFile.name, () => {
  it('refuses a device', async () => {
    await expect(openRegularFile('/dev/zero')).rejects.toThrow(/is a device/);
  });
});
