import type { AuditEvent, AuditSink } from '../../core/ports/audit-sink.js';

export const createMemoryAuditSink = (): AuditSink & { events: AuditEvent[] } => {
  const events: AuditEvent[] = [];
  return {
    events,
    async record(event) {
      events.push(event);
    },
  };
};
