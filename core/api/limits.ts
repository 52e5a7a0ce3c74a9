import { z } from 'zod';

/**
 * Transport limits, and the schema helpers that keep every contract-valid input
 * inside them (DESIGN §4.11: no valid call exceeds what the transport accepts).
 *
 * MAX_FRAME_BYTES is the WebSocket host's maxPayload. Every method's input is
 * bounded field by field (string max lengths, array max sizes, bounded JSON
 * blobs) so that its largest valid value, serialised with the worst JSON
 * escaping (6 bytes per UTF-16 unit, e.g. "\u0001" or a lone surrogate), stays
 * at most MAX_INPUT_BYTES (under two thirds of a frame; the envelope is a few bytes).
 * tests/unit/contract-limits.test.ts proves it for every method.
 */
export const MAX_FRAME_BYTES = 1024 * 1024;
export const MAX_INPUT_BYTES = 640 * 1024;
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

/** Where the size test finds the byte bound of a field whose size is checked as a whole. */
export const jsonBounds = z.registry<{ maxBytes: number }>();

/**
 * A JSON object of at most `maxBytes` serialised, whose values match `value`
 * (free-form engine params and schema mappings: z.unknown(), checked in depth
 * elsewhere, e.g. by the engine's own params schema).
 */
export function boundedRecord<V extends z.ZodType>(value: V, maxBytes: number) {
  const schema = z
    .record(z.string().max(200), value)
    .refine((record) => jsonBytes(record) <= maxBytes, { message: `at most ${Math.round(maxBytes / 1024)} KB of JSON` });
  jsonBounds.add(schema, { maxBytes });
  return schema;
}

export function boundedJsonObject(maxBytes: number) {
  return boundedRecord(z.unknown(), maxBytes);
}

/**
 * PEM text (certificates): printable ASCII and line breaks only, so each
 * character costs at most 2 JSON bytes ("\n", "\"") and a whole CA bundle
 * (AWS RDS's global bundle is about 160 KB) fits in one call.
 */
export function pemText(maxChars: number) {
  const schema = z
    .string()
    .max(maxChars)
    .regex(/^[\x20-\x7e\r\n\t]*$/, 'expected PEM text (printable ASCII and line breaks)');
  jsonBounds.add(schema, { maxBytes: 2 + 2 * maxChars });
  return schema;
}

/** Engine params in runs.start and schedules: a repair by ids fits (5,000 ids), larger selections are filters (user, all). */
export const MAX_PARAMS_BYTES = 128 * 1024;
/** How many finding ids one repair may name; more is "all" or "user" (a filter), not a list. */
export const MAX_FINDING_IDS = 5_000;
