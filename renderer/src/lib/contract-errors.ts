import { zod4Resolver } from 'mantine-form-zod-resolver';
import type { z } from 'zod';

/** Field errors of a form: the input's path (`name`, `config.url`), and `form` for what belongs to no field. */
export type FieldErrors = Record<string, string>;

/** A contract message ("at least 1 minute") as a form shows it ("At least 1 minute."). */
export function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * What the host would refuse, judged in the browser by the contract's own zod
 * schema (no copy of its rules): `input` is exactly what the form would send,
 * and `fieldOf` puts each issue's path on the form field it concerns (the same
 * mapping the host's `invalid-input` refusals use), first message per field.
 */
export function contractErrors(schema: z.ZodType, input: Record<string, unknown>, fieldOf: (path: string[]) => string): FieldErrors {
  const errors: FieldErrors = {};
  for (const [path, message] of Object.entries(zod4Resolver(schema, { errorPriority: 'first' })(input))) {
    const field = fieldOf(path === '' ? [] : path.split('.'));
    if (typeof message === 'string') errors[field] ??= sentence(message);
  }
  return errors;
}

/** The host's `invalid-input` issues (ClientError details), each a path and a message. */
export function issuesOf(details: unknown): { path: string[]; message: string }[] {
  if (typeof details !== 'object' || details === null || !('issues' in details) || !Array.isArray(details.issues)) return [];
  return (details.issues as unknown[]).flatMap((issue) => {
    if (typeof issue !== 'object' || issue === null) return [];
    const { path, message } = issue as { path?: unknown; message?: unknown };
    return Array.isArray(path) && typeof message === 'string' ? [{ path: path.map(String), message }] : [];
  });
}
