import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  username!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  /** Comma-separated, see role.ts (no JSON column: the same schema runs on PostgreSQL). */
  @Column({ type: 'varchar', length: 200 })
  roles!: string;

  /**
   * Every role ever held, with when (canonical JSON, see role-history.ts); kept by
   * UsersRepository on every insert and save, never by a caller. Null only for a row written
   * behind the server's back (no default: SQLite and PostgreSQL would spell it differently),
   * which a blinding guess takes for unreadable.
   */
  @Column({ name: 'role_history', type: 'text', nullable: true })
  roleHistory!: string | null;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  /** When the password last changed (informational: tokens are revoked by tokenVersion). */
  @Column({ name: 'credentials_changed_at', type: 'varchar', length: 30, nullable: true })
  credentialsChangedAt!: string | null;

  /**
   * Bumped when the password changes or the account is disabled; a token carries the version it
   * was issued under and is refused once it differs, so re-enabling brings no old token back.
   */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion!: number;
}
