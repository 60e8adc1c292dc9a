import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import { Mt5Connector } from '../mt5/mt5-connector';
import { GatewayError } from '../gateway-errors';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { MtServerRow } from './mt-server.entity';

/**
 * Server registry and the connectors to each server. The registry is seeded from configuration at boot; connectors
 * are opened lazily and closed on shutdown. (Connection pools with caps, breakers and rate limits replace the single
 * session per server in the gateway issue.)
 */
@Injectable()
export class ServerRegistryService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ServerRegistryService.name);
  private readonly connectors = new Map<string, Mt5Connector>();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const repository = this.dataSource.getRepository(MtServerRow);
    for (const server of this.config.servers) {
      await repository.save(repository.create({ ...server }));
    }
    this.logger.log(`registry holds ${await repository.count()} server(s)`);
  }

  async list(): Promise<MtServerRow[]> {
    return this.dataSource.getRepository(MtServerRow).find({ order: { id: 'ASC' } });
  }

  async connector(serverId: string): Promise<Mt5Connector> {
    const existing = this.connectors.get(serverId);
    if (existing) return existing;
    const server = await this.dataSource.getRepository(MtServerRow).findOneBy({ id: serverId });
    if (!server) throw new GatewayError('SERVER_NOT_FOUND', `no MT server "${serverId}" in the registry`);
    if (server.platform !== 'mt5') throw new GatewayError('PLATFORM_NOT_SUPPORTED', `server "${serverId}" is ${server.platform}; only mt5 is connected so far`);
    const connector = new Mt5Connector({
      baseUrl: server.address,
      managerLogin: server.managerLogin,
      password: resolveSecret(server.passwordRef),
      requestTimeoutMs: server.requestTimeoutMs,
    });
    this.connectors.set(serverId, connector);
    return connector;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.connectors.values()].map((connector) => connector.close()));
    this.connectors.clear();
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
