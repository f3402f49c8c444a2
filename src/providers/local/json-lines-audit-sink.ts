import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditEvent, AuditSink } from '../../core/ports/audit-sink.js';

/** The audit log as JSON lines, appended one event per line (a later issue also sends it to the logger). */
export const createJsonLinesAuditSink = (options: { file: string }): AuditSink => {
  let ready: Promise<unknown> | undefined;
  return {
    async record(event: AuditEvent) {
      ready ??= mkdir(dirname(options.file), { recursive: true });
      await ready;
      await appendFile(options.file, `${JSON.stringify(event)}\n`);
    },
  };
};
