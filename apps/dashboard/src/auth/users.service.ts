import { Inject, Injectable } from '@nestjs/common';
import { authErrors, hashPassword, toPublicUser, UsersRepository, type PublicUser, type Role, type UserChanges } from '@homelab/auth';
import { LOGGER } from '@homelab/platform';
import type { Logger } from '@homelab/tracing';
import { assertAcceptablePassword } from './auth.service.js';
import { SessionRevocations } from './session-revocations.service.js';

/** Account management for admins; every change that affects live sessions reaches every replica. */
@Injectable()
export class UsersService {
  constructor(
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(SessionRevocations) private readonly revocations: SessionRevocations,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async list(): Promise<PublicUser[]> {
    return (await this.users.list()).map(toPublicUser);
  }

  async create(username: string, password: string, role: Role, by: string): Promise<PublicUser> {
    assertAcceptablePassword(password);
    const created = await this.users.createLocal({ username, passwordHash: await hashPassword(password), role });
    this.logger.info({ userId: created.id, role, by }, 'User created');
    return toPublicUser(created);
  }

  /** Disabling or setting a new password ends the user's sessions; a role change applies to them at once. */
  async update(id: string, changes: { role?: Role; disabled?: boolean; password?: string }, by: string): Promise<PublicUser> {
    const update: UserChanges = {};
    if (changes.role !== undefined) update.role = changes.role;
    if (changes.disabled !== undefined) update.disabled = changes.disabled;
    if (changes.password !== undefined) {
      const current = await this.users.get(id);
      if (current === null) throw authErrors.userNotFound(id);
      if (current.provider !== 'local') throw authErrors.passwordNotLocal();
      assertAcceptablePassword(changes.password);
      update.passwordHash = await hashPassword(changes.password);
    }
    const { before, after } = await this.users.update(id, update);
    if ((after.disabled && !before.disabled) || update.passwordHash !== undefined) await this.revocations.revokeUser(id);
    else if (after.role !== before.role || after.disabled !== before.disabled) await this.revocations.accountChanged(id);
    this.logger.info({ userId: id, by, role: after.role, disabled: after.disabled, passwordReset: update.passwordHash !== undefined }, 'User updated');
    return toPublicUser(after);
  }

  async delete(id: string, by: string): Promise<void> {
    if (id === by) throw authErrors.cannotDeleteSelf();
    const deleted = await this.users.delete(id);
    // the rows went with the account (ON DELETE CASCADE); caches everywhere must let go too
    await this.revocations.accountChanged(deleted.id);
    this.logger.info({ userId: id, by }, 'User deleted');
  }
}
