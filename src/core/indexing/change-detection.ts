import type { SourceEntry } from '../ports/document-source.js';
import type { DocumentRecord } from '../ports/index-catalog-store.js';

/**
 * The coarsest file timestamp granularity in common use (FAT's 2 s; ext3 and HFS+ have 1 s, and
 * Linux stamps files from a clock that ticks every few milliseconds even on ext4).
 */
const TIMESTAMP_GRANULARITY_MS = 2_000;

/**
 * Whether size and modification time alone show a file unchanged since its content was hashed, so
 * it need not be read. Anything else (another size or mtime, or no trusted mtime) sends the file to
 * be read and hashed, and the hash decides. This is safe because every edit moves the mtime to a
 * later timestamp tick, except a second edit within the tick of the first; that case is excluded
 * when the mtime is recorded (see `trustedModifiedAt`).
 */
export const isUnchangedOnDisk = (record: DocumentRecord | undefined, entry: SourceEntry): boolean =>
  record !== undefined && record.modifiedAt !== '' && record.size === entry.size && record.modifiedAt === entry.modifiedAt.toISOString();

/**
 * The mtime to record beside a hash taken from a read that started at `readStartedAt`, or '' (no
 * shortcut next time) when the file was modified within a timestamp tick of that read: an edit
 * made just after the read, in the same tick, would keep the mtime, so the next run must hash the
 * file again ("racily clean", as git calls it). An mtime in the future (a clock ahead) is not trusted either.
 */
export const trustedModifiedAt = (entry: SourceEntry, readStartedAt: number): string =>
  entry.modifiedAt.getTime() < readStartedAt - TIMESTAMP_GRANULARITY_MS ? entry.modifiedAt.toISOString() : '';
