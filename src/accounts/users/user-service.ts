import { newId } from '../../kernel/crypto/tokens.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { UsersTable } from '../../kernel/db/schema.ts';
import { normalizeEmail, normalizePhone, type Destination } from '../destination.ts';
import { AccountsError, DuplicateUser, InvalidName, MissingContact, ProfileInvalid } from '../errors.ts';
import { normalizeTimeZone } from './time-zone.ts';
import { userFromRow, type User } from './user.ts';
import type { UserRepository } from './user-repository.ts';

export interface NewUser {
  email?: string | undefined;
  phone?: string | undefined;
  name?: string | undefined;
}

export interface ProfileChanges {
  /** Empty removes the name (pages then show the email or phone). */
  name: string;
  /** An IANA zone name; empty removes it. */
  timeZone: string;
}

export class UserService {
  constructor(
    private readonly repo: UserRepository,
    private readonly clock: Clock,
  ) {}

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
   * Changes what a person edits about themselves. Both problems are reported at once, so a form
   * can show each next to its field.
   * @throws ProfileInvalid listing InvalidName and/or InvalidTimeZone
   */
  async updateProfile(id: string, changes: ProfileChanges): Promise<User> {
    const name = changes.name.trim();
    const problems: AccountsError[] = [];
    if (name.length > 200) problems.push(new InvalidName());
    let timeZone: string | null = null;
    try {
      timeZone = changes.timeZone.trim() ? normalizeTimeZone(changes.timeZone) : null;
    } catch (error) {
      if (!(error instanceof AccountsError)) throw error;
      problems.push(error);
    }
    if (problems.length > 0) throw new ProfileInvalid(problems);
    await this.repo.updateProfile(id, { name: name || null, time_zone: timeZone }, this.clock.now());
    const row = await this.repo.findById(id);
    if (!row) throw new Error('account vanished while its profile was saved');
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
