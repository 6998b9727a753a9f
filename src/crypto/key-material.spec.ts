import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, SecretSource } from '../config/app-config';
import {
  newAuditSigningKeyPem,
  newBlindingKeyBase64,
  resolveAuditSigningKey,
  resolveBlindingKey,
  resolveJwtSecret,
} from './key-material';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'key-material-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function generated(name: string, variable: string): SecretSource {
  // A subdirectory that does not exist yet: the first start creates DATA_DIR too.
  return { kind: 'generated', path: join(dir, 'data', name), variable };
}

function fileSource(content: string, variable: string): SecretSource {
  const path = join(dir, `${variable.toLowerCase()}.txt`);
  writeFileSync(path, content);
  return { kind: 'file', path, variable };
}

function configError(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

describe(resolveBlindingKey.name, () => {
  it('generates 32 random bytes into DATA_DIR with mode 0600 and says so', () => {
    const source = generated('blinding.key', 'BLINDING_KEY');
    const first = resolveBlindingKey(source);
    expect(first.value).toHaveLength(32);
    expect(first.generatedAt).toBe(join(dir, 'data', 'blinding.key'));
    expect(modeOf(join(dir, 'data', 'blinding.key'))).toBe(0o600);
    expect(readFileSync(join(dir, 'data', 'blinding.key'), 'utf8').trim()).toBe(
      first.value.toString('base64'),
    );
  });

  it('reuses the generated key on the next start, without saying it generated one', () => {
    const source = generated('blinding.key', 'BLINDING_KEY');
    const first = resolveBlindingKey(source);
    const second = resolveBlindingKey(source);
    expect(second.value.equals(first.value)).toBe(true);
    expect(second.generatedAt).toBeUndefined();
  });

  it('generates a different key in another DATA_DIR', () => {
    const a = resolveBlindingKey(generated('a.key', 'BLINDING_KEY')).value;
    const b = resolveBlindingKey(generated('b.key', 'BLINDING_KEY')).value;
    expect(a.equals(b)).toBe(false);
  });

  it('decodes an inline key', () => {
    const key = Buffer.alloc(32, 9);
    const resolved = resolveBlindingKey({
      kind: 'inline',
      value: key.toString('base64'),
      variable: 'BLINDING_KEY',
    });
    expect(resolved.value.equals(key)).toBe(true);
    expect(resolved.generatedAt).toBeUndefined();
  });

  it('reads a key file, ignoring its trailing newline', () => {
    const key = Buffer.alloc(32, 3);
    const resolved = resolveBlindingKey(
      fileSource(`${key.toString('base64')}\n`, 'BLINDING_KEY_FILE'),
    );
    expect(resolved.value.equals(key)).toBe(true);
  });

  it('names BLINDING_KEY_FILE when the file cannot be read', () => {
    const error = configError(() =>
      resolveBlindingKey({
        kind: 'file',
        path: join(dir, 'absent'),
        variable: 'BLINDING_KEY_FILE',
      }),
    );
    expect(error.variable).toBe('BLINDING_KEY_FILE');
    expect(error.message).toMatch(/names a file that cannot be read/);
  });

  it.each([
    ['is not base64', 'this is not base64', /must be base64/],
    ['holds 16 bytes', Buffer.alloc(16).toString('base64'), /32 bytes, got 16/],
    ['is empty', '', /must be base64/],
  ])('names BLINDING_KEY_FILE when the file %s', (_what, content, problem) => {
    const error = configError(() => resolveBlindingKey(fileSource(content, 'BLINDING_KEY_FILE')));
    expect(error.variable).toBe('BLINDING_KEY_FILE');
    expect(error.message).toMatch(problem);
  });

  it('refuses a generated key file that was damaged since', () => {
    const source = generated('blinding.key', 'BLINDING_KEY');
    resolveBlindingKey(source);
    writeFileSync(join(dir, 'data', 'blinding.key'), Buffer.alloc(31).toString('base64'));
    expect(configError(() => resolveBlindingKey(source)).message).toMatch(/32 bytes, got 31/);
  });
});

describe(newBlindingKeyBase64.name, () => {
  it('gives a fresh 32-byte base64 key each time', () => {
    const a = newBlindingKeyBase64();
    expect(Buffer.from(a, 'base64')).toHaveLength(32);
    expect(newBlindingKeyBase64()).not.toBe(a);
  });
});

describe(resolveJwtSecret.name, () => {
  it('generates a secret of at least 32 characters with mode 0600, then reuses it', () => {
    const source = generated('jwt.secret', 'JWT_SECRET');
    const first = resolveJwtSecret(source);
    expect(first.value.length).toBeGreaterThanOrEqual(32);
    expect(first.generatedAt).toBe(join(dir, 'data', 'jwt.secret'));
    expect(modeOf(join(dir, 'data', 'jwt.secret'))).toBe(0o600);
    const second = resolveJwtSecret(source);
    expect(second).toEqual({ value: first.value, generatedAt: undefined });
  });

  it('refuses a secret file shorter than 32 characters, naming its variable', () => {
    const error = configError(() => resolveJwtSecret(fileSource('short\n', 'JWT_SECRET_FILE')));
    expect(error.variable).toBe('JWT_SECRET_FILE');
    expect(error.message).toMatch(/at least 32 characters/);
  });
});

describe(resolveAuditSigningKey.name, () => {
  it('generates an Ed25519 key pair with mode 0600 whose public key verifies its signatures', () => {
    const source = generated('audit-signing.pem', 'AUDIT_SIGNING_KEY');
    const { value, generatedAt } = resolveAuditSigningKey(source);
    expect(generatedAt).toBe(join(dir, 'data', 'audit-signing.pem'));
    expect(modeOf(join(dir, 'data', 'audit-signing.pem'))).toBe(0o600);
    expect(value.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(value.publicKey.type).toBe('public');
    const message = Buffer.from('head hash');
    const signature = sign(null, message, value.privateKey);
    expect(verify(null, message, value.publicKey, signature)).toBe(true);
    expect(verify(null, Buffer.from('other'), value.publicKey, signature)).toBe(false);
  });

  it('loads the same key pair on the next start', () => {
    const source = generated('audit-signing.pem', 'AUDIT_SIGNING_KEY');
    const first = resolveAuditSigningKey(source);
    const second = resolveAuditSigningKey(source);
    expect(second.generatedAt).toBeUndefined();
    const exportRaw = (pair: typeof first) =>
      pair.value.publicKey.export({ type: 'spki', format: 'der' }).toString('hex');
    expect(exportRaw(second)).toBe(exportRaw(first));
  });

  it('loads an Ed25519 PEM given inline or as a file', () => {
    const pem = newAuditSigningKeyPem();
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const inline = resolveAuditSigningKey({
      kind: 'inline',
      value: pem,
      variable: 'AUDIT_SIGNING_KEY',
    });
    const file = resolveAuditSigningKey(fileSource(pem, 'AUDIT_SIGNING_KEY_FILE'));
    expect(inline.value.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(file.value.publicKey.equals(inline.value.publicKey)).toBe(true);
  });

  it.each([
    ['rsa', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey],
    ['ec', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
    ['ed448', () => generateKeyPairSync('ed448').privateKey],
  ])('refuses a PEM %s private key, naming the variable', (_type, make) => {
    const pem = make().export({ type: 'pkcs8', format: 'pem' }).toString();
    const error = configError(() =>
      resolveAuditSigningKey(fileSource(pem, 'AUDIT_SIGNING_KEY_FILE')),
    );
    expect(error.variable).toBe('AUDIT_SIGNING_KEY_FILE');
    expect(error.message).toMatch(/must be an Ed25519 key/);
  });

  it('refuses a file that is not a PEM private key, naming the variable', () => {
    const error = configError(() =>
      resolveAuditSigningKey(
        fileSource('-----BEGIN PRIVATE KEY-----\nnope\n', 'AUDIT_SIGNING_KEY_FILE'),
      ),
    );
    expect(error.variable).toBe('AUDIT_SIGNING_KEY_FILE');
    expect(error.message).toMatch(/is not a readable PEM private key/);
  });

  it('names AUDIT_SIGNING_KEY_FILE when the file cannot be read', () => {
    const error = configError(() =>
      resolveAuditSigningKey({
        kind: 'file',
        path: join(dir, 'absent.pem'),
        variable: 'AUDIT_SIGNING_KEY_FILE',
      }),
    );
    expect(error.variable).toBe('AUDIT_SIGNING_KEY_FILE');
  });
});
