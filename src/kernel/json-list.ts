/** Lists are stored as JSON text so that SQLite and PostgreSQL share one schema. */
export function toJsonList(values: readonly string[]): string {
  return JSON.stringify([...values]);
}

export function fromJsonList(text: string | null | undefined): string[] {
  if (!text) return [];
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
}
