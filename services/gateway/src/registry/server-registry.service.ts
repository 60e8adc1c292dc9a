import { readFileSync } from 'node:fs';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import { ConnectionSlots } from '../coordination/connection-slots';
import type { MtConnector } from '../mt/mt-connector';
import { Mt4BridgeConnector } from '../mt4/mt4-bridge-connector';
import { Mt5Connector } from '../mt5/mt5-connector';
import { MtServerPool, type PoolStats } from '../pool/mt-server-pool';
import { GatewayError } from '../gateway-errors';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { buildEnvelope, MessagingRuntime, OutboxWriter, Topics } from '@tradewarden/messaging';
import { commonV1 } from '@tradewarden/proto';
import type { ServerEntry } from './server-config';
import { MtServerRow } from './mt-server.entity';

/** Who changes the registry when the gateway applies its configuration at boot (no person; shown as such in the audit). */
const CONFIGURATION_ACTOR: commonV1.Actor = { subject: 'service:gateway', username: 'gateway configuration', kind: commonV1.ActorKind.ACTOR_KIND_SERVICE, roles: [], clientId: 'tradewarden-gateway' };

/** The settings a ServerRegistryChanged event carries, to tell whether a boot changed any. */
function publishedSettings(row: MtServerRow): string {
  return JSON.stringify([row.platform, row.address, [...row.tags].sort(), row.maxConnections, row.passwordRef]);
}

/** How long an idle session of a server this instance does not execute stays open. */
const READS_ONLY_IDLE_CLOSE_MS = 5000;

/**
 * Server registry and the connection pool of each server. The registry is seeded from configuration at boot; a pool
 * opens on first use and drains on shutdown (borrowed sessions finish their request first).
 */
