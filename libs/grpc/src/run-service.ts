import { Logger } from '@nestjs/common';
import { ConfigError } from '@tradewarden/config';
import type { RunningGrpcService } from './start-grpc-service';

/**
 * The process entry of a service: start it, print a clear message and exit 1 on bad configuration, and on SIGTERM or
 * SIGINT drain (health NOT_SERVING), close and flush telemetry before exiting.
 */
export function runService(name: string, start: () => Promise<RunningGrpcService>, telemetry: { shutdown(): Promise<void> }): void {
  const logger = new Logger(name);
  start()
    .then((service) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.log(`${signal}: shutting down`);
        service
          .close()
          .then(() => telemetry.shutdown())
          .then(() => process.exit(0))
          .catch((error: unknown) => {
            logger.error(`shutdown failed: ${String(error)}`);
            process.exit(1);
          });
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    })
    .catch((error: unknown) => {
      if (error instanceof ConfigError) logger.error(error.message);
      else logger.error(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    });
}
