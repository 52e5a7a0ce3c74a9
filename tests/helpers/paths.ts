import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer');
export const CLI_BIN = join(REPO_ROOT, 'bin', 'syncwarden.js');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'tests', 'artifacts');
