import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../api/client';
import type { components } from '../api/schema';
import { useApiGet } from '../api/use-api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { ScreenTitle } from '../components/ScreenTitle';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages-en';
import { useSession } from '../session/session-context';
import {
  ALL_ROLES,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordProblem,
  refusalWording,
  sameRoles,
  withRole,
} from './admin-rules';

type User = components['schemas']['UserResponseDto'];
type CreateUser = components['schemas']['CreateUserDto'];
type UpdateUser = components['schemas']['UpdateUserDto'];
type Role = User['roles'][number];

const RULE_PARAMS = { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH };

/** Admin: the accounts (never a password hash: the API gives none), a new one, and changes. */
export function UsersScreen() {
  const { t } = useI18n();
  const [users, reload] = useApiGet<User[]>('/api/users');
  const [editing, setEditing] = useState<string | undefined>(undefined);
  // Closing the panel gives the focus back to the Edit button that opened it.
  const editButtons = useRef(new Map<string, HTMLButtonElement>());
  const closeEditor = () => {
    const opener = editing === undefined ? undefined : editButtons.current.get(editing);
    setEditing(undefined);
    opener?.focus();
  };
  const edited =
    users.kind === 'loaded' ? users.data.find((user) => user.username === editing) : undefined;

  return (
    <>
      <ScreenTitle titleKey="users.title" />
      <p className="help">{t('users.help')}</p>
      <section aria-labelledby="users-list">
        <h2 id="users-list">{t('users.listHeading')}</h2>
        {users.kind === 'failed' && <ErrorMessage error={users.error} />}
        {users.kind === 'loading' && <p>{t('app.loading')}</p>}
        {users.kind === 'loaded' && users.data.length === 0 && <p>{t('users.none')}</p>}
        {users.kind === 'loaded' && users.data.length > 0 && (
          <UsersTable
            users={users.data}
            onEdit={setEditing}
            editing={editing}
            buttons={editButtons.current}
          />
        )}
      </section>
      {edited && (
        <EditUser key={edited.username} user={edited} onChanged={reload} onClose={closeEditor} />
      )}
      <CreateUserForm onCreated={reload} />
    </>
  );
}

