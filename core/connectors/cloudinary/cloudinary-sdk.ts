import type { Agent } from 'node:http';
import type * as Cloudinary from 'cloudinary';
import { lazyModule } from '../../base/lazy-module';

/**
 * The slice of the cloudinary SDK this connector uses, typed as the SDK
 * really behaves in 2.11.0 (its .d.ts types `search.execute()` without the
 * options argument it takes, and every result as `any`).
 *
 * Credentials, origin and agent go in every call's options, never in the
 * global `cloudinary.config()`, so connectors for different clouds (and
 * emulators) coexist in one process. Each call gets a FRESH options object:
 * `search.execute` writes `content_type = 'json'` into the one it is given.
 */
export interface CloudinaryCallOptions {
  cloud_name: string;
  api_key: string;
  api_secret: string;
  upload_prefix: string;
  agent: Agent;
  /** Milliseconds without traffic before the agent's socket gives up (see cloudinary-agent.ts). */
  timeout: number;
  resource_type?: string;
  type?: string;
}

interface SearchBuilder {
  expression(value: string): SearchBuilder;
  max_results(value: number): SearchBuilder;
  next_cursor(value: string): SearchBuilder;
  sort_by(field: string, direction: 'asc' | 'desc'): SearchBuilder;
  with_field(value: string[]): SearchBuilder;
  execute(options: CloudinaryCallOptions): Promise<unknown>;
}

interface CloudinarySdk {
  search: { instance(): SearchBuilder };
  api: {
    ping(options: CloudinaryCallOptions): Promise<unknown>;
    resource(publicId: string, options: CloudinaryCallOptions): Promise<unknown>;
  };
  url(publicId: string, options: Record<string, unknown>): string;
}

const cloudinary = lazyModule<typeof Cloudinary>('cloudinary');

/** The SDK's v2 API, required on first use (lazy-module.ts): a process that never talks to Cloudinary never loads it. */
export const sdk = (): CloudinarySdk => cloudinary().v2 as unknown as CloudinarySdk;
