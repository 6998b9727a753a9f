import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { execute, selectRow } from '../database/sql';
import { SessionToken, usableUntil } from './session';

const isoOfSeconds = (seconds: number): string => new Date(seconds * 1000).toISOString();

/**
 * Ids of tokens ended before their time (sign-out, or replaced by a refresh), in the database so
 * that every server process on it refuses them. A row is kept only while its token could still
 * be used, then swept.
 */
@Injectable()
export class RevokedTokensRepository {
  async isRevoked(manager: EntityManager, tokenId: string): Promise<boolean> {
    const row = await selectRow<{ found: number }>(
      manager,
      'SELECT 1 AS found FROM revoked_tokens WHERE token_id = :tokenId',
      { tokenId },
    );
    return row !== undefined;
  }

  /** Revokes the token; false when it was revoked already (a second sign-out or refresh with it). */
  async revoke(manager: EntityManager, token: SessionToken, now: Date): Promise<boolean> {
    const inserted = await execute(
      manager,
      'INSERT INTO revoked_tokens (token_id, username, revoked_at, expires_at) ' +
        'VALUES (:tokenId, :username, :revokedAt, :expiresAt) ON CONFLICT (token_id) DO NOTHING',
      {
        tokenId: token.tokenId,
        username: token.username,
        revokedAt: now.toISOString(),
        expiresAt: isoOfSeconds(usableUntil(token)),
      },
    );
    return inserted === 1;
  }

  /** Forgets revocations of tokens that can no longer be used anyway; returns how many. */
  sweep(manager: EntityManager, now: Date): Promise<number> {
    return execute(manager, 'DELETE FROM revoked_tokens WHERE expires_at < :now', {
      now: now.toISOString(),
    });
  }
}
