import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  randomBytes,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, SecretSource, validateBlindingKey } from '../config/app-config';

/**
 * Turns the configured secret sources into key material. A 'generated' source is created once in
 * DATA_DIR with mode 0600 and reused on later starts; the caller warns loudly when that happened.
 */
export interface ResolvedSecret<T> {
  value: T;
  generatedAt?: string;
}

function readOrCreate(source: SecretSource, create: () => string): ResolvedSecret<string> {
  switch (source.kind) {
    case 'inline':
      return { value: source.value };
    case 'file':
      try {
        return { value: readFileSync(source.path, 'utf8').trim() };
      } catch (error) {
        throw new ConfigError(
          source.variable,
          `names a file that cannot be read: ${(error as Error).message}`,
        );
      }
    case 'generated': {
      if (existsSync(source.path)) return { value: readFileSync(source.path, 'utf8').trim() };
      mkdirSync(dirname(source.path), { recursive: true, mode: 0o700 });
      writeFileSync(source.path, `${create()}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(source.path, 0o600);
      return { value: readFileSync(source.path, 'utf8').trim(), generatedAt: source.path };
    }
  }
}

export function newBlindingKeyBase64(): string {
  return randomBytes(32).toString('base64');
}

export function resolveBlindingKey(source: SecretSource): ResolvedSecret<Buffer> {
  const secret = readOrCreate(source, newBlindingKeyBase64);
  const problem = validateBlindingKey(secret.value);
  if (problem) throw new ConfigError(source.variable, problem);
  return { value: Buffer.from(secret.value, 'base64'), generatedAt: secret.generatedAt };
}

export function resolveJwtSecret(source: SecretSource): ResolvedSecret<string> {
  const secret = readOrCreate(source, () => randomBytes(48).toString('base64url'));
  if (secret.value.length < 32)
    throw new ConfigError(source.variable, 'must have at least 32 characters');
  return secret;
}

export function newAuditSigningKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export interface SigningKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function resolveAuditSigningKey(source: SecretSource): ResolvedSecret<SigningKeyPair> {
  const secret = readOrCreate(source, newAuditSigningKeyPem);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(secret.value);
  } catch {
    throw new ConfigError(source.variable, 'is not a readable PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(source.variable, 'must be an Ed25519 key');
  }
  return {
    value: { privateKey, publicKey: createPublicKey(privateKey) },
    generatedAt: secret.generatedAt,
  };
}
