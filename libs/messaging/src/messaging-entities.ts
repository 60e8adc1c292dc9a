import { DeadLetter } from './dead-letter.entity';
import { OutboxMessage } from './outbox-message.entity';
import { ProcessedEvent } from './processed-event.entity';

/** Entities every service that publishes or consumes events registers with its data source. */
export const messagingEntities = [OutboxMessage, ProcessedEvent, DeadLetter];
