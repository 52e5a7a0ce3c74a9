import type { UpdateStatus } from '../api/updates';

/** Self-update as a host provides it (the desktop shell's electron/main/updater.ts); core only forwards. */
export interface HostUpdates {
  check(): Promise<UpdateStatus>;
}

/** The answer of hosts without self-update. */
export function updatesUnsupported(host: 'electron' | 'browser' | 'cli', currentVersion: string): UpdateStatus {
  const message =
    host === 'browser'
      ? 'Updates are a desktop feature: the desktop app downloads new versions itself. Browser mode runs the version installed on this machine; update it there.'
      : 'This copy of Syncwarden does not update itself (a development build or the command line).';
  return { state: 'unsupported', currentVersion, message };
}
