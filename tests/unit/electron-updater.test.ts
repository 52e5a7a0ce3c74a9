import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type RequestOptions, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AppImageUpdater } from 'electron-updater/out/AppImageUpdater';
import { ElectronHttpExecutor } from 'electron-updater/out/electronHttpExecutor';
import type { AppAdapter } from 'electron-updater/out/AppAdapter';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../core/logging/logger';
import { createUpdateService, describeUpdateError, pickAutoUpdater, type Updater } from '../../electron/main/updater';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The desktop's self-update wiring (electron/main/updater.ts) with the real
 * electron-updater against a LOCAL generic feed on 127.0.0.1: electron-updater's
 * own AppImageUpdater, with a fake app adapter (what would need Electron) and
 * Node's http (instead of Electron's net). The "AppImage" in the feed is a
 * shell script; installing it on quit means electron-updater moved it over
 * the running AppImage and ran it, which the script records.
 */
const dir = makeTempDir('syncwarden-updater-');
const installedMarker = join(dir.path, 'installed.txt');
const payload = Buffer.from(`#!/bin/sh\necho "installed 0.2.0" > '${installedMarker}'\n`);
const sha512 = (data: Buffer) => createHash('sha512').update(data).digest('base64');

/** What the feed answers, per scenario. */
let feed: { yml: string; ymlStatus?: number; ymlType?: string; file: Buffer } = { yml: '', file: payload };
const requests: string[] = [];
let server: Server;
let feedUrl = '';

function latestYml(version: string, hash: string, size: number): string {
  // electron-builder's format (app-builder-lib updateInfoBuilder): files[] with base64 sha512, plus the deprecated path/sha512.
  return [`version: ${version}`, 'files:', `  - url: Syncwarden-${version}.AppImage`, `    sha512: ${hash}`, `    size: ${size}`, `path: Syncwarden-${version}.AppImage`, `sha512: ${hash}`, `releaseDate: '2026-12-01T10:00:00.000Z'`, ''].join('\n');
}

/** electron-updater's own executor (download, checksum) with Node's http in place of Electron's net. */
class NodeHttpExecutor extends ElectronHttpExecutor {
  // Electron's ClientRequest and Node's differ only in what this test never calls (followRedirect, upload progress).
  override createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): Electron.ClientRequest {
    return request(options, callback) as unknown as Electron.ClientRequest;
  }
}

function fakeAdapter(name: string): AppAdapter & { quit: () => void; fireQuit: () => void } {
  const handlers: Array<(code: number) => void> = [];
  const appUpdateConfigPath = join(dir.path, `${name}-app-update.yml`);
  // What electron-builder writes into resources/ from electron-builder.yml's `publish`.
  writeFileSync(appUpdateConfigPath, `provider: generic\nurl: https://updates.syncwarden.app/stable\nupdaterCacheDirName: syncwarden-updater-${name}\n`);
  return {
    version: '0.1.0',
    name: 'Syncwarden',
    isPackaged: true,
    appUpdateConfigPath,
    userDataPath: join(dir.path, `${name}-userData`),
    baseCachePath: join(dir.path, `${name}-cache`),
    whenReady: async () => {},
    relaunch: () => {},
    quit: () => {},
    onQuit: (handler) => handlers.push(handler),
    fireQuit: () => handlers.forEach((h) => h(0)),
  };
}

function makeUpdater(name: string) {
  const adapter = fakeAdapter(name);
  const updater = new AppImageUpdater(null, adapter);
  // The constructor leaves the executor unset when given an adapter.
  (updater as unknown as { httpExecutor: ElectronHttpExecutor }).httpExecutor = new NodeHttpExecutor();
  updater.disableDifferentialDownload = true;
  const service = createUpdateService({ load: async () => updater as Updater, currentVersion: '0.1.0', isPackaged: true, feedUrl, log: createSilentLogger() });
  return { adapter, updater, service };
}

const appImage = join(dir.path, 'Syncwarden.AppImage');
const previousAppImage = process.env.APPIMAGE;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.endsWith('/latest-linux.yml')) {
      res.writeHead(feed.ymlStatus ?? 200, { 'Content-Type': feed.ymlType ?? 'text/yaml' }).end(feed.yml);
    } else if (path.endsWith('.AppImage')) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': feed.file.length }).end(feed.file);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><title>Error 404 (Not Found)!!1</title></html>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stable`;
  // The running "AppImage" the update replaces.
  writeFileSync(appImage, 'old build');
  chmodSync(appImage, 0o755);
  process.env.APPIMAGE = appImage;
});

afterEach(() => {
  requests.length = 0;
});

afterAll(async () => {
  if (previousAppImage === undefined) delete process.env.APPIMAGE;
  else process.env.APPIMAGE = previousAppImage;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  dir.remove();
});

