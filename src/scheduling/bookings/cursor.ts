/** Opaque keyset cursors for newest-first booking lists: base64url of {startAt, id}. */
export function encodeCursor(position: { startAt: number; id: string }): string {
  return Buffer.from(JSON.stringify({ s: position.startAt, i: position.id })).toString('base64url');
}

export function decodeCursor(cursor: string): { startAt: number; id: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; i?: unknown };
    if (
      typeof parsed.s === 'number' &&
      Number.isSafeInteger(parsed.s) &&
      typeof parsed.i === 'string' &&
      parsed.i.length <= 100 &&
      !parsed.i.includes('\0') // no id holds one, and PostgreSQL cannot even compare with one
    )
      return { startAt: parsed.s, id: parsed.i };
  } catch {
    // fall through: not one of ours
  }
  return undefined;
}
