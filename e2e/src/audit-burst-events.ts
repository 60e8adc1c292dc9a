import { randomBytes, randomUUID } from 'node:crypto';
import { Partitioners, type Kafka, type Message } from 'kafkajs';
import { buildEnvelope, encodeEnvelope, topicName, Topics, type TopicBase } from '@tradewarden/messaging';
import { commonV1, eventsV1, operationV1 } from '@tradewarden/proto';

/** One event as its producer would put it on Kafka: the topic, the key that orders it, and the envelope. */
export interface BurstEvent {
  topic: TopicBase;
  key: string;
  envelope: eventsV1.EventEnvelope;
}

const SERVERS = ['mt5-demo-1', 'mt5-demo-2', 'mt4-demo-1'];

/** The topics a burst uses, all consumed by the audit service's trail consumer. */
export const BURST_TOPICS: TopicBase[] = [Topics.approvalDecisions, Topics.executionCommands, Topics.executionResults, Topics.operationEvents, Topics.accessEvents, Topics.registryEvents];

function user(username: string, roles: string[]): commonV1.Actor {
  return { subject: randomUUID(), username, kind: commonV1.ActorKind.ACTOR_KIND_USER, roles, clientId: 'tradewarden-cli' };
}

const agent = user('agent', ['ops-agent']);
const supervisor = user('supervisor', ['ops-supervisor']);
const intruder = user('intruder', []);