describe('self-update against a local generic feed', () => {
  it('finds the newer version, downloads it in the background and installs it when the app quits', async () => {
    feed = { yml: latestYml('0.2.0', sha512(payload), payload.length), file: payload };
    const { adapter, updater, service } = makeUpdater('ok');
    const downloaded = new Promise<string>((resolve) => updater.once('update-downloaded', (info: { version: string }) => resolve(info.version)));

    const status = await service.check();
    expect(status).toMatchObject({ state: 'downloading', currentVersion: '0.1.0', version: '0.2.0' });
    expect(updater.autoDownload).toBe(true);
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect(requests.some((url) => url.startsWith('/stable/latest-linux.yml'))).toBe(true);

    expect(await downloaded).toBe('0.2.0');
    expect(requests).toContain('/stable/Syncwarden-0.2.0.AppImage');
    expect(await service.check()).toMatchObject({ state: 'downloaded', version: '0.2.0', message: expect.stringMatching(/installs when you quit/) });
    expect(existsSync(installedMarker)).toBe(false);

    // Quitting runs electron-updater's quit handler: the new AppImage replaces the old one and runs its install step.
    adapter.fireQuit();
    expect(readFileSync(installedMarker, 'utf8')).toBe('installed 0.2.0\n');
    expect(readFileSync(appImage)).toEqual(payload);
  });

  it('says up to date when the feed has nothing newer', async () => {
    feed = { yml: latestYml('0.1.0', sha512(payload), payload.length), file: payload };
    const { service } = makeUpdater('same');
    expect(await service.check()).toMatchObject({ state: 'up-to-date', message: 'Syncwarden 0.1.0 is the latest version.' });
  });

  it('refuses a download whose sha512 differs from the feed’s, and installs nothing', async () => {
    feed = { yml: latestYml('0.3.0', sha512(Buffer.from('another build')), payload.length), file: payload };
    const { adapter, updater, service } = makeUpdater('badsum');
    const failed = new Promise<Error>((resolve) => updater.once('error', (error: Error) => resolve(error)));
    expect(await service.check()).toMatchObject({ state: 'downloading', version: '0.3.0' });
    expect(await failed).toMatchObject({ code: 'ERR_CHECKSUM_MISMATCH' });
    expect(service.current()).toMatchObject({ state: 'error', message: expect.stringMatching(/does not match the checksum.*nothing was installed/) });
    writeFileSync(appImage, 'old build');
    adapter.fireQuit();
    expect(readFileSync(appImage, 'utf8')).toBe('old build');
  });

  it('refuses an HTML error page in place of the feed, with a clear error (200 and 502)', async () => {
    feed = { yml: '<!DOCTYPE html><html><title>Error 502 (Server Error)!!1</title><p><b>502.</b> That’s an error.</html>', ymlType: 'text/html', file: payload };
    const page = await makeUpdater('html200').service.check();
    expect(page).toMatchObject({ state: 'error' });
    expect(page.message).toMatch(/did not answer with a release description/);
    expect(page.message).not.toContain('<');

    feed = { ...feed, ymlStatus: 502 };
    const bad = await makeUpdater('html502').service.check();
    expect(bad).toMatchObject({ state: 'error', message: expect.stringMatching(/answered HTTP 502/) });
    expect(bad.message).not.toContain('<');

    feed = { ...feed, ymlStatus: 404 };
    expect(await makeUpdater('html404').service.check()).toMatchObject({ state: 'error', message: expect.stringMatching(/no release description/) });
  });

  it('an unpackaged build without an explicit feed does not update; the error words cover unreachable feeds', async () => {
    const service = createUpdateService({ load: () => Promise.reject(new Error('must not load')), currentVersion: '0.1.0', isPackaged: false, log: createSilentLogger() });
    expect(await service.check()).toMatchObject({ state: 'unsupported', message: expect.stringMatching(/SYNCWARDEN_UPDATE_URL/) });
    expect(describeUpdateError(new Error('connect ECONNREFUSED 127.0.0.1:9'), 'http://127.0.0.1:9/')).toBe('The update feed (http://127.0.0.1:9/) could not be reached.');
  });

  it('finds autoUpdater on the CommonJS default export, where import() puts it (the namespace lacks the getter)', async () => {
    const namespace = (await import('electron-updater')) as { default?: object; autoUpdater?: unknown };
    // Reading the getter would build a real updater (it needs Electron): check the shape only. (Plain Node's
    // namespace lacks `autoUpdater`, checked by hand: node -e "import('electron-updater').then(m => 'autoUpdater' in m)" → false;
    // vitest's own interop adds it, so that half cannot be asserted here.)
    expect(typeof Object.getOwnPropertyDescriptor(namespace.default, 'autoUpdater')?.get).toBe('function');
    const updater = { checkForUpdates: () => null };
    expect(pickAutoUpdater({ default: { autoUpdater: updater } })).toBe(updater);
    expect(pickAutoUpdater({ autoUpdater: updater })).toBe(updater);
    expect(() => pickAutoUpdater({ default: {} })).toThrow(/did not provide autoUpdater/);
  });
});
