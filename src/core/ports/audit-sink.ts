/** One line of the audit log: admin actions and refusals, never question text. */
export type AuditEvent = {
  at: string;
  tenantId: string;
  userId: string;
  channelId?: string;
  action: string;
  outcome: 'allowed' | 'refused';
  reason?: string;
  details?: Record<string, string | number | boolean>;
};

export type AuditSink = { record(event: AuditEvent): Promise<void> };
