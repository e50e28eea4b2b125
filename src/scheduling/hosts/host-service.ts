import type { Db } from '../../kernel/db/database.ts';
import { newId } from '../../kernel/crypto/tokens.ts';
import type { Clock } from '../../kernel/clock.ts';
import { conflict, notFound, Problems } from '../errors.ts';
import { isUniqueViolation } from '../unique-violation.ts';
import { isValidTimeZone } from '../time.ts';
import { ScheduleRepository } from '../schedules/schedule-repository.ts';
import { checkTimeZone } from '../schedules/validate-rules.ts';
import { DEFAULT_WEEKLY } from '../schedules/schedule.ts';
import { HostRepository } from './host-repository.ts';
import { isValidSlug, RESERVED_SLUGS, slugify, type Host } from './host.ts';

/** The person behind a host, as accounts knows them. */
export interface HostPerson {
  id: string;
  email: string | null;
  name: string | null;
  timeZone: string | null;
}

export type FindPerson = (userId: string) => Promise<HostPerson | undefined>;

/** Host profiles: created on first use with a unique slug and a Mon–Fri 09:00–17:00 schedule. */
export class HostService {
  private readonly hosts: HostRepository;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly findPerson: FindPerson,
  ) {
    this.hosts = new HostRepository(db);
  }

  async person(userId: string): Promise<HostPerson> {
    const person = await this.findPerson(userId);
    if (!person) throw notFound('The user');
    return person;
  }

  /** The host profile of a person, if they have used scheduling before (nothing is made). */
  async find(userId: string): Promise<Host | undefined> {
    const row = await this.hosts.findByUserId(userId);
    return row && hostFromRow(row);
  }

  /**
   * The host profile of a person, made on first use in `preferredZone` (the one they chose at
   * set-up), else their account's zone, else UTC.
   */
  async ensure(userId: string, preferredZone?: string): Promise<Host> {
    const existing = await this.hosts.findByUserId(userId);
    if (existing) return hostFromRow(existing);
    const person = await this.person(userId);
    const base = slugify(person.name ?? person.email?.split('@')[0] ?? 'host');
    const timezone = [preferredZone, person.timeZone].find((z) => z && isValidTimeZone(z)) ?? 'UTC';
    for (let n = 1; n < 50; n++) {
      const slug = n === 1 && !RESERVED_SLUGS.has(base) ? base : `${base}-${n === 1 ? 2 : n}`;
      try {
        await this.create(userId, slug, timezone);
        return { userId, slug, timezone };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const raced = await this.hosts.findByUserId(userId);
        if (raced) return hostFromRow(raced);
      }
    }
    throw new Error('could not find a free slug');
  }

  async findBySlug(slug: string): Promise<Host | undefined> {
    const row = await this.hosts.findBySlug(slug);
    return row && hostFromRow(row);
  }

  /** Changes the public slug and home time zone. @throws 400 bad values, 409 slug taken */
  async update(userId: string, input: { slug: string; timezone: string }): Promise<Host> {
    await this.ensure(userId);
    const problems = new Problems();
    if (!isValidSlug(input.slug) || RESERVED_SLUGS.has(input.slug))
      problems.add(['slug'], 'slug must be 1–50 lowercase letters, digits or inner hyphens, and not a reserved word');
    checkTimeZone(problems, ['timezone'], input.timezone);
    problems.throwIfAny();
    if (!(await this.hosts.update(userId, { slug: input.slug, time_zone: input.timezone }, this.clock.now()))) {
      throw conflict(`The slug "${input.slug}" is taken.`, [{ path: ['slug'], message: 'already taken' }]);
    }
    return { userId, slug: input.slug, timezone: input.timezone };
  }

  /**
   * Moves the host to another time zone, and with them every schedule that was in their old
   * zone (those followed the host; a schedule kept in another zone on purpose stays). Returns
   * the schedules moved. @throws 400 unknown zone
   */
  async changeTimeZone(userId: string, timezone: string): Promise<{ host: Host; moved: string[] }> {
    const host = await this.ensure(userId);
    const problems = new Problems();
    checkTimeZone(problems, ['timezone'], timezone);
    problems.throwIfAny();
    const now = this.clock.now();
    const moved = await this.db.transaction().execute(async (trx) => {
      await new HostRepository(trx).update(userId, { slug: host.slug, time_zone: timezone }, now);
      const schedules = new ScheduleRepository(trx);
      const following = (await schedules.listByUser(userId)).filter(
        (s) => s.timezone === host.timezone && s.timezone !== timezone,
      );
      for (const schedule of following) await schedules.update(userId, { ...schedule, timezone }, now);
      return following.map((s) => s.name);
    });
    return { host: { ...host, timezone }, moved };
  }

  private async create(userId: string, slug: string, timezone: string): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      await new HostRepository(trx).insert({
        user_id: userId,
        slug,
        time_zone: timezone,
        created_at: now,
        updated_at: now,
      });
      await new ScheduleRepository(trx).insert(
        userId,
        {
          id: newId(),
          name: 'Working hours',
          timezone,
          isDefault: true,
          weekly: DEFAULT_WEEKLY,
          overrides: [],
          outOfOffice: [],
        },
        now,
      );
    });
  }
}

function hostFromRow(row: { user_id: string; slug: string; time_zone: string }): Host {
  return { userId: row.user_id, slug: row.slug, timezone: row.time_zone };
}
