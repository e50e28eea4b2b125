import type { UsersTable } from '../../kernel/db/schema.ts';

/** A person with an account. Contacts are normalised (lowercase email, E.164 phone). */
export interface User {
  id: string;
  email: string | null;
  emailVerified: boolean;
  phone: string | null;
  phoneVerified: boolean;
  name: string | null;
  timeZone: string | null;
  createdAt: number;
  /** When the profile or a contact's verification last changed (OIDC's `updated_at`). */
  updatedAt: number;
}

export function userFromRow(row: UsersTable): User {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.email_verified_at !== null,
    phone: row.phone,
    phoneVerified: row.phone_verified_at !== null,
    name: row.name,
    timeZone: row.time_zone,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** How a person is shown in page headers: their name, else their email, else their phone. */
export function displayName(user: User): string {
  return user.name ?? user.email ?? user.phone ?? user.id;
}
