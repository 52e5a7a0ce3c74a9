/**
 * Proves the layer boundaries of DESIGN.md §2 are enforced by eslint.config.mjs, by
 * linting in-memory code as if it lived at realistic paths in the repo.
 * Each snippet uses what it imports, so the only errors are the ones under test.
 */
import { resolve } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '../..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

async function lint(relPath: string, code: string): Promise<{ errorCount: number; warningCount: number; messages: Linter.LintMessage[] }> {
  const [result] = await eslint.lintText(code, { filePath: resolve(repoRoot, relPath) });
  if (!result) throw new Error(`no lint result for ${relPath}`);
  return result;
}

/** Lint, then assert the exact error count and that every message comes from `ruleId`. */
async function expectErrors(relPath: string, code: string, ruleId: string, count: number): Promise<Linter.LintMessage[]> {
  const result = await lint(relPath, code);
  expect(result.messages.map((m) => m.ruleId)).toEqual(Array<string>(count).fill(ruleId));
  expect(result.errorCount).toBe(count);
  expect(result.warningCount).toBe(0);
  return result.messages;
}

async function expectClean(relPath: string, code: string): Promise<void> {
  const result = await lint(relPath, code);
  expect(result.messages).toEqual([]);
}

describe('core/ stays plain Node', () => {
  it('rejects importing the electron package', async () => {
    const [msg] = await expectErrors('core/store/x.ts', "import { app } from 'electron';\nexport const a = app;\n", 'no-restricted-imports', 1);
    expect(msg?.message).toContain('core/ runs in plain Node');
  });

  it('rejects electron subpaths such as electron/main', async () => {
    await expectErrors('core/store/x.ts', "import { app } from 'electron/main';\nexport const a = app;\n", 'no-restricted-imports', 1);
  });

  it("rejects a relative import of the repo's electron/ folder", async () => {
    await expectErrors(
      'core/store/x.ts',
      "import { createWindow } from '../../electron/main/window';\nexport const a = createWindow;\n",
      'no-restricted-imports',
      1,
    );
  });

  it("rejects a relative import of the repo's renderer/ folder", async () => {
    await expectErrors('core/store/x.ts', "import { App } from '../../renderer/src/App';\nexport const a = App;\n", 'no-restricted-imports', 1);
  });

  it('rejects a dynamic import() of electron, which no-restricted-imports cannot see', async () => {
    await expectErrors('core/store/x.ts', "export const load = () => import('electron');\n", 'no-restricted-syntax', 1);
  });

  it.each([
    ['core/index.ts', '../electron/main/window'],
    ['core/engines/storage-orphans/storage-orphans.engine.ts', '../../../renderer/src/App'],
  ])('rejects a relative import of electron/ or renderer/ from any folder depth (%s)', async (file, spec) => {
    await expectErrors(file, `import { x } from '${spec}';\nexport const a = x;\n`, 'no-restricted-imports', 1);
  });

  it('rejects `any` in core', async () => {
    await expectErrors('core/api/x.ts', 'export const id = (value: any) => value;\n', '@typescript-eslint/no-explicit-any', 1);
  });

  it('accepts a clean core file using Node built-ins, npm packages and other core modules', async () => {
    await expectClean(
      'core/store/x.ts',
      [
        "import { readFileSync } from 'node:fs';",
        "import { z } from 'zod';",
        "import type { Run } from '../api';",
        "import { transition } from '../runs/state-machine';",
        'export const a = [readFileSync, z, transition];',
        'export type R = Run;',
        '',
      ].join('\n'),
    );
  });
});

