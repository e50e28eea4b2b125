import { z } from 'zod';
import { scheduleToJson } from '../../api/to-json.ts';
import { Problems } from '../../errors.ts';
import { readQueryTime } from '../../api/query-time.ts';
import { localIsoFormatter } from '../../slots/local-iso.ts';
import { DAY, toIsoUtc } from '../../time.ts';
import { args, type SchedulingTool } from '../tool.ts';

const clock = z.string().regex(/^\d\d:\d\d$/);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** list_schedules, create_availability_override, set_out_of_office, find_available_slots. */
export const availabilityTools: SchedulingTool[] = [
  {
    name: 'list_schedules',
    scope: 'read:availability',
    readOnly: true,
    title: 'List schedules',
    description: 'Schedules with weekly hours, date overrides, out-of-office and time zone.',
    input: {},
    run: async (s, userId) => ({ schedules: (await s.schedules.list(userId)).map(scheduleToJson) }),
  },
  {
    name: 'create_availability_override',
    scope: 'write:availability',
    readOnly: false,
    title: 'Override one date',
    description:
      'Custom hours on one date, or closes it when no intervals are given. Uses the default schedule unless scheduleId is given.',
    input: {
      date,
      intervals: z
        .array(z.object({ start: clock, end: clock }))
        .max(24)
        .optional(),
      scheduleId: z.string().max(100).optional(),
    },
    async run(s, userId, a) {
      const {
        date: day,
        intervals,
        scheduleId,
      } = args<{ date: string; intervals?: Array<{ start: string; end: string }>; scheduleId?: string }>(a);
      const id = scheduleId ?? (await s.schedules.forEventType(userId, null)).id;
      return scheduleToJson(await s.schedules.setOverride(userId, id, { date: day, intervals: intervals ?? [] }));
    },
  },
  {
    name: 'set_out_of_office',
    scope: 'write:availability',
    readOnly: false,
    title: 'Block a date range',
    description: 'Out of office from one date to another (inclusive).',
    input: { from: date, to: date, reason: z.string().max(500).optional(), scheduleId: z.string().max(100).optional() },
    async run(s, userId, a) {
      const { from, to, reason, scheduleId } = args<{ from: string; to: string; reason?: string; scheduleId?: string }>(
        a,
      );
      const id = scheduleId ?? (await s.schedules.forEventType(userId, null)).id;
      return scheduleToJson(await s.schedules.addOutOfOffice(userId, id, { from, to, ...(reason ? { reason } : {}) }));
    },
  },
  {
    name: 'find_available_slots',
    scope: 'read:availability',
    readOnly: true,
    title: 'Find available slots',
    description: 'Free slots of an event type between two dates (at most 31 days), with local times in tz.',
    input: {
      eventTypeId: z.string().min(1).max(100),
      from: z.string().max(40).optional(),
      to: z.string().max(40).optional(),
      duration: z.number().int().optional(),
      tz: z.string().max(100).optional(),
    },
    async run(s, userId, a) {
      const q = args<{ eventTypeId: string; from?: string; to?: string; duration?: number; tz?: string }>(a);
      const problems = new Problems();
      const from = readQueryTime(problems, 'from', q.from, q.tz ?? 'UTC', 'from') ?? s.kernel.clock.now();
      const to = readQueryTime(problems, 'to', q.to, q.tz ?? 'UTC', 'to') ?? from + 7 * DAY;
      problems.throwIfAny();
      const answer = await s.availability.forHost(userId, q.eventTypeId, {
        from,
        to,
        durationMin: q.duration,
        timezone: q.tz,
      });
      const local = localIsoFormatter(answer.timezone, from, to + 12 * 3600_000);
      return {
        durationMin: answer.durationMin,
        timezone: answer.timezone,
        slots: answer.slots.map((x) => ({ start: toIsoUtc(x.start), localStart: local(x.start) })),
      };
    },
  },
];
