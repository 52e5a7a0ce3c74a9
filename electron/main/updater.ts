import type { AppUpdater, UpdateInfo } from 'electron-updater';
import type { UpdateStatus } from '../../core/api/updates';
import type { HostUpdates } from '../../core/app/updates';
import type { Logger } from '../../core/logging/logger';
import { redactString } from '../../core/logging/redact';

/** Overrides the packaged feed (electron-builder.yml `publish`) with another generic feed, e.g. a staging server. */
export const UPDATE_FEED_ENV = 'SYNCWARDEN_UPDATE_URL';

/** What of electron-updater's AppUpdater the shell uses (a test passes a real updater with a fake app adapter). */
export type Updater = Pick<AppUpdater, 'autoDownload' | 'autoInstallOnAppQuit' | 'forceDevUpdateConfig' | 'logger' | 'setFeedURL' | 'checkForUpdates' | 'on'>;

export interface UpdateServiceOptions {
  /** Loaded lazily: electron-updater's `autoUpdater` needs the real Electron. */
  load: () => Promise<Updater>;
  currentVersion: string;
  /** Packaged builds carry resources/app-update.yml; an unpackaged one updates only with an explicit feed. */
  isPackaged: boolean;
  /** A generic-provider feed URL (SYNCWARDEN_UPDATE_URL), overriding the packaged one. */
  feedUrl?: string | undefined;
  log: Logger;
}

/**
 * Self-update through electron-updater: "Check for updates" asks the feed;
 * a newer version downloads in the background (autoDownload) and is
 * installed when Syncwarden quits (autoInstallOnAppQuit: the updater's own
 * quit handler runs the installer once the app's `quit` event fires, which
 * the tray's Quit reaches through app.exit). The package's sha512 from
 * latest*.yml is checked by electron-updater before anything is installed.
 */
export interface UpdateService extends HostUpdates {
  /** The last known status, without asking the feed (after an 'error' event, a check asks again). */
  current(): UpdateStatus;
}

export function createUpdateService(options: UpdateServiceOptions): UpdateService {
  const { currentVersion, log } = options;
  const feedUrl = options.feedUrl?.trim() || undefined;
  let status: UpdateStatus = { state: 'up-to-date', currentVersion, message: 'Not checked yet.' };
  let updater: Promise<Updater> | undefined;

  const setup = async (): Promise<Updater> => {
    const instance = await options.load();
    instance.logger = { info: (m: unknown) => log.info({ updater: m }, 'updater'), warn: (m: unknown) => log.warn({ updater: m }, 'updater'), error: (m: unknown) => log.error({ updater: m }, 'updater') };
    instance.autoDownload = true;
    instance.autoInstallOnAppQuit = true;
    if (feedUrl) {
      instance.setFeedURL({ provider: 'generic', url: feedUrl });
      // Unpackaged (npm start) with an explicit feed: allowed, the feed is the config.
      if (!options.isPackaged) instance.forceDevUpdateConfig = true;
    }
    instance.on('update-available', (info: UpdateInfo) => {
      status = downloading(currentVersion, info.version);
    });
    instance.on('update-downloaded', (info: UpdateInfo) => {
      status = { state: 'downloaded', currentVersion, version: info.version, message: `Syncwarden ${info.version} is ready and installs when you quit Syncwarden.` };
      log.info({ version: info.version }, 'an update was downloaded; it installs on quit');
    });
    instance.on('error', (error: Error) => {
      status = { state: 'error', currentVersion, message: describeUpdateError(error, feedUrl) };
      log.warn({ err: error }, 'update check or download failed');
    });
    return instance;
  };

  return {
    current: () => status,
    async check() {
      if (!options.isPackaged && !feedUrl) {
        return { state: 'unsupported', currentVersion, message: `This is a development build; it updates only from an explicit feed (${UPDATE_FEED_ENV}).` };
      }
      // A downloaded update stays ready; checking again would only download it again.
      if (status.state === 'downloaded' || status.state === 'downloading') return status;
      try {
        updater ??= setup();
        const instance = await updater;
        const result = await instance.checkForUpdates();
        if (!result) return { state: 'unsupported', currentVersion, message: 'This installation cannot update itself (e.g. not an AppImage, deb or installer build).' };
        if (!result.isUpdateAvailable) {
          status = { state: 'up-to-date', currentVersion, message: `Syncwarden ${currentVersion} is the latest version.` };
          return status;
        }
        // The download runs on; its failure arrives as the 'error' event (and this rejection, handled here).
        result.downloadPromise?.catch(() => undefined);
        if ((status.state as UpdateStatus['state']) !== 'downloaded') status = downloading(currentVersion, result.updateInfo.version);
        return status;
      } catch (error) {
        status = { state: 'error', currentVersion, message: describeUpdateError(error, feedUrl) };
        return status;
      }
    },
  };
}

