import { z } from 'zod';

/**
 * What the desktop shows as an OS notification. Core derives it from run results
 * (core/app/notifier.ts); the host only displays it and, on click, opens `route`.
 */
export const NOTIFICATION_KINDS = ['run-failed', 'run-partial', 'needs-reconnect', 'safety-guard', 'import-finished'] as const;

export const NotificationSchema = z.object({
  kind: z.enum(NOTIFICATION_KINDS),
  title: z.string(),
  body: z.string(),
  /** A hash route of the renderer, e.g. "/runs?run=12". */
  route: z.string().startsWith('/'),
});
export type AppNotification = z.infer<typeof NotificationSchema>;