/** A realistic trace id: one operation is one trace, and a burst's events carry many. */
function withTrace(envelope: eventsV1.EventEnvelope, traceId: string): eventsV1.EventEnvelope {
  return { ...envelope, traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}

/**
 * `count` distinct events of the kinds the audit service records, each on the topic and with the key its producer uses
 * (docs/events.md): per operation an approval, an execution command, an item result and a status change, interleaved
 * with access denials (keyed by subject) and registry changes (keyed by server). Thousands of operation ids and a few
 * servers spread the events over every partition of six of the topics the audit service consumes. Event ids are fresh
 * UUIDs, so each burst is distinct from every other.
 */
export function auditBurst(count: number): BurstEvent[] {
  const events: BurstEvent[] = [];
  for (let index = 0; events.length < count; index += 1) {
    const operation = Math.floor(index / 6);
    const operationId = `burst-op-${operation}-${randomBytes(4).toString('hex')}`;
    const serverId = SERVERS[operation % SERVERS.length]!;
    const login = String(500_001 + (operation % 250));
    const traceId = randomBytes(16).toString('hex');
    const balance = (1000 + operation).toFixed(2);
    const amount = ((operation % 97) + 1).toFixed(2);
    const after = (Number(balance) + Number(amount)).toFixed(2);
    const itemId = randomUUID();
    const options = { actor: agent, producer: 'intake', aggregateId: operationId };
    switch (index % 6) {
      case 0:
        events.push({
          topic: Topics.approvalDecisions,
          key: operationId,
          envelope: withTrace(
            buildEnvelope(
              { operationApproved: eventsV1.OperationApproved.fromPartial({ operationId, planDigest: randomBytes(32).toString('hex'), policyName: 'balance-small', autoApproved: false, approvers: [supervisor] }) },
              { ...options, actor: supervisor, producer: 'approval' },
            ),
            traceId,
          ),
        });
        break;
      case 1:
        events.push({
          topic: Topics.executionCommands,
          key: serverId,
          envelope: withTrace(
            buildEnvelope(
              {
                executionRequested: eventsV1.ExecutionRequested.fromPartial({
                  operationId,
                  serverId,
                  planDigest: randomBytes(32).toString('hex'),
                  operationType: 'balance.deposit',
                  submittedBy: agent.username,
                  items: [
                    operationV1.ItemPlan.fromPartial({
                      itemId,
                      rowNumber: 1,
                      spec: { serverId, balanceDeposit: { login, amount: { amount, currency: 'USD' }, comment: `payout ${operation}` } },
                      before: { balance, currency: 'USD' },
                      after: { balance: after, currency: 'USD' },
                      change: { balance: { login, dealType: operationV1.BalanceDealType.BALANCE_DEAL_TYPE_BALANCE, amount, currency: 'USD' } },
                    }),
                  ],
                }),
              },
              options,
            ),
            traceId,
          ),
        });
        break;
      case 2:
        events.push({
          topic: Topics.executionResults,
          key: operationId,
          envelope: withTrace(
            buildEnvelope(
              {
                itemExecuted: eventsV1.ItemExecuted.fromPartial({
                  operationId,
                  itemId,
                  serverId,
                  status: operationV1.ItemStatus.ITEM_STATUS_APPLIED,
                  executionToken: `TW-${itemId.replace(/-/g, '').slice(0, 28)}`,
                  mtReference: String(9_000_000 + index),
                  mtRetcode: '10009',
                  before: { balance, login },
                  after: { balance: after, login },
                  attempt: 1,
                }),
              },
              { ...options, producer: 'gateway' },
            ),
            traceId,
          ),
        });
        break;
      case 3:
        events.push({
          topic: Topics.operationEvents,
          key: operationId,
          envelope: withTrace(
            buildEnvelope(
              {
                operationStatusChanged: eventsV1.OperationStatusChanged.fromPartial({
                  operationId,
                  fromStatus: operationV1.OperationStatus.OPERATION_STATUS_EXECUTING,
                  toStatus: operationV1.OperationStatus.OPERATION_STATUS_COMPLETED,
                  reason: 'every item applied',
                }),
              },
              options,
            ),
            traceId,
          ),
        });
        break;
      case 4:
        events.push({
          topic: Topics.accessEvents,
          key: intruder.subject,
          envelope: withTrace(
            buildEnvelope(
              { accessDenied: eventsV1.AccessDenied.fromPartial({ service: 'intake', method: 'SubmitOperation', code: 'PERMISSION_DENIED', reason: 'no grant for balance.deposit', decisionId: randomUUID() }) },
              { actor: intruder, producer: 'intake', aggregateId: intruder.subject },
            ),
            traceId,
          ),
        });
        break;
      default:
        events.push({
          topic: Topics.registryEvents,
          key: serverId,
          envelope: withTrace(
            buildEnvelope(
              {
                serverRegistryChanged: eventsV1.ServerRegistryChanged.fromPartial({
                  serverId,
                  change: 'updated',
                  platform: serverId.startsWith('mt4') ? 'mt4' : 'mt5',
                  address: `https://${serverId}.example:443`,
                  tags: ['demo'],
                  maxConnections: 3 + (operation % 5),
                  passwordRef: `env:${serverId.toUpperCase().replace(/-/g, '_')}_PASSWORD`,
                  reason: `capacity change ${operation}`,
                  decisionId: randomUUID(),
                }),
              },
              { actor: user('admin', ['platform-admin']), producer: 'gateway', aggregateId: serverId },
            ),
            traceId,
          ),
        });
    }
  }
  return events;
}

/**
 * Produces the events as their services' outbox relays do (protobuf envelopes, the same headers, the Java-compatible
 * partitioner, acks from every in-sync replica), `batchSize` messages per request.
 */
export async function produceBurst(kafka: Kafka, topicPrefix: string, events: readonly BurstEvent[], batchSize = 500): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let start = 0; start < events.length; start += batchSize) {
      const byTopic = new Map<string, Message[]>();
      for (const { topic, key, envelope } of events.slice(start, start + batchSize)) {
        const name = topicName(topicPrefix, topic);
        const messages = byTopic.get(name) ?? [];
        messages.push({
          key,
          value: encodeEnvelope(envelope),
          headers: { 'event-id': envelope.eventId, 'event-type': envelope.eventType, 'content-type': 'application/x-protobuf', traceparent: envelope.traceparent },
        });
        byTopic.set(name, messages);
      }
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages })) });
    }
  } finally {
    await producer.disconnect();
  }
}
