import { z } from 'zod';
import { Count, engineResult } from '../engine-result';
import type { EngineModes } from '../engine-policies';
import { MailCheckResult } from './mail-check-result';

/** The result of a mail import (mail-report.ts summarise). */

const Pass = z.enum(['full', 'history', 'fallback']);
const UserLine = z.object({
  userId: z.string(),
  email: z.string().nullable(),
  outcome: z.enum(['imported', 'needs-reconnect', 'no-account', 'failed']),
  pass: Pass.nullable(),
  imported: Count,
  skipped: Count,
  gone: Count,
  reconnected: z.boolean().optional(),
  message: z.string().optional(),
});

export const MailImportResultSchema = engineResult({
  mode: z.literal('import'),
  users: Count,
  imported: Count,
  skipped: Count,
  gone: Count,
  outcomes: z.record(UserLine.shape.outcome, Count),
  passes: z.record(Pass, Count),
  needsReconnect: z.array(z.object({ userId: z.string(), email: z.string().nullable(), provider: z.literal('google') })),
  reconnected: Count,
  perUser: z.array(UserLine).max(1000),
  perUserTruncated: z.boolean(),
  /** Skipped by a scheduled import: the user's own import is off. Optional: runs stored before issue 18 lack them. */
  disabled: Count.optional(),
  disabledUsers: z.array(z.object({ userId: z.string(), email: z.string().nullable() })).max(1000).optional(),
  itemsFailed: Count,
});
/** The interface summarise() returns is mail-report.ts's MailImportResult; tests/unit/engine-results.test.ts holds the two together. */

export const mailImportModes = {
  import: { result: MailImportResultSchema, description: "Import each user's new Gmail messages." },
  check: { result: MailCheckResult, description: 'What an import would bring in, per user; writes nothing.' },
} satisfies EngineModes;
