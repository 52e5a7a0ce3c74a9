import { z } from 'zod';

/**
 * Transport limits, and the schema helpers that keep every contract-valid input
 * inside them (DESIGN §4.11: no valid call exceeds what the transport accepts).
 *
 * MAX_FRAME_BYTES is the WebSocket host's maxPayload. Every method's input is
 * bounded field by field (string max lengths, array max sizes, bounded JSON
 * blobs) so that its largest valid value, serialised with the worst JSON
 * escaping (6 bytes per UTF-16 unit, e.g. "\u0001" or a lone surrogate), stays
 * at most MAX_INPUT_BYTES: half the frame, leaving room for the envelope.
 * tests/unit/contract-limits.test.ts proves it for every method.
 */
export const MAX_FRAME_BYTES = 1024 * 1024;
export const MAX_INPUT_BYTES = 512 * 1024;
/** Worst-case JSON bytes per UTF-16 code unit of a string. */
export const JSON_WORST_BYTES_PER_UNIT = 6;

/** Serialised size in UTF-8 bytes; Infinity for what JSON cannot carry (cycles, BigInt). */
export function jsonBytes(value: unknown): number {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? 0 : new TextEncoder().encode(text).length;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Where the size test finds the byte bound of a free-form JSON field. */
export const jsonBounds = z.registry<{ maxBytes: number }>();

/**
 * A free-form JSON object (engine params, a schema mapping) of at most
 * `maxBytes` serialised. Its keys and values are checked elsewhere (engine
 * params by the engine); here only its size is.
 */
export function boundedJsonObject(maxBytes: number) {
  const schema = z
    .record(z.string(), z.unknown())
    .refine((value) => jsonBytes(value) <= maxBytes, { message: `at most ${Math.round(maxBytes / 1024)} KB of JSON` });
  jsonBounds.add(schema, { maxBytes });
  return schema;
}

/** Engine params in runs.start and schedules: a repair by ids fits (5,000 ids), larger selections are filters (user, all). */
export const MAX_PARAMS_BYTES = 96 * 1024;
/** How many finding ids one repair may name; more is "all" or "user" (a filter), not a list. */
export const MAX_FINDING_IDS = 5_000;
