import type { Row } from '../../appdb/adapter';
import type { RowImage } from '../../appdb/row-image';
import { isStorageProvider, type FileRow } from './storage-model';

/** The canonical files columns, kept in their own file_quarantine columns (what findings, the audit and older versions read). */
export const KEPT = ['id', 'userId', 'provider', 'providerFileId', 'name', 'size', 'createdAt'] as const;

export interface QuarantinedRow extends FileRow {
  createdAt: string | null;
  /** The whole row as it was (every column of the live files table, typed); absent in quarantines made before it existed. */
  image?: RowImage;
}

/** A restore (or quarantine) that cannot be done, with the reason in plain words; nothing was changed. */
export class QuarantineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuarantineError';
  }
}

export const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** PostgreSQL returns a timestamptz as a Date, SQLite as the ISO text it was given. */
export const isoOf = (value: unknown): string | null => (value == null ? null : value instanceof Date ? value.toISOString() : String(value));

/** The canonical part of a files or file_quarantine row selected with KEPT aliases. */
export function toRow(r: Row): QuarantinedRow {
  const provider = r.provider;
  return {
    id: String(r.id),
    userId: String(r.userId),
    provider: isStorageProvider(provider) ? provider : 'google',
    providerFileId: String(r.providerFileId),
    name: r.name == null ? null : String(r.name),
    size: r.size == null ? null : Number(r.size),
    createdAt: isoOf(r.createdAt),
  };
}
