import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { Inject, Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor, type OnModuleDestroy } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { from, lastValueFrom, mergeMap, type Observable } from 'rxjs';
import { ServiceTokenProvider } from '@tradewarden/auth';
import { ServiceClient } from '@tradewarden/grpc';
import { gatewayV1 } from '@tradewarden/proto';
import { tradewardenMeter } from '@tradewarden/telemetry';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ExecutionOwnership } from '../execution/execution-ownership.service';
import { ExecutionHolders } from './execution-holders';
import { readRoute } from './read-routing';

/** Set on a read one instance forwards to another; the receiver serves it itself, whatever it believes. */
export const FORWARDED_BY = 'tradewarden-forwarded-by';
const RETRY_PUSHBACK = 'grpc-retry-pushback-ms';
const DEFAULT_FORWARD_TIMEOUT_MS = 30_000;
/** How long the holder may take to accept a connection before the read is served here instead. */
const CONNECT_BUDGET_MS = 2000;

type GatewayService = typeof gatewayV1.GatewayServiceService;
type ReadMethod = 'getAccount' | 'getAccounts' | 'findAccounts' | 'getGroup' | 'getSymbols' | 'getPositions' | 'getOrders';

/**
 * Serves a live read of one MT server in the instance that executes that server (readRoute): reads a caller sent
 * here for a server another instance executes are sent on to it, as this gateway (its own service token: the caller's
 * is not passed on; the reads are for Tradewarden's services alike), and its answer or error comes back as it was.
 * When that instance cannot be reached (it just died, or does not answer within a short budget), the read is served
 * here.
 */
@Injectable()
export class ReadForwardingInterceptor implements NestInterceptor, OnModuleDestroy {
  private readonly logger = new Logger(ReadForwardingInterceptor.name);
  private readonly peers = new Map<string, ServiceClient<GatewayService>>();
  private readonly tokens: ServiceTokenProvider;
  private readonly forwarded = tradewardenMeter().createCounter('tradewarden.gateway.reads.forwarded', {
    description: 'Live reads sent on to the instance executing their server, by outcome',
    unit: '{call}',
  });

  constructor(
    private readonly ownership: ExecutionOwnership,
    private readonly holders: ExecutionHolders,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.tokens = new ServiceTokenProvider(config.keycloak, config.serviceAccount);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const [request, metadata, call] = context.getArgs<[{ serverId?: string }, Metadata, { getDeadline?: () => Date | number } | undefined]>();
    const method = context.getHandler().name as ReadMethod;
    if (!request?.serverId || !(metadata instanceof Metadata)) return next.handle();
    return from(this.routeOf(request.serverId, metadata)).pipe(
      mergeMap((route) => (route.kind === 'local' ? next.handle() : from(this.forward(route.to, method, request, call, next)))),
    );
  }

  onModuleDestroy(): void {
    for (const client of this.peers.values()) client.close();
  }

  private async routeOf(serverId: string, metadata: Metadata) {
    const forwarded = metadata.get(FORWARDED_BY).length > 0;
    const holdsServerHere = this.ownership.holdsPartitionOf(serverId);
    const holder = forwarded || holdsServerHere ? undefined : await this.holders.holderOf(serverId);
    return readRoute({ forwarded, holdsServerHere, holder, self: this.config.advertisedAddress });
  }

  private async forward(to: string, method: ReadMethod, request: { serverId?: string }, call: { getDeadline?: () => Date | number } | undefined, next: CallHandler): Promise<unknown> {
    const deadline = Number(call?.getDeadline?.() ?? Infinity);
    const timeoutMs = Number.isFinite(deadline) ? Math.max(1, deadline - Date.now()) : DEFAULT_FORWARD_TIMEOUT_MS;
    const server = { 'tradewarden.server.id': request.serverId ?? '' };
    const peer = this.peer(to);
    const serveHere = (why: string) => {
      this.forwarded.add(1, { ...server, outcome: 'holder_unreachable' });
      this.logger.warn(`${to} executes ${request.serverId} but ${why}; serving the read here`);
      return lastValueFrom(next.handle());
    };
    if (!(await peer.ready(Math.min(CONNECT_BUDGET_MS, timeoutMs / 2)))) return serveHere(`did not accept a connection within ${CONNECT_BUDGET_MS} ms`);
    try {
      const answer = await peer.call(method, request as never, { timeoutMs, metadata: { [FORWARDED_BY]: this.config.advertisedAddress } });
      this.forwarded.add(1, { ...server, outcome: 'answered' });
      return answer;
    } catch (error) {
      const failure = error as ServiceError;
      const pushback = failure.metadata?.get(RETRY_PUSHBACK) ?? [];
      // UNAVAILABLE without the holder's "not here either" trailer: the holder itself went away mid-call.
      if (failure.code === status.UNAVAILABLE && pushback.length === 0) return serveHere(`cannot be reached (${failure.details})`);
      this.forwarded.add(1, { ...server, outcome: 'refused' });
      const trailers = new Metadata();
      for (const value of pushback) trailers.add(RETRY_PUSHBACK, value);
      throw new RpcException({ code: failure.code ?? status.UNKNOWN, message: failure.details ?? String(error), metadata: trailers });
    }
  }

  private peer(address: string): ServiceClient<GatewayService> {
    let client = this.peers.get(address);
    if (!client) {
      client = new ServiceClient(gatewayV1.GatewayServiceService, 'GatewayService', address, this.tokens, DEFAULT_FORWARD_TIMEOUT_MS);
      this.peers.set(address, client);
    }
    return client;
  }
}
