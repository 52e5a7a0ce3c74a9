import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * Outside review of 3d749bb: a host that keeps running calls `fetch('data:,')` once when it has a Google, Dropbox
 * or Supabase connection. Warming "only saves time later" and "never fails the create or update it follows"
 * (connections.service.ts), but the call sits outside warmSdksFor's try: a global fetch that throws synchronously
 * or does not return a promise (a test's `vi.fn()`, an instrumentation wrapper) escapes warmSdksFor, fails the
 * create after its row was written, and fails the host's start. Each test loads fresh modules: the module keeps a
 * once-per-process flag.
 */
afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

async function freshWarmup(): Promise<typeof import('../../core/connections/sdk-warmup')> {
  vi.resetModules();
  return import('../../core/connections/sdk-warmup');
}

describe('attack s17: warming Node fetch with a replaced fetch', () => {
  it('warmSdksFor does not throw when the global fetch is a mock that returns nothing (vi.fn())', async () => {
    const { warmSdksFor } = await freshWarmup();
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    expect(() => warmSdksFor([{ kind: 'supabase', config: {} }])).not.toThrow();
  });

  it('warmSdksFor does not throw when the global fetch throws synchronously', async () => {
    const { warmSdksFor } = await freshWarmup();
    vi.stubGlobal('fetch', () => {
      throw new Error('unexpected request in this test');
    });
    expect(() => warmSdksFor([{ kind: 'dropbox', config: {} }])).not.toThrow();
  });

  it('a browser-mode app with a mocked fetch starts, and creating a Supabase connection resolves (the row is saved either way)', async () => {
    vi.resetModules();
    const { createTestApp } = await import('../helpers/test-app');
    vi.stubGlobal('fetch', vi.fn());
    const app = await createTestApp();
    try {
      const created = app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: 'http://127.0.0.1:9' }, secrets: { serviceRoleKey: 'key' } });
      await expect(created).resolves.toMatchObject({ kind: 'supabase', name: 'Supabase' });
      expect((await app.connections.list()).map((c) => c.name)).toEqual(['Supabase']);
    } finally {
      await app.dispose();
    }
  }, 60_000);

  it('a browser-mode app whose data dir has a Google/Dropbox/Supabase connection starts when fetch is mocked to throw', async () => {
    vi.resetModules();
    const { createTestApp } = await import('../helpers/test-app');
    const { makeTempDir } = await import('../helpers/temp-dir');
    const dir = makeTempDir();
    try {
      vi.stubGlobal('fetch', vi.fn(async () => new Response('')));
      const first = await createTestApp({ dataDir: dir.path });
      await first.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: 'http://127.0.0.1:9' }, secrets: { serviceRoleKey: 'key' } });
      await first.close();
      vi.resetModules();
      const again = await import('../helpers/test-app');
      vi.stubGlobal('fetch', () => {
        throw new Error('mock: no network in this test');
      });
      const second = again.createTestApp({ dataDir: dir.path });
      await expect(second).resolves.toBeDefined();
      await (await second).close();
    } finally {
      dir.remove();
    }
  }, 60_000);

  // Attack that failed, kept for coverage: a fetch that rejects (or answers without a body) leaves no unhandled rejection.
  it('a fetch that rejects, or answers something without arrayBuffer, leaves no unhandled rejection', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      for (const answer of [() => Promise.reject(new Error('offline')), () => Promise.resolve({ ok: true })]) {
        const { warmSdksFor } = await freshWarmup();
        const fetchMock = vi.fn(answer);
        vi.stubGlobal('fetch', fetchMock);
        expect(warmSdksFor([{ kind: 'supabase', config: {} }, { kind: 'dropbox', config: {} }])).toEqual([]);
        expect(fetchMock).toHaveBeenCalledTimes(1);
        expect(fetchMock).toHaveBeenCalledWith('data:,');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
