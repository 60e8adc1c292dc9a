import { HealthImplementation, type ServingStatus } from 'grpc-health-check';

/**
 * The standard grpc.health.v1 service. '' is the whole server; each gRPC service is listed by its full name. A service
 * reports NOT_SERVING until its dependencies are up and again while it drains on shutdown.
 */
export class ServingStatusRegistry {
  readonly implementation: HealthImplementation;

  constructor(private readonly serviceNames: string[]) {
    const initial: Record<string, ServingStatus> = { '': 'NOT_SERVING' };
    for (const name of serviceNames) initial[name] = 'NOT_SERVING';
    this.implementation = new HealthImplementation(initial);
  }

  setServing(serving: boolean): void {
    const status: ServingStatus = serving ? 'SERVING' : 'NOT_SERVING';
    this.implementation.setStatus('', status);
    for (const name of this.serviceNames) this.implementation.setStatus(name, status);
  }
}
