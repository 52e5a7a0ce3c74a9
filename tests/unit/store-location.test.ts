import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SecretStore } from '../../core/secrets/secret-store';
import {
  parseStoreLocation,
  readStorePointer,
  resolveStoreLocation,
  STORE_POINTER_FILE,
  storePassword,
  storePasswordKey,
  writeStorePointer,
} from '../../core/store/store-location';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sw-store-loc-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('store location', () => {
  it('a postgres:// URL is team mode, anything else a data dir', () => {
    expect(parseStoreLocation('postgres://sw@db.example:5432/syncwarden')).toEqual({ dialect: 'postgres', url: 'postgres://sw@db.example:5432/syncwarden' });
    expect(parseStoreLocation('postgresql://sw@db/sw?sslmode=require').dialect).toBe('postgres');
    expect(parseStoreLocation('data', '/base')).toEqual({ dialect: 'sqlite', dataDir: '/base/data' });
  });

  it.each([
    ['postgres://sw:hunter2@db/sw', 'user:password@'],
    ['postgres://sw@db/sw?password=hunter2', '?password='],
    ['postgres://sw@db/sw?PassWord=hunter2', '?password='],
    ['postgres://sw@db/sw?sslpassword=x', '?sslpassword='],
    ['postgres://sw@db/sw?sslkey=/k.pem', '?sslkey='],
    ['postgres://sw@db/sw?passfile=/p', '?passfile='],
    ['postgres://sw@db/sw?sslcert=-----BEGIN%20CERT', 'inline content'],
  ])('refuses a credential in the URL (%s) and says where the password goes', (url, part) => {
    expect(() => parseStoreLocation(url)).toThrow(part);
    expect(() => parseStoreLocation(url)).toThrow(/OS keychain .* PGPASSWORD/);
    try {
      parseStoreLocation(url);
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('refuses a URL with no database, an unparsable one and other schemes', () => {
    expect(() => parseStoreLocation('postgres://sw@db')).toThrow(/names no database/);
    expect(() => parseStoreLocation('postgres://')).toThrow();
    expect(() => parseStoreLocation('mysql://sw@db/sw')).toThrow(/not mysql:\/\//);
    expect(() => parseStoreLocation('  ')).toThrow(/empty/);
  });

  it('takes --store, then SYNCWARDEN_STORE, then the Settings pointer, then the data dir', () => {
    const env = { SYNCWARDEN_STORE: 'postgres://env@db/sw' };
    writeStorePointer(dir, { dialect: 'postgres', url: 'postgres://pointer@db/sw' });
    expect(resolveStoreLocation({ option: 'postgres://opt@db/sw', env, dataDir: dir })).toEqual({ location: { dialect: 'postgres', url: 'postgres://opt@db/sw' }, source: 'option' });
    expect(resolveStoreLocation({ env, dataDir: dir }).source).toBe('environment');
    expect(resolveStoreLocation({ env: {}, dataDir: dir })).toEqual({ location: { dialect: 'postgres', url: 'postgres://pointer@db/sw' }, source: 'settings' });
    writeStorePointer(dir, null);
    expect(resolveStoreLocation({ env: {}, dataDir: dir })).toEqual({ location: { dialect: 'sqlite', dataDir: dir }, source: 'default' });
  });

  it('the pointer file is private, and a hand-edited one with a password is refused', () => {
    writeStorePointer(dir, { dialect: 'postgres', url: 'postgres://sw@db/sw' });
    const file = join(dir, STORE_POINTER_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).store).toBe('postgres://sw@db/sw');
    writeFileSync(file, JSON.stringify({ store: 'postgres://sw:pw@db/sw' }));
    expect(() => readStorePointer(dir)).toThrow(/credential/);
    writeFileSync(file, '{');
    expect(() => readStorePointer(dir)).toThrow(/not readable JSON/);
  });

  it('the password comes from PGPASSWORD, else the keychain entry of that store', async () => {
    const url = 'postgres://sw@db.example:5432/syncwarden';
    const saved = new Map([[storePasswordKey(url), 'from-keychain']]);
    const secrets: SecretStore = { kind: 'memory', get: async (key) => saved.get(key) ?? null, set: async () => undefined, delete: async () => undefined };
    expect(storePasswordKey(url)).toBe('store/sw@db.example:5432/syncwarden/password');
    expect(await storePassword(url, secrets, {})).toBe('from-keychain');
    expect(await storePassword(url, secrets, { PGPASSWORD: 'from-env' })).toBe('from-env');
    expect(await storePassword('postgres://other@db/x', secrets, {})).toBeUndefined();
  });
});
