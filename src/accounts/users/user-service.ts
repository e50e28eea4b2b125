import { newId } from '../../crypto/tokens.ts';
import type { Clock } from '../../shared/clock.ts';
import type { UsersTable } from '../../db/schema.ts';
import { normalizeEmail, normalizePhone, type Destination } from '../destination.ts';
import { DuplicateUser, InvalidName, MissingContact } from '../errors.ts';
import { userFromRow, type User } from './user.ts';
import type { UserRepository } from './user-repository.ts';

export interface NewUser {
  email?: string | undefined;
  phone?: string | undefined;
  name?: string | undefined;
}

export class UserService {
  constructor(private readonly repo: UserRepository, private readonly clock: Clock) {}

  async findById(id: string): Promise<User | undefined> {
    const row = await this.repo.findById(id);
    return row && userFromRow(row);
  }

  /**
   * Creates an account on an operator's behalf (CLI). Contacts are normalised but not verified:
   * they become verified the first time the person signs in with a code sent to them.
   * @throws MissingContact, InvalidEmail, InvalidPhone, InvalidName, DuplicateUser
   */
  async create(input: NewUser): Promise<User> {
    const email = input.email?.trim() ? normalizeEmail(input.email) : null;
    const phone = input.phone?.trim() ? normalizePhone(input.phone) : null;
    if (!email && !phone) throw new MissingContact();
    const name = input.name === undefined ? null : input.name.trim();
    if (name !== null && (name.length === 0 || name.length > 200)) throw new InvalidName();
    const row = this.newRow({ email, phone, name });
    if (!(await this.repo.insertIfAbsent(row))) throw new DuplicateUser();
    return userFromRow(row);
  }

  /**
   * The account behind a contact the person just proved they own: found, or created (sign-up).
   * Concurrent sign-ups for one new address converge on a single account.
   */
  async findOrCreateVerified(destination: Destination): Promise<User> {
    const now = this.clock.now();
    let row = await this.repo.findByContact(destination);
    if (!row) {
      const contact = destination.channel === 'email' ? { email: destination.address } : { phone: destination.address };
      await this.repo.insertIfAbsent(this.newRow({ name: null, ...contact }));
      row = await this.repo.findByContact(destination);
      if (!row) throw new Error('account vanished right after it was created');
    }
    await this.repo.markVerified(row.id, destination.channel, now);
    return userFromRow((await this.repo.findById(row.id)) ?? row);
  }

  private newRow(fields: { email?: string | null; phone?: string | null; name: string | null }): UsersTable {
    const now = this.clock.now();
    return {
      id: newId(),
      email: fields.email ?? null,
      phone: fields.phone ?? null,
      email_verified_at: null,
      phone_verified_at: null,
      name: fields.name,
      time_zone: null,
      created_at: now,
      updated_at: now,
    };
  }
}
