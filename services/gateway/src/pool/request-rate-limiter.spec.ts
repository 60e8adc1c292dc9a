import { RequestRateLimiter } from './request-rate-limiter';

describe('RequestRateLimiter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function clock() {
    let now = 0;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  }

  it('lets a burst through at once, then paces to the rate', async () => {
    const time = clock();
    const limiter = new RequestRateLimiter(10, 2, time.now);
    const granted: number[] = [];
    for (let i = 0; i < 5; i += 1) void limiter.take().then(() => granted.push(i));
    await Promise.resolve();
    expect(granted).toEqual([0, 1]);
    time.advance(100);
    jest.advanceTimersByTime(100);
    await Promise.resolve();
    expect(granted).toEqual([0, 1, 2]);
    time.advance(200);
    jest.advanceTimersByTime(200);
    await Promise.resolve();
    expect(granted).toEqual([0, 1, 2, 3, 4]);
  });

  it('serves waiters in arrival order', async () => {
    const time = clock();
    const limiter = new RequestRateLimiter(1, 1, time.now);
    const order: string[] = [];
    await limiter.take();
    void limiter.take().then(() => order.push('a'));
    void limiter.take().then(() => order.push('b'));
    expect(limiter.waiting).toBe(2);
    time.advance(1000);
    jest.advanceTimersByTime(1000);
    await Promise.resolve();
    time.advance(1000);
    jest.advanceTimersByTime(1000);
    await Promise.resolve();
    expect(order).toEqual(['a', 'b']);
  });

  it('refuses a non-positive rate', () => {
    expect(() => new RequestRateLimiter(0)).toThrow('positive');
  });
});
