import { decodeCursor, encodeCursor, type OperationCursor } from './operation-cursor';

describe('ListOperations page tokens', () => {
  const cursor: OperationCursor = { submittedAt: '2025-11-27T10:15:00.123456Z', operationId: '0b7c2a1e-3f4d-4c5b-9a8e-1d2c3b4a5f60' };

  it('round-trips a cursor, microseconds included', () => {
    const token = encodeCursor(cursor);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(token)).toEqual(cursor);
  });

  it('keeps cursors a microsecond apart distinct', () => {
    const next = { ...cursor, submittedAt: '2025-11-27T10:15:00.123457Z' };
    expect(encodeCursor(next)).not.toBe(encodeCursor(cursor));
    expect(decodeCursor(encodeCursor(next))).toEqual(next);
  });

  const token = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/=='],
    ['no separator', token('2025-11-27T10:15:00.123456Z')],
    ['too many parts', token(`2025-11-27T10:15:00.123456Z|${cursor.operationId}|x`)],
    ['a millisecond time', token(`2025-11-27T10:15:00.123Z|${cursor.operationId}`)],
    ['a local time', token(`2025-11-27T10:15:00.123456+01:00|${cursor.operationId}`)],
    ['an impossible date', token(`2025-02-31T10:15:00.123456Z|${cursor.operationId}`)],
    ['an impossible hour', token(`2025-11-27T25:15:00.123456Z|${cursor.operationId}`)],
    ['an id that is no UUID', token('2025-11-27T10:15:00.123456Z|42')],
    ['SQL in the id', token("2025-11-27T10:15:00.123456Z|' OR 1=1 --")],
  ])('refuses %s', (_case, value) => {
    expect(decodeCursor(value)).toBeUndefined();
  });
});
