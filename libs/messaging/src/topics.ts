/**
 * Kafka topics and what keys them (the contract is documented in proto/tradewarden/events/v1/events.proto).
 * Keys decide ordering: everything about one operation is keyed by operation id; execution commands by server id
 * so that a server's traffic and connection pool stay with one gateway instance.
 */
export const Topics = {
  operationEvents: 'tradewarden.intake.operation-events.v1',
  approvalDecisions: 'tradewarden.approval.decision-events.v1',
  executionCommands: 'tradewarden.gateway.execution-commands.v1',
  executionResults: 'tradewarden.gateway.execution-results.v1',
  accessEvents: 'tradewarden.identity.access-events.v1',
  registryEvents: 'tradewarden.gateway.registry-events.v1',
  templateEvents: 'tradewarden.intake.template-events.v1',
  delegationEvents: 'tradewarden.approval.delegation-events.v1',
  platformChangeCommands: 'tradewarden.platform.change-commands.v1',
  complianceRecords: 'tradewarden.audit.compliance-records.v1',
  // The same records and checkpoints as complianceRecords, each envelope in the proto3 JSON mapping, for consumers
  // without protobuf.
  complianceRecordsJson: 'tradewarden.audit.compliance-records-json.v1',
} as const;

export type TopicBase = (typeof Topics)[keyof typeof Topics];

/** The topic's name in a deployment whose topics carry a prefix (test suites, shared clusters). */
export function topicName(prefix: string, base: TopicBase): string {
  return prefix ? `${prefix}.${base}` : base;
}
