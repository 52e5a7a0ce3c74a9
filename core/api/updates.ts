import { z } from 'zod';

/**
 * Where self-update stands, as "Check for updates" (Settings, the tray) reports it.
 * - unsupported: this host does not update itself (browser mode, the CLI, an unpackaged build);
 * - up-to-date: the feed has nothing newer;
 * - downloading: a newer version was found and downloads in the background;
 * - downloaded: it is ready and installs when Syncwarden quits;
 * - error: the feed or the download failed (`message` says what, in words).
 */
export const UPDATE_STATES = ['unsupported', 'up-to-date', 'downloading', 'downloaded', 'error'] as const;

export const UpdateStatusSchema = z.object({
  state: z.enum(UPDATE_STATES),
  currentVersion: z.string(),
  /** The newer version, when one was found. */
  version: z.string().optional(),
  message: z.string(),
});
export type UpdateStatus = z.infer<typeof UpdateStatusSchema>;