describe('renderer/ is browser code that sees core only as types', () => {
  it.each(['node:fs', 'fs', 'path', 'fs/promises', 'child_process'])('rejects the Node built-in %s', async (mod) => {
    const [msg] = await expectErrors('renderer/src/App.tsx', `import x from '${mod}';\nexport const a = x;\n`, 'no-restricted-imports', 1);
    expect(msg?.message).toContain('no Node built-ins');
  });

  it('rejects importing electron', async () => {
    await expectErrors('renderer/src/App.tsx', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n", 'no-restricted-imports', 1);
  });

  it('rejects a runtime import from @core/api (it would bundle zod)', async () => {
    const [msg] = await expectErrors(
      'renderer/src/App.tsx',
      "import { RUN_STATES } from '@core/api';\nexport const a = RUN_STATES;\n",
      'no-restricted-imports',
      1,
    );
    expect(msg?.message).toContain('only types from core/api');
  });

  it('rejects a mixed import from @core/api with one runtime specifier', async () => {
    await expectErrors(
      'renderer/src/App.tsx',
      "import { type Run, RUN_STATES } from '@core/api';\nexport type R = Run;\nexport const a = RUN_STATES;\n",
      'no-restricted-imports',
      1,
    );
  });

  it('rejects a dynamic import() of @core/api', async () => {
    await expectErrors('renderer/src/App.tsx', "export const load = () => import('@core/api');\n", 'no-restricted-syntax', 1);
  });

  it('accepts a runtime import from a schema module of core/api (the forms validate with the contract)', async () => {
    await expectClean('renderer/src/App.tsx', "import { RUN_STATES } from '@core/api/models';\nexport const a = RUN_STATES;\n");
    await expectClean('renderer/src/components/x/Form.tsx', "import { ScheduleSpecSchema } from '../../../../core/api/schedules';\nexport const a = ScheduleSpecSchema;\n");
  });

  it.each(['@core/api/contract', '@core/api/transport', '@core/api/index', '../../core/api/contract'])('rejects a runtime import from %s (it would bundle every schema)', async (spec) => {
    const [msg] = await expectErrors('renderer/src/App.tsx', `import { methods } from '${spec}';\nexport const a = methods;\n`, 'no-restricted-imports', 1);
    expect(msg?.message).toContain('schema modules');
  });

  it('accepts a type-only import from @core/api/contract', async () => {
    await expectClean('renderer/src/App.tsx', "import type { MethodName } from '@core/api/contract';\nexport type M = MethodName;\n");
  });

  it('rejects a runtime relative import from core/store', async () => {
    await expectErrors('renderer/src/App.tsx', "import { openStore } from '../../core/store/store';\nexport const a = openStore;\n", 'no-restricted-imports', 1);
  });

  it('rejects even a type-only import from core/ outside core/api', async () => {
    await expectErrors('renderer/src/App.tsx', "import type { Store } from '../../core/store/store';\nexport type S = Store;\n", 'no-restricted-imports', 1);
  });

  it("rejects the @core alias outside core/api", async () => {
    await expectErrors('renderer/src/App.tsx', "import { openStore } from '@core/store/store';\nexport const a = openStore;\n", 'no-restricted-imports', 1);
  });

  it('accepts `import type { Run } from "@core/api"`', async () => {
    await expectClean('renderer/src/App.tsx', "import type { Run } from '@core/api';\nexport type R = Run;\n");
  });

  it('accepts an import whose specifiers are all inline type-only', async () => {
    await expectClean('renderer/src/App.tsx', "import { type Run, type RunState } from '@core/api';\nexport type R = Run | RunState;\n");
  });

  it('accepts a type-only relative import from core/api', async () => {
    await expectClean('renderer/src/lib/client.ts', "import type { SyncwardenBridge } from '../../../core/api';\nexport type B = SyncwardenBridge;\n");
  });

  it('counts folder depth exactly: a renderer folder named core is not the repo core/', async () => {
    await expectClean('renderer/src/features/runs/RunList.tsx', "import { Panel } from '../core/Panel';\nexport const a = Panel;\n");
  });
});

describe('electron/preload is a sandboxed preload', () => {
  it('accepts electron, @core/api, events and its own files', async () => {
    await expectClean(
      'electron/preload/index.ts',
      [
        "import { contextBridge } from 'electron';",
        "import { IPC_INVOKE_CHANNEL } from '@core/api';",
        "import { EventEmitter } from 'node:events';",
        "import { expose } from './expose';",
        'export const a = [contextBridge, IPC_INVOKE_CHANNEL, EventEmitter, expose];',
        '',
      ].join('\n'),
    );
  });

  it.each(['fs', 'node:child_process', 'zod'])('rejects %s', async (mod) => {
    await expectErrors('electron/preload/index.ts', `import x from '${mod}';\nexport const a = x;\n`, 'no-restricted-imports', 1);
  });

  it('rejects reaching into electron/main or core outside core/api', async () => {
    await expectErrors(
      'electron/preload/index.ts',
      "import { w } from '../main/window';\nimport { s } from '../../core/store/store';\nexport const a = [w, s];\n",
      'no-restricted-imports',
      2,
    );
  });
});

describe('electron/main', () => {
  it('rejects importing renderer code', async () => {
    await expectErrors('electron/main/index.ts', "import { App } from '../../renderer/src/App';\nexport const a = App;\n", 'no-restricted-imports', 1);
  });

  it('accepts electron, Node built-ins and core', async () => {
    await expectClean(
      'electron/main/index.ts',
      "import { app } from 'electron';\nimport { join } from 'node:path';\nimport { openStore } from '../../core/store/store';\nexport const a = [app, join, openStore];\n",
    );
  });
});

describe('an engine folder is entered only through its index.ts (issue 17)', () => {
  const use = (spec: string) => `import { x } from '${spec}';\nexport const a = x;\n`;

  it.each([
    ['core/app/handlers.ts', '../engines/storage-orphans/storage-restore'],
    ['core/app/handlers.ts', '../../core/engines/identity/identity-plan'],
    ['core/scheduler/deep/x.ts', '../../engines/mail-import/mail-db'],
    ['core/engines/registry.ts', './demo/demo.engine'],
    ['core/engines/identity/identity.handlers.ts', '../storage-orphans/storage-model'],
    ['core/engines/identity/sub/x.ts', '../../media-import/media-model'],
    ['core/engines/identity/x.ts', '../media-import/index/extra'],
    ['bench/sheet-import.bench.ts', '../core/engines/sheet-import/download-sheets'],
    ['scripts/demo/demo-app-db.ts', '../../core/engines/mail-import/mail-db'],
    ['bin/x.ts', '../core/engines/identity/identity.engine'],
    ['electron/main/index.ts', '../../core/engines/storage-orphans/storage-restore'],
  ])('%s may not import %s', async (file, spec) => {
    const [msg] = await expectErrors(file, use(spec), 'no-restricted-imports', 1);
    expect(msg?.message).toContain('only through its index.ts');
  });

  it('refuses a type-only deep import too, and a dynamic import()', async () => {
    await expectErrors('core/app/x.ts', "import type { FindingDetails } from '../engines/identity/identity-findings';\nexport type F = FindingDetails;\n", 'no-restricted-imports', 1);
    await expectErrors('core/app/x.ts', "export const load = () => import('../engines/identity/identity-plan');\n", 'no-restricted-syntax', 1);
  });

  it.each([
    ['core/app/handlers.ts', '../engines/identity'],
    ['core/app/handlers.ts', '../engines/identity/index'],
    ['core/app/handlers.ts', '../engines/registry'],
    ['core/runs/run-manager.ts', '../engines/engine-resources'],
    ['core/engines/registry.ts', './demo'],
    ['core/engines/registry.ts', './engine'],
    ['core/engines/identity/identity.handlers.ts', './identity-sync-table'],
    ['core/engines/identity/identity.handlers.ts', '../engine-policies'],
    ['core/engines/identity/identity.handlers.ts', '../../store/store'],
    ['core/engines/identity/identity.handlers.ts', '../storage-orphans'],
    ['core/engines/identity/sub/x.ts', '../identity-model'],
    ['bench/sheet-import.bench.ts', '../core/engines/sheet-import'],
    ['scripts/demo/demo-app-db.ts', '../../core/engines/registry'],
  ])('%s may import %s', async (file, spec) => {
    await expectClean(file, use(spec));
  });
});
