/** The latest request latencies of one server (a bounded window), summarised for health reports. */
export class LatencyWindow {
  private readonly samples: number[] = [];

  constructor(private readonly size = 1024) {}

  record(ms: number): void {
    this.samples.push(ms);
    if (this.samples.length > this.size) this.samples.shift();
  }

  summary(): { count: number; mean: number; p99: number; max: number } {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const count = sorted.length;
    if (count === 0) return { count: 0, mean: 0, p99: 0, max: 0 };
    return {
      count,
      mean: sorted.reduce((sum, value) => sum + value, 0) / count,
      p99: sorted[Math.min(count - 1, Math.floor(count * 0.99))]!,
      max: sorted[count - 1]!,
    };
  }
}
