import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTION_CONFIG, CONNECTION_KINDS } from '../../core/api/connections';
import { methods } from '../../core/api/contract';
import { MAX_INPUT_DEPTH } from '../../core/api/input-shape';
import { jsonBytes, MAX_FINDING_IDS, MAX_FRAME_BYTES, MAX_INPUT_BYTES, MAX_PARAMS_BYTES } from '../../core/api/limits';
import { METHOD_NAMES } from '../../core/api/names';
import { createEngineRegistry } from '../../core/engines/registry';
import { startBrowserServer, type BrowserServer } from '../../core/server/browser-server';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { largestValue, worstCaseBytes } from '../helpers/schema-walk';
import { makeTempDir } from '../helpers/temp-dir';
import { connectWsBridge } from './ws-bridge';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * DESIGN §4.11: no contract-valid call exceeds what the transport accepts.
 * For every method: the worst case its schema allows (every string at its max
 * length in 6-byte escapes, every array full) is bounded and within
 * MAX_INPUT_BYTES; the largest valid value actually built from the schema
 * parses and, wrapped in its frame, is below the WebSocket's maxPayload; and a
 * real server answers it (result or typed error) instead of closing the socket.
 */
/** Levels of objects and arrays (what MAX_INPUT_DEPTH bounds). */
const depthOf = (value: unknown): number => (value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0);
/** The contract nests a handful of levels: the depth bound stays far above any valid input. */
const VALID_DEPTH = MAX_INPUT_DEPTH / 8;
const envelope = (method: string, input: unknown) => JSON.stringify({ type: 'call', id: Number.MAX_SAFE_INTEGER, method, input });

describe('every contract input fits the transport', () => {
  for (const method of METHOD_NAMES) {
    it(`${method}: bounded, and its largest valid input fits a frame`, () => {
      const schema = methods[method].input;
      const worst = worstCaseBytes(schema);
      expect(worst.unbounded, `unbounded fields of ${method}`).toEqual([]);
      expect(worst.bytes).toBeLessThanOrEqual(MAX_INPUT_BYTES);
      const largest = largestValue(schema);
      const parsed = schema.safeParse(largest);
      expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).toBe(true);
      expect(Buffer.byteLength(envelope(method, largest))).toBeLessThan(MAX_FRAME_BYTES);
      expect(depthOf(largest)).toBeLessThanOrEqual(VALID_DEPTH);
    });
  }

  it('connections.update accepts the largest config connections.create accepts, for every kind', () => {
    for (const kind of CONNECTION_KINDS) {
      const config = largestValue(CONNECTION_CONFIG[kind]);
      expect(CONNECTION_CONFIG[kind].safeParse(config).success, kind).toBe(true);
      expect(methods['connections.update'].input.safeParse({ id: 1, config }).success, kind).toBe(true);
    }
  });

  it('the frame limit leaves room above the input limit for the envelope', () => {
    expect(Buffer.byteLength(envelope('schedules.describe', '')) + MAX_INPUT_BYTES).toBeLessThan(MAX_FRAME_BYTES);
  });

  it('every engine’s largest valid params fit runs.start, so a repair by the most finding ids is a valid call', () => {
    const engines = createEngineRegistry({ withDemoEngine: true });
    for (const engine of engines.list()) {
      // sheet-import's params carry the whole source spec; it is started by sheets.import({id}), never with params from a client.
      if (engine.id === 'sheet-import') continue;
      const worst = worstCaseBytes(engine.params);
      expect(worst.unbounded, engine.id).toEqual([]);
      expect(worst.bytes, engine.id).toBeLessThanOrEqual(MAX_PARAMS_BYTES);
      const params = largestValue(engine.params);
      expect(engine.params.safeParse(params).success, engine.id).toBe(true);
      expect(methods['runs.start'].input.safeParse({ engine: engine.id, params }).success, engine.id).toBe(true);
      expect(depthOf({ params }), engine.id).toBeLessThanOrEqual(VALID_DEPTH);
    }
    const identityRepair = { engine: 'identity', params: { mode: 'repair', findingIds: Array.from({ length: MAX_FINDING_IDS }, (_, i) => Number.MAX_SAFE_INTEGER - i) } };
    expect(methods['runs.start'].input.safeParse(identityRepair).success).toBe(true);
    expect(jsonBytes(identityRepair)).toBeLessThan(MAX_PARAMS_BYTES);
    const tooMany = { engine: 'identity', params: { mode: 'repair', findingIds: Array.from({ length: MAX_FINDING_IDS + 1 }, (_, i) => i + 1) } };
    expect(engines.get('identity')?.params.safeParse(tooMany.params).success).toBe(false);
  });
});

describe('the largest input of every method over a real WebSocket', () => {
  let app: TestApp;
  let server: BrowserServer;
  beforeAll(async () => {
    const renderer = makeTempDir('syncwarden-renderer-');
    mkdirSync(renderer.path, { recursive: true });
    writeFileSync(join(renderer.path, 'index.html'), '<!doctype html>');
    app = await createTestApp();
    server = await startBrowserServer({ app, rendererDir: renderer.path, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await app.dispose();
  });

  it('gets an answer (a result or a typed error) for each, on one socket that stays open', async () => {
    const bridge = await connectWsBridge(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, `http://127.0.0.1:${server.port}`);
    try {
      for (const method of METHOD_NAMES) {
        const response = await bridge.invoke(method, largestValue(methods[method].input));
        expect(typeof response.ok, method).toBe('boolean');
        if (!response.ok) expect(response.error.code, method).not.toBe('internal');
      }
      expect(await bridge.invoke('app.info', {})).toMatchObject({ ok: true });
    } finally {
      bridge.close();
    }
  }, 60_000);
});
