import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { selectRow } from '../database/sql';
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

/** The users table: accounts, their roles (canonical text), password hashes and token versions. */
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

  /** A new user with its columns' defaults filled in by TypeORM, then stored. */
  async insert(manager: EntityManager, user: Omit<UserEntity, 'id'>): Promise<UserEntity> {
    const repository = manager.getRepository(UserEntity);
    const entity = repository.create(user);
    await repository.insert(entity);
    return entity;
  }

  /** Stores the changed fields of a user read with findByUsername(). */
  async save(manager: EntityManager, user: UserEntity): Promise<void> {
    await manager.getRepository(UserEntity).save(user);
  }
}