@Injectable()
export class ServerRegistryService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ServerRegistryService.name);
  // Promises, so that concurrent first uses of a server share one pool instead of racing to open two.
  private readonly connectors = new Map<string, Promise<MtConnector>>();
  private readonly opened = new Map<string, MtConnector>();
  /** The registry row's updated_at each open connector was built from. */
  private readonly versions = new Map<string, number>();
  /** Whether this instance executes a server (only then are its idle sessions kept warm); see keepWarmWhere. */
  private executes: (serverId: string) => boolean = () => true;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly outbox: OutboxWriter,
    private readonly messaging: MessagingRuntime,
    private readonly slots: ConnectionSlots,
  ) {
    // The slots were lost with the lock session: connections that stood for them must not stay open.
    slots.onLost(() => {
      const lost = [...this.opened.entries()];
      this.opened.clear();
      this.connectors.clear();
      this.versions.clear();
      for (const [serverId, connector] of lost) {
        connector.abort().catch((error: unknown) => this.logger.warn(`closing ${serverId} after losing its slots: ${String(error)}`));
      }
    });
  }

  async onModuleInit(): Promise<void> {
    // Servers named in configuration are (re)applied at every boot; an administrator's decision to disable one stands.
    // A server that is new or whose published settings changed is a ServerRegistryChanged event like an
    // administrator's change: the audit trail records it, and identity learns the server's tags from it.
    const meta = { actor: CONFIGURATION_ACTOR, decisionId: '' };
    await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(MtServerRow);
      for (const server of this.config.servers) {
        const existing = await repository.findOneBy({ id: server.id });
        const saved = await repository.save(repository.create({ ...toRow(server), enabled: existing?.enabled ?? true, disabledReason: existing?.disabledReason ?? null }));
        if (!existing || publishedSettings(existing) !== publishedSettings(saved)) {
          await this.outbox.add(manager, Topics.registryEvents, saved.id, this.changeEvent(saved, existing ? 'updated' : 'created', 'from the gateway configuration', meta));
        }
      }
    });
    this.logger.log(`registry holds ${await this.dataSource.getRepository(MtServerRow).count()} server(s)`);
  }

  /**
   * Keeps `minIdle` sessions open only for servers this instance executes. A pool opened for reads on an instance that
   * does not execute the server opens sessions on demand and closes them 5 s after use, so that it does not hold
   * connection slots the executing instance needs (the cap counts across instances).
   */
  keepWarmWhere(executes: (serverId: string) => boolean): void {
    this.executes = executes;
  }

  async list(): Promise<MtServerRow[]> {
    return this.dataSource.getRepository(MtServerRow).find({ order: { id: 'ASC' } });
  }

  /**
   * The connector of an enabled server. Every use checks the registry row first, because another gateway instance may
   * have disabled the server or changed its settings (it closes only its own pools): a disabled server is refused and
   * its pool here closed, a changed one is reopened with the new settings.
   */
  async connector(serverId: string): Promise<MtConnector> {
    const row = await this.dataSource.getRepository(MtServerRow).findOne({ where: { id: serverId }, select: { id: true, enabled: true, disabledReason: true, updatedAt: true } });
    if (!row) throw new GatewayError('SERVER_NOT_FOUND', `no MT server "${serverId}" in the registry`);
    const known = this.versions.get(serverId);
    if (!row.enabled || (known !== undefined && known !== row.updatedAt.getTime())) await this.closeServer(serverId);
    if (!row.enabled) throw new GatewayError('SERVER_DISABLED', `server "${serverId}" is out of service: ${row.disabledReason ?? 'disabled'}`);
    return this.openConnector(serverId);
  }

  private openConnector(serverId: string): Promise<MtConnector> {
    let connector = this.connectors.get(serverId);
    if (!connector) {
      connector = this.open(serverId);
      this.connectors.set(serverId, connector);
      // A failed open (unknown server, missing secret) is not cached: the next call tries again.
      connector.catch(() => this.connectors.delete(serverId));
    }
    return connector;
  }

  private async open(serverId: string): Promise<MtConnector> {
    const server = await this.dataSource.getRepository(MtServerRow).findOneBy({ id: serverId });
    if (!server) throw new GatewayError('SERVER_NOT_FOUND', `no MT server "${serverId}" in the registry`);
    if (!server.enabled) throw new GatewayError('SERVER_DISABLED', `server "${serverId}" is out of service: ${server.disabledReason ?? 'disabled'}`);
    this.versions.set(serverId, server.updatedAt.getTime());
    const settings = {
      maxConnections: server.maxConnections,
      minIdle: this.executes(server.id) ? server.minIdle : 0,
      // Sessions opened here for reads (during a rebalance: reads normally go to the executing instance) give their
      // slots back soon after use.
      idleCloseMs: this.executes(server.id) ? undefined : READS_ONLY_IDLE_CLOSE_MS,
      acquireTimeoutMs: server.acquireTimeoutMs,
      requestsPerSecond: server.requestsPerSecond,
      breakerThreshold: 5,
      breakerHalfOpenAfterMs: 10_000,
    };
    const tls = {
      caPem: server.tlsCaFile ? readCertificate(server.tlsCaFile, server.id) : undefined,
      pinnedSha256: server.tlsPinnedSha256 ?? undefined,
    };
    if (server.platform === 'mt4') {
      const bridge = new Mt4BridgeConnector(
        server.id,
        {
          address: server.address.replace(/^grpcs?:\/\//, ''),
          bridgeKey: resolveSecret(server.passwordRef),
          requestTimeoutMs: server.requestTimeoutMs,
          tls: server.address.startsWith('grpcs://') ? tls : undefined,
        },
        settings,
        this.slots,
      );
      this.opened.set(serverId, bridge);
      return bridge;
    }
    const pool = new MtServerPool(
      server.id,
      {
        serverId: server.id,
        baseUrl: server.address,
        managerLogin: server.managerLogin,
        password: resolveSecret(server.passwordRef),
        requestTimeoutMs: server.requestTimeoutMs,
        tls,
      },
      settings,
      this.slots,
    );
    pool.start();
    const connector = new Mt5Connector(pool);
    this.opened.set(serverId, connector);
    return connector;
  }

  /**
   * Adds or changes a server as an administrator asked (validated like configuration), records the change as an event
   * for the audit trail, and closes the server's open pool so the next use opens one with the new settings.
   */
  async upsert(entry: ServerEntry, meta: { actor: commonV1.Actor; decisionId: string }): Promise<{ row: MtServerRow; created: boolean }> {
    const { row, created } = await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(MtServerRow);
      const existing = await repository.findOneBy({ id: entry.id });
      const saved = await repository.save(repository.create({ ...toRow(entry), enabled: true, disabledReason: null }));
      await this.outbox.add(manager, Topics.registryEvents, entry.id, this.changeEvent(saved, existing ? 'updated' : 'created', '', meta));
      return { row: saved, created: !existing };
    });
    this.messaging.publishSoon();
    await this.closeServer(entry.id);
    return { row, created };
  }

  async disable(serverId: string, reason: string, meta: { actor: commonV1.Actor; decisionId: string }): Promise<MtServerRow> {
    const row = await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(MtServerRow);
      const existing = await repository.findOneBy({ id: serverId });
      if (!existing) throw new GatewayError('SERVER_NOT_FOUND', `no MT server "${serverId}" in the registry`);
      existing.enabled = false;
      existing.disabledReason = reason;
      const saved = await repository.save(existing);
      await this.outbox.add(manager, Topics.registryEvents, serverId, this.changeEvent(saved, 'disabled', reason, meta));
      return saved;
    });
    this.messaging.publishSoon();
    await this.closeServer(serverId);
    return row;
  }

  private changeEvent(row: MtServerRow, change: string, reason: string, meta: { actor: commonV1.Actor; decisionId: string }) {
    return buildEnvelope(
      {
        serverRegistryChanged: {
          serverId: row.id,
          change,
          platform: row.platform,
          address: row.address,
          tags: row.tags,
          maxConnections: row.maxConnections,
          passwordRef: row.passwordRef,
          reason,
          decisionId: meta.decisionId,
        },
      },
      { actor: meta.actor, producer: 'gateway', aggregateId: row.id },
    );
  }

  /**
   * Drains and forgets a server's open connector (after its settings changed or it was disabled, or this instance no
   * longer executes for it); its connections close and their slots are given back. The next use opens a new one.
   */
  async closeServer(serverId: string): Promise<void> {
    const connector = this.opened.get(serverId);
    this.opened.delete(serverId);
    this.connectors.delete(serverId);
    this.versions.delete(serverId);
    await connector?.drain();
  }

  /** Pool metrics of every open server connection. */
  poolStats(): PoolStats[] {
    return [...this.opened.values()].map((connector) => connector.stats());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.closeAll();
  }

  /** Drains every open connector (shutdown): their connections close and give their slots back. */
  async closeAll(): Promise<void> {
    const open = [...this.opened.values()];
    this.opened.clear();
    this.connectors.clear();
    this.versions.clear();
    await Promise.all(open.map((connector) => connector.drain()));
  }
}

function toRow(entry: ServerEntry): Omit<MtServerRow, 'updatedAt' | 'enabled' | 'disabledReason'> {
  const { tls, ...settings } = entry;
  return { ...settings, tlsCaFile: tls.caFile ?? null, tlsPinnedSha256: tls.pinnedSha256 ?? null };
}

function readCertificate(path: string, serverId: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new GatewayError('SECRET_UNRESOLVED', `server ${serverId}: cannot read tls.caFile ${path}: ${(error as Error).message}`);
  }
}

/** Resolves a credential reference at the moment of use; the value never reaches logs, events or the database. */
export function resolveSecret(reference: string): string {
  const match = /^env:([A-Z_][A-Z0-9_]*)$/.exec(reference);
  if (!match) throw new GatewayError('SECRET_UNRESOLVED', `unsupported secret reference "${reference}"`);
  const value = process.env[match[1]!];
  if (!value) throw new GatewayError('SECRET_UNRESOLVED', `secret reference ${reference} is not set in the gateway's environment`);
  return value;
}
