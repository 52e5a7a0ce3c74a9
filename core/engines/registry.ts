import { demoEngine } from './demo/demo.engine';
import { EngineRegistry, type AnyEngine } from './engine';
import { identityEngine } from './identity/identity.engine';
import { mailImportEngine } from './mail-import/mail-import.engine';
import { mediaImportEngine } from './media-import/media-import.engine';
import { sheetImportEngine } from './sheet-import/sheet-import.engine';
import { storageOrphansEngine } from './storage-orphans/storage-orphans.engine';

/** The engines the shipped console offers. Real engines add themselves here. */
export const BUILTIN_ENGINES: readonly AnyEngine[] = [identityEngine, mediaImportEngine, sheetImportEngine, storageOrphansEngine, mailImportEngine];

export interface RegistryOptions {
  /** Adds the demonstration engine: tests, benchmarks and `--with-demo-engine` only. */
  withDemoEngine?: boolean;
}

export function createEngineRegistry(options: RegistryOptions = {}): EngineRegistry {
  return new EngineRegistry(options.withDemoEngine ? [...BUILTIN_ENGINES, demoEngine] : BUILTIN_ENGINES);
}
