// @ts-check
/**
 * Lint config. The important part is the layer boundaries of DESIGN.md §2:
 *
 *   renderer → core/api (types; values from its schema modules)     electron → core     core → nothing of ours above it
 *
 * They are enforced with the core `no-restricted-imports` rule (ESLint 10 supports
 * `regex` patterns and `allowTypeImports` natively, so the typescript-eslint copy of the
 * rule is not needed), plus `no-restricted-syntax` for dynamic `import()` / `require()`,
 * which `no-restricted-imports` does not see.
 *
 * Relative imports are checked exactly, not by guessing: a file N folders below the repo
 * root reaches the root with exactly N `../`, so each layer gets one config block per
 * folder depth (`core/*`, `core/* /*`, …) whose regexes use that N. This is why
 * `renderer/src/core/Button.tsx` (a renderer folder that happens to be called "core")
 * is not mistaken for the repo's `core/`. Non-normalised paths (`../x/../../core`) and
 * computed specifiers (`import(name)`) are not checked.
 *
 * Engine folders (issue 17): nothing outside `core/engines/<id>/` imports from inside it
 * except through its `index.ts`. Files outside core/engines reach an engine folder through
 * core/ (exactly `depth - 1` levels up) or the repo root (`depth` levels up), so each depth
 * block refuses `engines/<id>/<anything but index>` after exactly that climb; files inside
 * core/engines get their own blocks (after the core ones, so they win), which also refuse
 * `<id>/…` reached from core/engines itself (`depth - 2` levels up): a sibling engine's
 * internals, or the registry importing an engine file instead of its index. An engine's own
 * files import each other with `./`, which no pattern touches.
 *
 * Flat config does not merge rule options: the last block matching a file wins for a
 * given rule. Each layer therefore sets its full option list in one block per depth, and
 * no other block may set `no-restricted-imports` / `no-restricted-syntax` for those files.
 */
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Folders linted with type information (the promise rules below). */
const TYPED_FOLDERS = ['core', 'electron', 'scripts', 'bench', 'tests'];

/** Deepest folder level with an exact block; files deeper than this share the last one. */
const MAX_DEPTH = 10;

const escape = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** `^` then exactly `n` levels up (or at least `n` when `orMore`), optionally after `./`. */
const up = (/** @type {number} */ n, orMore = false) =>
  `^(?:\\./)?${n > 0 ? `(?:\\.\\./){${n}${orMore ? ',' : ''}}` : ''}`;

/** Node built-ins, with or without `node:`, including subpaths such as `fs/promises`. */
const nodeBuiltinNames = [...new Set(builtinModules.map((m) => m.split('/')[0] ?? m))];
const NODE_BUILTIN = `^(?:node:|(?:${nodeBuiltinNames.map(escape).join('|')})(?:/|$))`;
/** The electron package, its subpaths (`electron/main`) and the @electron/* scope. */
const ELECTRON_PKG = '^(?:electron(?:/|$)|@electron/)';

/** `n` levels up, where 0 means `./` (a bare `engines/…` would be a package name, not a path). */
const rel = (/** @type {number} */ n, orMore = false) => (n === 0 ? '^\\./' : up(n, orMore));

/** After reaching core/engines/: one engine folder, then anything but its index (`<id>`, `<id>/index`, `<id>/index.ts` pass). */
const ENGINE_INTERNAL = '[^./][^/]*/(?!index(?:\\.[cm]?[jt]s)?$)';
const DEEP_ENGINE_MESSAGE =
  'import an engine folder only through its index.ts (`engines/<id>`): export what outsiders need there. Only files inside the same engine folder import its other files.';

/**
 * @typedef {{ regex: string, message: string, allowTypeImports?: boolean }} Pattern
 * @typedef {(depth: number, orMore: boolean) => Pattern[]} LayerPatterns
 */

/** @type {LayerPatterns} */
const corePatterns = (d, more) => [
  {
    regex: ELECTRON_PKG,
    message: 'core/ runs in plain Node and must not import electron. Put Electron code in electron/main and hand it to core through a port.',
  },
  {
    regex: `${up(d, more)}(?:electron|renderer)(?:/|$)`,
    message: 'core/ must not import from electron/ or renderer/ (dependency direction: renderer → core/api types, electron → core).',
  },
  {
    // Conventional electron-vite aliases; none is configured today, keep it that way for core.
    regex: '^@(?:renderer|main|preload)(?:/|$)',
    message: 'core/ must not import from electron/ or renderer/ (dependency direction: renderer → core/api types, electron → core).',
  },
  // Into an engine folder from anywhere in core/, through core/ or through the repo root.
  { regex: `${rel(d - 1, more)}engines/${ENGINE_INTERNAL}`, message: DEEP_ENGINE_MESSAGE },
  { regex: `${up(d, more)}core/engines/${ENGINE_INTERNAL}`, message: DEEP_ENGINE_MESSAGE },
];

