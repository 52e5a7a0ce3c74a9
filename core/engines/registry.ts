import { demoEngine } from './demo';
import { EngineRegistry, type AnyEngine } from './engine';
import { identityEngine } from './identity';
import { mailImportEngine } from './mail-import';
import { mediaImportEngine } from './media-import';
import { sheetImportEngine } from './sheet-import';
import { storageOrphansEngine } from './storage-orphans';

/** The engines the shipped console offers: one line per engine folder (its index.ts), nothing else to change. */
export const BUILTIN_ENGINES: readonly AnyEngine[] = [identityEngine, mediaImportEngine, sheetImportEngine, storageOrphansEngine, mailImportEngine];

export interface RegistryOptions {
  /** Adds the demonstration engine: tests, benchmarks and `--with-demo-engine` only. */
  withDemoEngine?: boolean;
}

export function createEngineRegistry(options: RegistryOptions = {}): EngineRegistry {
  return new EngineRegistry(options.withDemoEngine ? [...BUILTIN_ENGINES, demoEngine] : BUILTIN_ENGINES);
}
