import { Injectable, Logger } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type { ConsumedEvent, ConsumedEventHandler } from '@tradewarden/messaging';
import type { ServerTags } from '../policy/approval-policy';
import { ServerTagsRow } from './server-tags.entity';

/**
 * Keeps approval's server -> tags projection from the gateway's ServerRegistryChanged events, for policies scoped by
 * tag. The consumer records each event id in the same transaction (a redelivery is skipped); an event older than the row
 * it would replace is ignored, so a late delivery cannot bring back tags the registry already changed.
 */
@Injectable()
export class RegistryEventsHandler implements ConsumedEventHandler {
  private readonly logger = new Logger(RegistryEventsHandler.name);

  async handle({ envelope }: ConsumedEvent, manager: EntityManager): Promise<void> {
    const change = envelope.serverRegistryChanged;
    if (!change) return;
    if (!change.serverId) {
      this.logger.warn(`registry event ${envelope.eventId} names no server; ignored`);
      return;
    }
    const tags = [...new Set(change.tags.filter((tag) => tag.length > 0))].sort();
    await manager.query(
      `INSERT INTO server_tags (server_id, tags, changed_at, event_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (server_id) DO UPDATE SET tags = EXCLUDED.tags, changed_at = EXCLUDED.changed_at, event_id = EXCLUDED.event_id
       WHERE server_tags.changed_at <= EXCLUDED.changed_at`,
      [change.serverId, tags, envelope.occurredAt ?? new Date(), envelope.eventId],
    );
  }
}

/** The tags of these servers as known now; a server the registry never announced has none. */
export async function serverTagsOf(manager: EntityManager, serverIds: Iterable<string>): Promise<ServerTags> {
  const ids = [...serverIds];
  if (ids.length === 0) return new Map();
  const rows = await manager.getRepository(ServerTagsRow).findBy({ serverId: In(ids) });
  return new Map(rows.map((row) => [row.serverId, row.tags]));
}
