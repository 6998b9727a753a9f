/** Injection token of the audit log's Ed25519 key pair (a SigningKeyPair from key-material.ts). */
export const SIGNING_KEY_PAIR = 'SIGNING_KEY_PAIR';
