import { Partitioners, type PartitionMetadata } from 'kafkajs';

/** Execution-command partitions to let go of and to take, from what Kafka assigned and what this instance holds. */
export function assignmentChanges(assigned: ReadonlySet<number>, held: ReadonlySet<number>): { lost: number[]; gained: number[] } {
  return {
    lost: [...held].filter((partition) => !assigned.has(partition)).sort((a, b) => a - b),
    gained: [...assigned].filter((partition) => !held.has(partition)).sort((a, b) => a - b),
  };
}

const partitioner = Partitioners.DefaultPartitioner();

/**
 * The partition the producers' partitioner (kafkajs' DefaultPartitioner, murmur2 of the key, as Java's) gives a
 * server's commands among `partitions`: for ledger rows written before the ledger recorded the partition it came from.
 */
export function partitionOfServer(serverId: string, partitions: number): number {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
    offlineReplicas: [],
  }));
  return partitioner({ topic: 'execution-commands', partitionMetadata, message: { key: serverId, value: null } });
}