/**
 * Files under core/engines/ (depth 2 and more): the core rules, plus an engine folder reached from
 * core/engines itself (`./<id>/…` from the registry, `../<other>/…` from an engine file).
 * @type {LayerPatterns}
 */
const enginesPatterns = (d, more) => [...corePatterns(d, more), { regex: `${rel(d - 2, more)}${ENGINE_INTERNAL}`, message: DEEP_ENGINE_MESSAGE }];

/**
 * bench/, scripts/ and bin/: plain Node tools over core; they too see an engine only through its index.
 * @type {LayerPatterns}
 */
const toolPatterns = (d, more) => [{ regex: `${up(d, more)}core/engines/${ENGINE_INTERNAL}`, message: DEEP_ENGINE_MESSAGE }];

/**
 * The core/api modules the renderer may import values from: zod schemas and enums that carry
 * no host code (each imports only zod and its siblings in this list).
 */
const RENDERER_RUNTIME_API = ['models', 'connections', 'schedules', 'sheets', 'limits', 'postgres-url', 'names', 'secret-text', 'run-scope'];

/** @type {LayerPatterns} */
const rendererPatterns = (d, more) => [
  {
    regex: NODE_BUILTIN,
    message: 'renderer/ is browser code: no Node built-ins. Ask the host through the core/api client.',
  },
  {
    regex: ELECTRON_PKG,
    message: 'renderer/ must not import electron: it talks to the host only through the bridge typed by core/api.',
  },
  {
    // Runtime imports reach only the schema modules the forms and lists share with the host
    // (enums, limits, zod schemas); the barrel and contract.ts stay types-only, so the
    // renderer bundles what it validates with, not every method's schema.
    regex: `^(?:@core/api|${up(d, more).slice(1)}core/api)(?:/(?!(?:${RENDERER_RUNTIME_API.join('|')})$).*)?$`,
    allowTypeImports: true,
    message: `renderer/ may import only types from core/api (\`import type { … }\`), and values only from its schema modules (${RENDERER_RUNTIME_API.map((m) => `@core/api/${m}`).join(', ')}): the barrel and the contract would bundle every method's schema.`,
  },
  {
    regex: `^(?:@core|${up(d, more).slice(1)}core)(?:/(?!api(?:/|$)).*)?$`,
    message: 'renderer/ must not import from core/ (only types from core/api).',
  },
  {
    regex: `${up(d, more)}electron(?:/|$)`,
    message: 'renderer/ must not import from electron/: the bridge types live in core/api.',
  },
];

/** @type {LayerPatterns} */
const preloadPatterns = (d, more) => [
  {
    // A sandboxed preload's require() offers only these (Electron docs, "Process Sandboxing").
    regex: '^(?!\\.\\.?/|electron$|@core/api$|(?:node:)?(?:events|timers|url)$)',
    message: "a sandboxed preload may import only 'electron', '@core/api' (bundled) and 'events'/'timers'/'url'. Do file, process and network work in electron/main behind IPC.",
  },
  {
    // From electron/preload/…, `d - 1` levels up is electron/; stay in preload/ or go to core/api.
    regex: `${up(d - 1, more)}(?!preload(?:/|$)|\\.\\./core/api(?:/|$))`,
    message: 'the preload may import only its own files and core/api.',
  },
];

/** @type {LayerPatterns} */
const mainPatterns = (d, more) => [
  {
    regex: `(?:${up(d, more)}renderer(?:/|$)|^@renderer(?:/|$))`,
    message: 'electron/main must not import renderer code; the renderer is loaded as a page.',
  },
  { regex: `${up(d, more)}core/engines/${ENGINE_INTERNAL}`, message: DEEP_ENGINE_MESSAGE },
];

