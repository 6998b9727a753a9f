import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

/** @node-rs/argon2's Algorithm.Argon2id; its const enum cannot be imported under isolatedModules. */
const ARGON2ID = 2;

/**
 * argon2id with OWASP's first recommended profile: 19 MiB of memory, 2 passes, 1 lane.
 * The hash string carries its own parameters, so raising them later still verifies old hashes.
 */
const ARGON2ID_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of a random password, verified against when the username is unknown, so that an unknown
 * user and a wrong password take the same time.
 */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(`decoy-${Math.random()}-${Date.now()}`);
  return decoyHash;
}

/** A random password of 24 URL-safe characters (144 bits), for the bootstrap admin. */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}