/**
 * electron-updater's `autoUpdater` from `import('electron-updater')`. The package
 * is CommonJS and defines `autoUpdater` as a getter with an arrow function,
 * which Node's CommonJS-to-ESM wrapper does not detect: the namespace lacks
 * it, `default` (module.exports) has it. Reading it creates the updater for
 * this platform, which needs the real Electron.
 */
export function pickAutoUpdater(namespace: { default?: unknown; autoUpdater?: unknown }): Updater {
  const fromDefault = typeof namespace.default === 'object' && namespace.default !== null ? (namespace.default as { autoUpdater?: unknown }).autoUpdater : undefined;
  const updater = fromDefault ?? namespace.autoUpdater;
  if (!updater) throw new Error('electron-updater did not provide autoUpdater.');
  return updater as Updater;
}

function downloading(currentVersion: string, version: string): UpdateStatus {
  return { state: 'downloading', currentVersion, version, message: `Syncwarden ${version} is downloading in the background; it installs when you quit Syncwarden.` };
}

/**
 * electron-updater's errors carry a code; say in words what went wrong, never the raw HTML of an error page.
 * The words reach Settings and an OS notification, outside the log's redaction: a feed's credentials
 * (https://user:pass@…, ?token=…), in the feed URL or quoted by the error, are masked here.
 */
export function describeUpdateError(error: unknown, feedUrl?: string): string {
  return redactString(updateErrorWords(error, feedUrl));
}

function updateErrorWords(error: unknown, feedUrl?: string): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const raw = error instanceof Error ? error.message : String(error);
  const feed = feedUrl ? ` (${feedUrl})` : '';
  if (code === 'ERR_CHECKSUM_MISMATCH' || /sha512 checksum mismatch/i.test(raw)) return 'The downloaded update does not match the checksum the feed announced; it was discarded and nothing was installed.';
  if (code === 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND') return `The update feed${feed} has no release description (latest*.yml not found).`;
  // An HTML page served with 200 parses as YAML into a string: no version, no files.
  if (code === 'ERR_UPDATER_INVALID_UPDATE_INFO' || code === 'ERR_UPDATER_INVALID_VERSION' || /Cannot parse update info|invalid update info/i.test(raw)) return `The update feed${feed} did not answer with a release description (it sent something else, e.g. an error page).`;
  if (code === 'ERR_UPDATER_NO_CHECKSUM' || code === 'ERR_UPDATER_NO_FILES_PROVIDED') return `The update feed${feed} announces a release without files or checksums; it was refused.`;
  const http = /^HTTP_ERROR_(\d{3})$/.exec(code) ?? /HttpError: (\d{3})/.exec(raw);
  if (http) return `The update feed${feed} answered HTTP ${http[1]}.`;
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|net::ERR_/.test(raw)) return `The update feed${feed} could not be reached.`;
  return `The update failed: ${raw.split('\n')[0]?.slice(0, 200) ?? 'unknown error'}`;
}