function UsersTable({
  users,
  editing,
  onEdit,
  buttons,
}: {
  users: User[];
  editing: string | undefined;
  onEdit: (username: string) => void;
  buttons: Map<string, HTMLButtonElement>;
}) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{t('users.listHeading')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('users.col.username')}</th>
            <th scope="col">{t('users.col.displayName')}</th>
            <th scope="col">{t('users.col.roles')}</th>
            <th scope="col">{t('users.col.active')}</th>
            <th scope="col">{t('users.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.username}>
              <th scope="row">{user.username}</th>
              <td>{user.displayName ?? t('users.noDisplayName')}</td>
              <td>{user.roles.map((role) => t(`role.${role}`)).join(', ')}</td>
              <td>{user.active ? t('users.active') : t('users.disabled')}</td>
              <td>
                <button
                  type="button"
                  ref={(element) => {
                    if (element) buttons.set(user.username, element);
                    else buttons.delete(user.username);
                  }}
                  aria-label={t('users.editUser', { username: user.username })}
                  aria-expanded={editing === user.username}
                  aria-controls={editing === user.username ? 'user-edit' : undefined}
                  onClick={() => onEdit(user.username)}
                >
                  {t('users.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A group of role checkboxes in a fieldset, in the catalogue's order. */
function RolesFieldset({
  idPrefix,
  roles,
  onChange,
  disabled,
}: {
  idPrefix: string;
  roles: readonly Role[];
  onChange: (roles: Role[]) => void;
  disabled: boolean;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="roles" aria-describedby={`${idPrefix}-roles-hint`}>
      <legend>{t('users.roles')}</legend>
      <p id={`${idPrefix}-roles-hint`} className="hint">
        {t('users.rolesHint')}
      </p>
      {ALL_ROLES.map((role) => (
        <div key={role} className="check">
          <input
            type="checkbox"
            id={`${idPrefix}-role-${role}`}
            checked={roles.includes(role)}
            disabled={disabled}
            onChange={(event) => onChange(withRole(roles, role, event.target.checked))}
          />
          <label htmlFor={`${idPrefix}-role-${role}`}>{t(`role.${role}`)}</label>
        </div>
      ))}
    </fieldset>
  );
}

interface Failure {
  error: unknown;
  username: string;
  wordedBy: MessageKey | undefined;
}

function Refusal({
  error,
  wordedBy,
  username,
}: {
  error: unknown;
  wordedBy: MessageKey | undefined;
  username: string;
}) {
  const { t } = useI18n();
  if (wordedBy === undefined) return <ErrorMessage error={error} />;
  return (
    <p className="message message-error" role="alert">
      {t(wordedBy, { ...RULE_PARAMS, username })}
    </p>
  );
}

function CreateUserForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | undefined>();
  const [created, setCreated] = useState<string | undefined>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    setCreated(undefined);
    const body: CreateUser = { username: username.trim(), password, roles };
    if (displayName.trim()) body.displayName = displayName.trim();
    try {
      const user = await session.json<User>('POST', '/api/users', body);
      setCreated(user.username);
      setUsername('');
      setDisplayName('');
      setPassword('');
      setRoles([]);
      onCreated();
    } catch (error) {
      setFailure({
        error,
        username: body.username,
        wordedBy: refusalWording(error instanceof ApiError ? error : undefined, {
          username: body.username,
          password,
          roles,
        }),
      });
    } finally {
      setBusy(false);
    }
  };

  const invalid = failure !== undefined;
  return (
    <section aria-labelledby="users-create">
      <h2 id="users-create">{t('users.createHeading')}</h2>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label htmlFor="user-username">{t('users.username')}</label>
          <input
            id="user-username"
            name="username"
            autoComplete="off"
            required
            maxLength={64}
            aria-describedby="user-username-hint"
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
          <span id="user-username-hint" className="hint">
            {t('users.usernameHint')}
          </span>
        </div>
        <div className="field">
          <label htmlFor="user-display-name">{t('users.displayName')}</label>
          <input
            id="user-display-name"
            name="displayName"
            autoComplete="off"
            maxLength={200}
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="user-password">{t('users.initialPassword')}</label>
          <input
            id="user-password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            aria-describedby="user-password-rules"
            aria-invalid={invalid && passwordProblem(username.trim(), password) !== undefined}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <span id="user-password-rules" className="hint">
            {t('users.passwordRules', RULE_PARAMS)}
          </span>
        </div>
        <RolesFieldset idPrefix="create" roles={roles} onChange={setRoles} disabled={busy} />
        {failure && <Refusal {...failure} />}
        {created && (
          <p className="message message-ok" role="status">
            {t('users.created', { username: created })}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('users.creating') : t('users.create')}
        </button>
      </form>
    </section>
  );
}

/** One account's changes: roles, access (disabling asks first), a new password. */
function EditUser({
  user,
  onChanged,
  onClose,
}: {
  user: User;
  onChanged: () => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const session = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  const [roles, setRoles] = useState<Role[]>(user.roles);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirmingDisable, setConfirmingDisable] = useState(false);
  const [failure, setFailure] = useState<Failure | undefined>();
  const [done, setDone] = useState<string | undefined>(undefined);
  const { username } = user;

  useEffect(() => heading.current?.focus(), []);

  const change = async (body: UpdateUser, doneKey: MessageKey) => {
    setBusy(true);
    setFailure(undefined);
    setDone(undefined);
    try {
      await session.json<User>('PATCH', `/api/users/${encodeURIComponent(username)}`, body);
      setDone(t(doneKey, { username }));
      if (body.password !== undefined) setPassword('');
      onChanged();
    } catch (error) {
      setFailure({
        error,
        username,
        wordedBy: refusalWording(error instanceof ApiError ? error : undefined, {
          password: body.password,
          roles: body.roles,
          username,
          usernameGiven: false,
        }),
      });
    } finally {
      setBusy(false);
      setConfirmingDisable(false);
    }
  };

  return (
    <section id="user-edit" aria-labelledby="user-edit-title" className="user-edit">
      <h2 id="user-edit-title" ref={heading} tabIndex={-1}>
        {t('users.editHeading', { username })}
      </h2>
      {failure && <Refusal {...failure} />}
      {done && (
        <p className="message message-ok" role="status">
          {done}
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void change({ roles }, 'users.rolesSaved');
        }}
      >
        <RolesFieldset idPrefix="edit" roles={roles} onChange={setRoles} disabled={busy} />
        <button type="submit" disabled={busy || sameRoles(roles, user.roles)}>
          {t('users.saveRoles')}
        </button>
      </form>

      <h3>{t('users.accountHeading')}</h3>
      <p>{user.active ? t('users.isActive', { username }) : t('users.isDisabled', { username })}</p>
      {user.active ? (
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => setConfirmingDisable(true)}
        >
          {t('users.disable')}
        </button>
      ) : (
        <button
          type="button"
          disabled={busy}
          onClick={() => void change({ active: true }, 'users.enabledDone')}
        >
          {t('users.enable')}
        </button>
      )}

      <h3>{t('users.resetHeading')}</h3>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void change({ password }, 'users.resetDone');
        }}
        noValidate
      >
        <div className="field">
          <label htmlFor="user-new-password">{t('users.newPassword')}</label>
          <input
            id="user-new-password"
            name="new-password"
            type="password"
            autoComplete="new-password"
            required
            aria-describedby="user-new-password-rules user-new-password-consequence"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <span id="user-new-password-rules" className="hint">
            {t('users.passwordRules', RULE_PARAMS)}
          </span>
          <span id="user-new-password-consequence" className="hint">
            {t('users.resetConsequence')}
          </span>
        </div>
        <button type="submit" disabled={busy || password === ''}>
          {t('users.reset')}
        </button>
      </form>

      <div className="actions">
        <button type="button" onClick={onClose}>
          {t('users.close')}
        </button>
      </div>

      {confirmingDisable && (
        <ConfirmDialog
          title={t('users.disableTitle', { username })}
          confirmLabel={t('users.disableConfirm')}
          busy={busy}
          onConfirm={() => void change({ active: false }, 'users.disabledDone')}
          onCancel={() => setConfirmingDisable(false)}
        >
          <p>{t('users.disableConsequence', { username })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
