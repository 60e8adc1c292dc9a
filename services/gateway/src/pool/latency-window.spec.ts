import { LatencyWindow } from './latency-window';

describe('LatencyWindow', () => {
  it('summarises nothing as zeros', () => {
    expect(new LatencyWindow().summary()).toEqual({ count: 0, mean: 0, p99: 0, max: 0 });
  });

  it('keeps only the latest samples', () => {
    const window = new LatencyWindow(100);
    for (let i = 1; i <= 200; i += 1) window.record(i);
    expect(window.summary()).toEqual({ count: 100, mean: 150.5, p99: 200, max: 200 });
  });
});
