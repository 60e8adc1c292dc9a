import { assignmentChanges, partitionOfServer } from './partition-rules';

describe('assignmentChanges', () => {
  it('lets go of what Kafka no longer assigns and takes what is new', () => {
    expect(assignmentChanges(new Set([0, 1, 5]), new Set([1, 2, 3]))).toEqual({ lost: [2, 3], gained: [0, 5] });
  });

  it('changes nothing when the holding matches the assignment', () => {
    expect(assignmentChanges(new Set([4, 7]), new Set([7, 4]))).toEqual({ lost: [], gained: [] });
  });

  it('lets go of everything after a crash or a stop (empty assignment)', () => {
    expect(assignmentChanges(new Set(), new Set([0, 11]))).toEqual({ lost: [0, 11], gained: [] });
  });
});

describe('partitionOfServer', () => {
  it('is stable and within range', () => {
    for (const server of ['mt5-demo-1', 'mt5-demo-2', 'mt4-demo-1', 'mt5-live-eu']) {
      const partition = partitionOfServer(server, 12);
      expect(partition).toBeGreaterThanOrEqual(0);
      expect(partition).toBeLessThan(12);
      expect(partitionOfServer(server, 12)).toBe(partition);
    }
  });
});
