import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { selectRow } from '../database/sql';
import { decodeRoles } from './role';
import { decodeRoleHistory, encodeRoleHistory, RoleHistory, withRoles } from './role-history';
import { UserEntity } from './user.entity';

/** What every authenticated request reads of its user (plain SQL: it runs on every request). */
export interface StoredTokenHolder {
  username: string;
  roles: string;
  active: boolean | number;
  tokenVersion: number | string;
}

const SELECT_TOKEN_HOLDER =
  'SELECT username, roles, active, token_version AS "tokenVersion" ' +
  'FROM users WHERE username = :username';
const SELECT_ROLE_HISTORY =
  'SELECT role_history AS "roleHistory" FROM users WHERE username = :username';

/**
 * The users table: accounts, their roles (canonical text), the history of every role held,
 * password hashes and token versions. The history follows the roles here, on insert and save,
 * so that no path that changes roles can leave it behind.
 */
@Injectable()
export class UsersRepository {
  findByUsername(manager: EntityManager, username: string): Promise<UserEntity | null> {
    return manager.getRepository(UserEntity).findOneBy({ username });
  }

  tokenHolder(manager: EntityManager, username: string): Promise<StoredTokenHolder | undefined> {
    return selectRow<StoredTokenHolder>(manager, SELECT_TOKEN_HOLDER, { username });
  }

  exists(manager: EntityManager, username: string): Promise<boolean> {
    return manager.getRepository(UserEntity).existsBy({ username });
  }

  count(manager: EntityManager): Promise<number> {
    return manager.getRepository(UserEntity).count();
  }

  /** Every user, by username. */
  list(manager: EntityManager): Promise<UserEntity[]> {
    return manager.getRepository(UserEntity).find({ order: { username: 'ASC' } });
  }

  listActive(manager: EntityManager): Promise<UserEntity[]> {
    return manager.getRepository(UserEntity).findBy({ active: true });
  }

  /**
   * Every role the user has ever held, with when; undefined for an unknown user or a history
   * that cannot be read (edited behind the server's back), which the caller must not take for
   * "never held a role".
   */
  async roleHistory(manager: EntityManager, username: string): Promise<RoleHistory | undefined> {
    const row = await selectRow<{ roleHistory: string | null }>(manager, SELECT_ROLE_HISTORY, {
      username,
    });
    if (!row || row.roleHistory === null) return undefined;
    try {
      return decodeRoleHistory(row.roleHistory);
    } catch {
      return undefined;
    }
  }

  /**
   * A new user with its columns' defaults filled in by TypeORM, then stored; its roles are held
   * from its creation.
   */
  async insert(
    manager: EntityManager,
    user: Omit<UserEntity, 'id' | 'roleHistory'>,
  ): Promise<UserEntity> {
    const repository = manager.getRepository(UserEntity);
    const entity = repository.create({
      ...user,
      roleHistory: encodeRoleHistory(withRoles({}, decodeRoles(user.roles), user.createdAt)),
    });
    await repository.insert(entity);
    return entity;
  }

  /**
   * Stores the changed fields of a user read with findByUsername(); a role added or removed is
   * entered in the history at the user's updatedAt. A row without one (written behind the
   * server's back) starts it from its current roles.
   */
  async save(manager: EntityManager, user: UserEntity): Promise<void> {
    const history = user.roleHistory === null ? {} : decodeRoleHistory(user.roleHistory);
    user.roleHistory = encodeRoleHistory(
      withRoles(history, decodeRoles(user.roles), user.updatedAt),
    );
    await manager.getRepository(UserEntity).save(user);
  }
}
