import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import type { commonV1 } from '@tradewarden/proto';
import { buildEnvelope } from './envelope';
import { MessagingRuntime, MESSAGING_OPTIONS, type MessagingOptions } from './messaging.module';
import { OutboxWriter } from './outbox-writer';
import { Topics } from './topics';

/**
 * Writes every refused gRPC call as an AccessDenied event (through the outbox) so the audit trail records it.
 * Matches @tradewarden/grpc's AccessDeniedRecorder.
 */
@Injectable()
export class OutboxAccessDeniedRecorder {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly runtime: MessagingRuntime,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async recordDenied(input: {
    method: string;
    code: 'UNAUTHENTICATED' | 'PERMISSION_DENIED';
    reason: string;
    actor?: commonV1.Actor;
    decisionId?: string;
    /** The service that refused the call; defaults to this one (identity names the service that asked it). */
    service?: string;
  }): Promise<void> {
    const key = input.actor?.subject || 'anonymous';
    const envelope = buildEnvelope(
      {
        accessDenied: {
          service: input.service ?? this.options.service,
          method: input.method,
          code: input.code,
          reason: input.reason,
          decisionId: input.decisionId ?? '',
        },
      },
      { actor: input.actor, producer: this.options.service, aggregateId: key },
    );
    await this.dataSource.transaction((manager) => this.outbox.add(manager, Topics.accessEvents, key, envelope));
    this.runtime.publishSoon();
  }
}
