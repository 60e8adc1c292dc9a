import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { Inject, Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor, type OnModuleDestroy } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { from, lastValueFrom, mergeMap, type Observable } from 'rxjs';
import { createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { gatewayV1 } from '@tradewarden/proto';
import { injectTraceHeaders, tradewardenMeter } from '@tradewarden/telemetry';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ExecutionOwnership } from '../execution/execution-ownership.service';
import { ExecutionHolders } from './execution-holders';
import { readRoute } from './read-routing';

/** Set on a read one instance forwards to another; the receiver serves it itself, whatever it believes. */
export const FORWARDED_BY = 'tradewarden-forwarded-by';
const DEFAULT_FORWARD_TIMEOUT_MS = 30_000;

type GatewayService = typeof gatewayV1.GatewayServiceService;
type ReadMethod = 'getAccount' | 'getAccounts' | 'findAccounts' | 'getGroup' | 'getSymbols' | 'getPositions' | 'getOrders';

/**
 * Serves a live read of one MT server in the instance that executes that server (readRoute): reads a caller sent
 * here for a server another instance executes are sent on to it with the caller's credentials, and its answer or
 * error comes back as it was. When that instance cannot be reached (it just died), the read is served here.
 */
@Injectable()
export class ReadForwardingInterceptor implements NestInterceptor, OnModuleDestroy {
  private readonly logger = new Logger(ReadForwardingInterceptor.name);
  private readonly peers = new Map<string, GrpcClient<GatewayService>>();
  private readonly forwarded = tradewardenMeter().createCounter('tradewarden.gateway.reads.forwarded', {
    description: 'Live reads sent on to the instance executing their server, by outcome',
    unit: '{call}',
  });

  constructor(
    private readonly ownership: ExecutionOwnership,
    private readonly holders: ExecutionHolders,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const [request, metadata, call] = context.getArgs<[{ serverId?: string }, Metadata, { getDeadline?: () => Date | number } | undefined]>();
    const method = context.getHandler().name as ReadMethod;
    if (!request?.serverId || !(metadata instanceof Metadata)) return next.handle();
    return from(this.routeOf(request.serverId, metadata)).pipe(
      mergeMap((route) => (route.kind === 'local' ? next.handle() : from(this.forward(route.to, method, request, metadata, call, next)))),
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

  private async forward(to: string, method: ReadMethod, request: { serverId?: string }, metadata: Metadata, call: { getDeadline?: () => Date | number } | undefined, next: CallHandler): Promise<unknown> {
    const onward = new Metadata();
    for (const value of metadata.get('authorization')) onward.add('authorization', value);
    for (const [key, value] of Object.entries(injectTraceHeaders())) onward.set(key, value);
    onward.set(FORWARDED_BY, this.config.advertisedAddress);
    const deadline = Number(call?.getDeadline?.() ?? Infinity);
    const timeoutMs = Number.isFinite(deadline) ? Math.max(1, deadline - Date.now()) : DEFAULT_FORWARD_TIMEOUT_MS;
    const server = { 'tradewarden.server.id': request.serverId ?? '' };
    try {
      const answer = await unaryCall(this.peer(to), method, request as never, onward, timeoutMs);
      this.forwarded.add(1, { ...server, outcome: 'answered' });
      return answer;
    } catch (error) {
      const failure = error as ServiceError;
      // UNAVAILABLE without the holder's "not here either" trailer: the holder itself could not be reached.
      if (failure.code === status.UNAVAILABLE && (failure.metadata?.get('grpc-retry-pushback-ms') ?? []).length === 0) {
        this.forwarded.add(1, { ...server, outcome: 'holder_unreachable' });
        this.logger.warn(`${to} executes ${request.serverId} but cannot be reached (${failure.details}); serving the read here`);
        return lastValueFrom(next.handle());
      }
      this.forwarded.add(1, { ...server, outcome: 'refused' });
      throw new RpcException({ code: failure.code ?? status.UNKNOWN, message: failure.details ?? String(error), metadata: failure.metadata });
    }
  }

  private peer(address: string): GrpcClient<GatewayService> {
    let client = this.peers.get(address);
    if (!client) {
      client = createGrpcClient(gatewayV1.GatewayServiceService, address, 'GatewayService');
      this.peers.set(address, client);
    }
    return client;
  }
}