/**
 * Rule options for one layer at one depth. Dynamic `import()` and `require()` are always
 * runtime loads, so they get every pattern, with no type-only allowance.
 * @param {Pattern[]} patterns
 * @returns {import('eslint').Linter.RulesRecord}
 */
function boundaryRules(patterns) {
  const selectors = patterns.flatMap(({ regex, message }) => {
    const re = `/${new RegExp(regex).source}/i`;
    return [
      { selector: `ImportExpression[source.value=${re}]`, message },
      { selector: `CallExpression[callee.name="require"][arguments.0.value=${re}]`, message },
    ];
  });
  return {
    'no-restricted-imports': ['error', { patterns }],
    'no-restricted-syntax': ['error', ...selectors],
  };
}

/**
 * One block per folder depth under `root` (e.g. `core` → `core/*`, `core/* /*`, …).
 * @param {string} name
 * @param {string} root
 * @param {LayerPatterns} layerPatterns
 */
function layerBoundaries(name, root, layerPatterns) {
  const rootDepth = root.split('/').length;
  return Array.from({ length: MAX_DEPTH - rootDepth + 1 }, (_, i) => {
    const depth = rootDepth + i;
    const deepest = depth === MAX_DEPTH;
    const glob = `${root}/${'*/'.repeat(i)}${deepest ? '**' : '*'}`;
    return {
      name: `syncwarden/boundaries/${name}/depth-${depth}`,
      files: [glob],
      rules: boundaryRules(layerPatterns(depth, deepest)),
    };
  });
}

export default defineConfig([
  globalIgnores(
    ['out/', 'dist/', 'release/', 'coverage/', 'tests/artifacts/', '.electron-native/', 'bench/index.bundle.cjs'],
    'syncwarden/ignores',
  ),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    name: 'syncwarden/defaults',
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },

  // Globals per runtime.
  {
    name: 'syncwarden/globals/node',
    files: ['core/**', 'electron/main/**', 'tests/**', 'bench/**', 'scripts/**', 'bin/**', '*.{js,mjs,cjs,ts,mts,cts}'],
    languageOptions: { globals: globals.node },
  },
  {
    name: 'syncwarden/globals/browser',
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    // A sandboxed preload runs in the page, with a few Node globals polyfilled.
    name: 'syncwarden/globals/preload',
    files: ['electron/preload/**'],
    languageOptions: {
      globals: { ...globals.browser, process: 'readonly', Buffer: 'readonly', setImmediate: 'readonly', clearImmediate: 'readonly' },
    },
  },
  {
    // package.json has no "type": plain .js files (bin/) and .cjs are CommonJS.
    name: 'syncwarden/commonjs',
    files: ['bin/**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  {
    name: 'syncwarden/react-hooks',
    files: ['renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      // Only says "React Compiler will skip this component" (e.g. for TanStack Table/Virtual
      // hooks). The build does not run React Compiler, so it is noise; the correctness
      // rules (rules-of-hooks, purity, refs, immutability, …) stay on.
      'react-hooks/incompatible-library': 'off',
    },
  },

  {
    // Typed rules, the safety net of the async console store (#20): a store call that is neither awaited nor
    // handled, an await of something that is not a promise, or a promise where a plain value or a
    // void-returning callback is expected (an async listener whose rejection nobody would see).
    name: 'syncwarden/typed-promises',
    // Files on disk only: the project service knows nothing of text linted under a made-up path
    // (tests/unit/lint-boundaries.test.ts lints snippets as core/store/x.ts), which would be a parsing error.
    files: TYPED_FOLDERS.map((folder) => [`${folder}/**/*.ts`, (/** @type {string} */ file) => existsSync(file)]),
    ignores: ['tests/fixtures/**', 'tests/unit/renderer/**'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },

  {
    name: 'syncwarden/core-strict',
    files: ['core/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },

  ...layerBoundaries('core', 'core', corePatterns),
  // After the core blocks: the last matching block sets the rule for a file.
  ...layerBoundaries('core-engines', 'core/engines', enginesPatterns),
  ...layerBoundaries('bench', 'bench', toolPatterns),
  ...layerBoundaries('scripts', 'scripts', toolPatterns),
  ...layerBoundaries('bin', 'bin', toolPatterns),
  ...layerBoundaries('renderer', 'renderer', rendererPatterns),
  ...layerBoundaries('preload', 'electron/preload', preloadPatterns),
  ...layerBoundaries('main', 'electron/main', mainPatterns),
]);
