import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { Conflict, DomainError, InvalidInput, NotFound } from '../common/domain-errors';
import { AuditService } from '../audit/audit.service';
import { hashPassword } from '../crypto/password-hasher';
import { UnitOfWork } from '../database/unit-of-work';
import { CreateUserDto, UpdateUserDto, UserResponseDto } from './dto/user.dto';
import { decodeRoles, encodeRoles, Role } from './role';
import { RoleHistory } from './role-history';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

/** A user as the rest of the server sees it: no password hash. */
export interface ActiveUser {
  username: string;
  roles: Role[];
}

/** An active user as the guard checks a token against it. */
export interface TokenHolder extends ActiveUser {
  /** The version a token must carry to be accepted (see UserEntity.tokenVersion). */
  tokenVersion: number;
}

export function toUserResponse(user: UserEntity): UserResponseDto {
  return {
    username: user.username,
    roles: decodeRoles(user.roles),
    active: Boolean(user.active),
    displayName: user.displayName,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

/** A password may not contain the username (any case); also checked by the command line. */
export function refuseUsernameInPassword(username: string, password: string): void {
  if (password.toLowerCase().includes(username.toLowerCase())) {
    throw new InvalidInput('password must not contain the username');
  }
}

@Injectable()
export class UsersService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly users: UsersRepository,
  ) {}

  async create(actor: Actor, dto: CreateUserDto): Promise<UserResponseDto> {
    refuseUsernameInPassword(dto.username, dto.password);
    // Hash before taking the write lock: argon2id takes tens of milliseconds by design.
    const passwordHash = await hashPassword(dto.password);
    return this.auditingRefusals(actor, () =>
      this.uow.write(async (manager) => {
        const user = await this.insert(manager, actor, {
          username: dto.username,
          displayName: dto.displayName ?? null,
          passwordHash,
          roles: dto.roles,
        });
        return toUserResponse(user);
      }),
    );
  }

  /**
   * Runs a user change; a refusal by a business rule (duplicate, unknown user, last admin) rolls
   * the change back and is then audited in a transaction of its own.
   */
  private async auditingRefusals<T>(actor: Actor, change: () => Promise<T>): Promise<T> {
    try {
      return await change();
    } catch (error) {
      if (error instanceof DomainError) {
        await this.uow.write((manager) =>
          this.audit.recordRefusal(manager, actor, 'USER_CHANGE_REFUSED', null, error),
        );
      }
      throw error;
    }
  }

  /** Inserts a user and its USER_CREATED entry in the caller's transaction. */
  async insert(
    manager: EntityManager,
    actor: Actor,
    user: { username: string; displayName: string | null; passwordHash: string; roles: Role[] },
  ): Promise<UserEntity> {
    if (await this.users.exists(manager, user.username)) {
      throw new Conflict(`A user named "${user.username}" already exists`, 'DUPLICATE');
    }
    const now = new Date().toISOString();
    const entity = await this.users.insert(manager, {
      username: user.username,
      displayName: user.displayName,
      passwordHash: user.passwordHash,
      roles: encodeRoles(user.roles),
      active: true,
      createdAt: now,
      updatedAt: now,
      credentialsChangedAt: null,
      tokenVersion: 0,
    });
    await this.audit.record(manager, {
      actor,
      action: 'USER_CREATED',
      outcome: 'SUCCESS',
      details: { username: user.username, roles: decodeRoles(entity.roles), active: true },
    });
    return entity;
  }

  list(): Promise<UserResponseDto[]> {
    return this.uow.read(async (manager) => {
      const users = await this.users.list(manager);
      return users.map(toUserResponse);
    });
  }

  async update(actor: Actor, username: string, dto: UpdateUserDto): Promise<UserResponseDto> {
    if (
      dto.roles === undefined &&
      dto.active === undefined &&
      dto.password === undefined &&
      dto.displayName === undefined
    ) {
      throw new InvalidInput('Give at least one of roles, active, password or displayName');
    }
    if (dto.password !== undefined) refuseUsernameInPassword(username, dto.password);
    const passwordHash = dto.password === undefined ? undefined : await hashPassword(dto.password);
    return this.auditingRefusals(actor, () =>
      this.uow.write(async (manager) => {
        const user = await this.users.findByUsername(manager, username);
        if (!user) throw new NotFound(`No user named "${username}"`);
        const changes: Record<string, unknown> = {};
        if (dto.roles !== undefined) {
          const roles = encodeRoles(dto.roles);
          if (roles !== user.roles)
            changes.roles = { from: decodeRoles(user.roles), to: decodeRoles(roles) };
          user.roles = roles;
        }
        // Roles are read fresh on every request, so a role change needs no new token; a
        // disabled account or a new password ends every session issued before it, for good.
        let endsSessions = false;
        if (dto.active !== undefined && dto.active !== Boolean(user.active)) {
          changes.active = { from: Boolean(user.active), to: dto.active };
          user.active = dto.active;
          endsSessions ||= !dto.active;
        }
        if (dto.displayName !== undefined && dto.displayName !== user.displayName) {
          changes.displayName = { from: user.displayName, to: dto.displayName };
          user.displayName = dto.displayName;
        }
        if (passwordHash !== undefined) {
          changes.passwordChanged = true;
          user.passwordHash = passwordHash;
          user.credentialsChangedAt = new Date().toISOString();
          endsSessions = true;
        }
        if (endsSessions) user.tokenVersion = Number(user.tokenVersion) + 1;
        await this.refuseRemovingLastAdmin(manager, user);
        user.updatedAt = new Date().toISOString();
        await this.users.save(manager, user);
        await this.audit.record(manager, {
          actor,
          action: 'USER_UPDATED',
          outcome: 'SUCCESS',
          details: { username, changes },
        });
        return toUserResponse(user);
      }),
    );
  }

  /** Someone must always be able to manage users: the last active admin stays an active admin. */
  private async refuseRemovingLastAdmin(
    manager: EntityManager,
    changed: UserEntity,
  ): Promise<void> {
    if (changed.active && decodeRoles(changed.roles).includes('admin')) return;
    const admins = (await this.users.listActive(manager)).filter(
      (user) => user.username !== changed.username && decodeRoles(user.roles).includes('admin'),
    );
    if (admins.length === 0) {
      throw new Conflict(
        'This change would leave no active admin; create or enable another admin first',
        'LAST_ADMIN',
      );
    }
  }

  /**
   * The user's current roles and token version, or undefined when unknown or disabled; read on
   * every request, in the caller's unit of work.
   */
  async tokenHolderIn(manager: EntityManager, username: string): Promise<TokenHolder | undefined> {
    // Plain SQL in the repository: this runs before every authenticated request.
    const user = await this.users.tokenHolder(manager, username);
    if (!user || !user.active) return undefined;
    return {
      username: user.username,
      roles: decodeRoles(user.roles),
      tokenVersion: Number(user.tokenVersion),
    };
  }

  /**
   * Every role the user has ever held, with when (users.role_history), in the caller's unit of
   * work; undefined for an unknown user or an unreadable history.
   */
  roleHistoryIn(manager: EntityManager, username: string): Promise<RoleHistory | undefined> {
    return this.users.roleHistory(manager, username);
  }

  /** A user's stored password hash and whether the account is active (login and e-signatures). */
  findCredentials(
    username: string,
  ): Promise<(TokenHolder & { passwordHash: string; active: boolean }) | undefined> {
    return this.uow.read(async (manager) => {
      const user = await this.users.findByUsername(manager, username);
      if (!user) return undefined;
      return {
        username: user.username,
        roles: decodeRoles(user.roles),
        tokenVersion: Number(user.tokenVersion),
        passwordHash: user.passwordHash,
        active: user.active,
      };
    });
  }
}
