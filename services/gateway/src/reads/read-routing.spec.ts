import { addressInLockSessionName, lockSessionName, MAX_ADVERTISED_ADDRESS_LENGTH, readRoute } from './read-routing';

describe('readRoute', () => {
  const facts = { holdsServerHere: false, holder: '10.0.0.7:50054', self: '10.0.0.5:50054', forwarded: false };

  it('forwards a read to the instance that holds the server', () => {
    expect(readRoute(facts)).toEqual({ kind: 'forward', to: '10.0.0.7:50054' });
  });

  it('serves it here when this instance holds the server, or the lock names this instance', () => {
    expect(readRoute({ ...facts, holdsServerHere: true })).toEqual({ kind: 'local' });
    expect(readRoute({ ...facts, holder: '10.0.0.5:50054' })).toEqual({ kind: 'local' });
  });

  it('serves it here when no instance holds the server (a rebalance): the connection slots still keep the cap', () => {
    expect(readRoute({ ...facts, holder: undefined })).toEqual({ kind: 'local' });
  });

  it('never forwards a read twice, even when the instances disagree about the holder', () => {
    expect(readRoute({ ...facts, forwarded: true })).toEqual({ kind: 'local' });
  });
});

describe('lock session names', () => {
  it('carry the advertised address, read back from pg_stat_activity', () => {
    expect(addressInLockSessionName(lockSessionName('10.0.0.5:50054', 4242))).toBe('10.0.0.5:50054');
    expect(addressInLockSessionName(lockSessionName('[fd00::5]:50054', 1))).toBe('[fd00::5]:50054');
    expect(addressInLockSessionName('tradewarden-gateway')).toBeUndefined();
  });

  it('fit in the 63 bytes PostgreSQL keeps, with the longest address allowed and a 7-digit pid', () => {
    expect(lockSessionName('a'.repeat(MAX_ADVERTISED_ADDRESS_LENGTH), 9_999_999).length).toBeLessThanOrEqual(63);
  });
});
