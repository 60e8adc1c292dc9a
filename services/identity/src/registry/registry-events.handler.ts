import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConsumedEvent, ConsumedEventHandler } from '@tradewarden/messaging';
import { PolicyStore } from '../authorization/policy-store.service';

/**
 * Keeps identity's server -> tags projection from the gateway's ServerRegistryChanged events, for grants scoped by
 * tag. The consumer records each event id in the same transaction (a redelivery is skipped); an event older than the
 * row it would replace is ignored, so a late delivery cannot bring back tags the registry already changed.
 */
@Injectable()
export class RegistryEventsHandler implements ConsumedEventHandler {
  private readonly logger = new Logger(RegistryEventsHandler.name);

  constructor(private readonly policies: PolicyStore) {}

  async handle({ envelope }: ConsumedEvent, manager: EntityManager): Promise<void> {
    const change = envelope.serverRegistryChanged;
    if (!change) return;
    if (!change.serverId) {
      this.logger.warn(`registry event ${envelope.eventId} names no server; ignored`);
      return;
    }
    // A disabled server keeps its tags: grants still name it, and the gateway is what refuses to execute there.
    const tags = [...new Set(change.tags.filter((tag) => tag.length > 0))].sort();
    await manager.query(
      `INSERT INTO server_tags (server_id, tags, changed_at, event_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (server_id) DO UPDATE SET tags = EXCLUDED.tags, changed_at = EXCLUDED.changed_at, event_id = EXCLUDED.event_id
       WHERE server_tags.changed_at <= EXCLUDED.changed_at`,
      [change.serverId, tags, envelope.occurredAt ?? new Date(), envelope.eventId],
    );
    this.policies.invalidateAfterCommit(manager);
  }
}
