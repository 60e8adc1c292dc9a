import { wrappers, type Message } from 'protobufjs';

interface TimestampObject {
  seconds?: number | string | { toNumber(): number };
  nanos?: number;
}

const secondsOf = (value: TimestampObject['seconds']): number =>
  value === undefined ? 0 : typeof value === 'object' ? value.toNumber() : Number(value);

/**
 * The gRPC servers decode and encode with @grpc/proto-loader (protobufjs), while the handlers speak ts-proto's types,
 * where a google.protobuf.Timestamp is a Date. Without this wrapper a Date in a response is sent as an empty
 * Timestamp (clients see 1970) and a request's Timestamp arrives as { seconds, nanos }.
 */
export function installTimestampWrapper(): void {
  wrappers['.google.protobuf.Timestamp'] = {
    fromObject(this: { fromObject(object: Record<string, unknown>): Message }, value: Record<string, unknown>): Message {
      if (value instanceof Date) {
        const millis = value.getTime();
        return this.fromObject({ seconds: Math.floor(millis / 1000), nanos: (((millis % 1000) + 1000) % 1000) * 1_000_000 });
      }
      return this.fromObject(value);
    },
    toObject(this: unknown, message: Message): Record<string, unknown> {
      const timestamp = message as unknown as TimestampObject;
      return new Date(secondsOf(timestamp.seconds) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1_000_000)) as unknown as Record<string, unknown>;
    },
  };
}
