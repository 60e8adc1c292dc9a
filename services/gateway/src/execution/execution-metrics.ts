import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { tradewardenMeter } from '@tradewarden/telemetry';
import { ExecutionOwnership } from './execution-ownership.service';

/**
 * Where execution lives in a deployment of several gateways: the execution partitions each instance holds and the
 * servers it executes (each instance exports its own series; the resource's host and process tell them apart).
 */
@Injectable()
export class ExecutionMetrics implements OnApplicationBootstrap {
  constructor(private readonly ownership: ExecutionOwnership) {}

  onApplicationBootstrap(): void {
    const meter = tradewardenMeter();
    const partitions = meter.createObservableGauge('tradewarden.gateway.execution.partitions', { description: 'Execution partitions this instance holds', unit: '{partition}' });
    const servers = meter.createObservableGauge('tradewarden.gateway.execution.servers', { description: '1 for each server this instance executes', unit: '{server}' });
    meter.addBatchObservableCallback(
      (observer) => {
        observer.observe(partitions, this.ownership.heldPartitions().length);
        for (const serverId of this.ownership.executedServers()) observer.observe(servers, 1, { 'tradewarden.server.id': serverId });
      },
      [partitions, servers],
    );
  }
}
