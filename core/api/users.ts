import { z } from 'zod';

/**
 * People of the product database, as the console shows them: email and name,
 * with the id (what SQL and the CLI take) kept beside. Runs, findings and
 * schedules name a user by id or by email (`user:<id>`, `user:<email>`); the
 * renderer resolves those keys in one batched `users.lookup`, and the schedule
 * form finds a user with `users.search`.
 *
 * Types and zod only: the renderer imports this file.
 */
export const PersonSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
});
export type Person = z.infer<typeof PersonSchema>;

/** The most keys one lookup resolves: a page of runs or findings. */
export const MAX_LOOKUP_KEYS = 200;

export const UsersLookupInputSchema = z.strictObject({
  /** User ids or emails (emails match case-insensitively). */
  keys: z.array(z.string().trim().min(1).max(320)).min(1).max(MAX_LOOKUP_KEYS),
});

export const UsersLookupSchema = z.object({
  /** One entry per key that names a user; a key that names none (or several) is absent, and is shown as given. */
  users: z.array(z.object({ key: z.string(), user: PersonSchema })),
  /** Why nothing could be looked up (no product database); null when the lookup ran. */
  unavailable: z.string().nullable(),
});
export type UsersLookup = z.infer<typeof UsersLookupSchema>;

export const UsersSearchInputSchema = z.strictObject({
  /** Part of an email, a name or an id (case-insensitive); empty lists the first users by email. */
  query: z.string().trim().max(200).default(''),
  limit: z.number().int().min(1).max(50).default(20),
});

export const UsersSearchSchema = z.object({
  users: z.array(PersonSchema),
  unavailable: z.string().nullable(),
});
export type UsersSearch = z.infer<typeof UsersSearchSchema>;
