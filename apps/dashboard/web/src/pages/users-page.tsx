import { useState, type FormEvent } from 'react';
import { api, apiPath, ApiError } from '../api/client';
import type { CreateUserBody, Role, UpdateUserBody, User, UserList } from '../api/types';
import { Badge } from '../components/badge';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Dialog } from '../components/dialog';
import { Field } from '../components/field';
import { PageHeader } from '../components/page-header';
import { ErrorBanner, Loading, Spinner } from '../components/states';
import { useToast } from '../components/toast';
import { formatDateTime, timeAgo } from '../lib/format';
import { useAction } from '../lib/use-action';
import { useApi } from '../lib/use-api';
import { useSession } from '../session/session';

const MIN_PASSWORD = 12;

function PasswordField({ value, onChange, label }: { value: string; onChange: (value: string) => void; label: string }) {
  const short = value !== '' && value.length < MIN_PASSWORD ? `At least ${MIN_PASSWORD} characters.` : null;
  return (
    <Field label={label} hint={`At least ${MIN_PASSWORD} characters; not a common password.`} error={short}>
      <input type="password" name="password" autoComplete="new-password" required value={value} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}

function UserDialog({ user, onClose, onSaved }: { user?: User; onClose: () => void; onSaved: (user: User) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (busy || password.length < MIN_PASSWORD) return;
    setBusy(true);
    setError(undefined);
    try {
      const saved = user ? await api.patch<User>(apiPath('users', user.id), { password } satisfies UpdateUserBody) : await api.post<User>('/api/users', { username: username.trim(), password, role } satisfies CreateUserBody);
      onSaved(saved);
      onClose();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, 'CLIENT_ERROR', String(failure)));
      setBusy(false);
    }
  };
  return (
    <Dialog title={user ? `New password for ${user.username}` : 'Add a user'} onClose={onClose}>
      <form className="form" onSubmit={(event) => void submit(event)}>
        {user ? null : (
          <>
            <Field label="User name">
              <input name="username" required autoFocus autoComplete="off" autoCapitalize="none" spellCheck={false} value={username} onChange={(e) => setUsername(e.target.value)} />
            </Field>
            <Field label="Role" hint="Viewers see everything and change nothing.">
              <select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
                <option value="viewer">viewer</option>
                <option value="admin">admin</option>
              </select>
            </Field>
          </>
        )}
        <PasswordField label={user ? 'New password' : 'Password'} value={password} onChange={setPassword} />
        <ErrorBanner error={error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || password.length < MIN_PASSWORD}>
            {busy ? <Spinner /> : null}
            {user ? 'Set password' : 'Add user'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function UserRow({ user, self, onChanged, onPassword, onDelete }: { user: User; self: boolean; onChanged: (user: User) => void; onPassword: () => void; onDelete: () => void }) {
  const { run, busy } = useAction();
  const patch = (body: Pick<UpdateUserBody, 'role' | 'disabled'>, message: string): void =>
    void run(async () => onChanged(await api.patch<User>(apiPath('users', user.id), body)), message);
  return (
    <tr data-user={user.username}>
      <td data-label="User">
        <span className="strong">{user.username}</span>
        {self ? <span className="muted small"> (you)</span> : null}
        {user.displayName && user.displayName !== user.username ? <div className="muted small">{user.displayName}</div> : null}
      </td>
      <td data-label="Role">
        <select aria-label={`Role of ${user.username}`} value={user.role} disabled={busy} onChange={(e) => patch({ role: e.target.value as Role }, `${user.username} is now ${e.target.value}.`)}>
          <option value="viewer">viewer</option>
          <option value="admin">admin</option>
        </select>
      </td>
      <td data-label="Sign-in">{user.provider === 'oidc' ? 'SSO' : 'password'}</td>
      <td data-label="State">{user.disabled ? <Badge tone="bad">disabled</Badge> : <Badge tone="ok">active</Badge>}</td>
      <td data-label="Last login" className="small muted" title={formatDateTime(user.lastLoginAt)}>
        {timeAgo(user.lastLoginAt)}
      </td>
      <td data-label="" className="row-actions">
        <div className="actions">
          {user.provider === 'local' ? (
            <button type="button" className="btn btn-small" onClick={onPassword}>
              Set password
            </button>
          ) : null}
          {!self ? (
            <button type="button" className="btn btn-small" disabled={busy} onClick={() => patch({ disabled: !user.disabled }, `${user.username} ${user.disabled ? 'enabled' : 'disabled'}.`)}>
              {user.disabled ? 'Enable' : 'Disable'}
            </button>
          ) : null}
          {!self ? (
            <button type="button" className="btn btn-small btn-danger-outline" onClick={onDelete}>
              Delete
            </button>
          ) : null}
        </div>
      </td>
    </tr>
  );
}

type Open = { kind: 'add' } | { kind: 'password'; user: User } | { kind: 'delete'; user: User } | null;

export default function UsersPage() {
  const { user: me } = useSession();
  const toast = useToast();
  const { data, error, loading, reload, mutate } = useApi<UserList>('/api/users');
  const [open, setOpen] = useState<Open>(null);
  const replace = (user: User): void =>
    mutate((current) => {
      const users = current?.users ?? [];
      return { users: users.some((u) => u.id === user.id) ? users.map((u) => (u.id === user.id ? user : u)) : [...users, user] };
    });
  return (
    <>
      <PageHeader
        title="Users"
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'add' })}>
            Add user
          </button>
        }
      />
      <ErrorBanner error={error} onRetry={() => void reload()} />
      {loading && !data ? <Loading what="users" /> : null}
      {data ? (
        <div className="card">
          <table className="table responsive">
            <thead>
              <tr>
                <th>User</th>
                <th>Role</th>
                <th>Sign-in</th>
                <th>State</th>
                <th>Last login</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {[...data.users]
                .sort((a, b) => a.username.localeCompare(b.username))
                .map((user) => (
                  <UserRow
                    key={user.id}
                    user={user}
                    self={user.id === me?.id}
                    onChanged={replace}
                    onPassword={() => setOpen({ kind: 'password', user })}
                    onDelete={() => setOpen({ kind: 'delete', user })}
                  />
                ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {open?.kind === 'add' ? (
        <UserDialog
          onClose={() => setOpen(null)}
          onSaved={(user) => {
            replace(user);
            toast.success(`Added ${user.username}.`);
          }}
        />
      ) : null}
      {open?.kind === 'password' ? (
        <UserDialog user={open.user} onClose={() => setOpen(null)} onSaved={(user) => toast.success(`New password set for ${user.username}.`)} />
      ) : null}
      {open?.kind === 'delete' ? (
        <ConfirmDialog
          title={`Delete ${open.user.username}?`}
          confirmLabel="Delete user"
          danger
          onClose={() => setOpen(null)}
          onConfirm={async () => {
            await api.delete(apiPath('users', open.user.id));
            mutate((current) => current && { users: current.users.filter((u) => u.id !== open.user.id) });
            toast.success(`Deleted ${open.user.username}.`);
            setOpen(null);
          }}
        >
          <p>Their sessions end at once.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
