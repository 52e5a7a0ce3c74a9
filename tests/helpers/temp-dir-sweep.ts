import { afterAll } from 'vitest';
import { removeLeftTempDirs } from './temp-dir';

/*
 * A setup file of every project: its afterAll is registered before the test file's own, so it runs after them
 * (vitest runs after-hooks in reverse order), once the file's apps and servers are closed. About 180 temporary
 * directories a suite run were left behind before it, the identity check's scratch sweep reads every entry there.
 */
afterAll(removeLeftTempDirs);
