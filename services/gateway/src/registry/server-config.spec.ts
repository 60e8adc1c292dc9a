import { loadConfig } from '@tradewarden/config';
import { z } from 'zod';
import { serverListSchema } from './server-config';

const schema = z.object({ GATEWAY_SERVERS: serverListSchema });
const entry = { id: 'mt5-live-eu', platform: 'mt5', address: 'https://mt5.example.com:443', managerLogin: '1005', passwordRef: 'env:MT5_LIVE_EU_PASSWORD' };

describe('GATEWAY_SERVERS', () => {
  it('accepts entries and fills defaults', () => {
    const config = loadConfig('gateway', schema, { GATEWAY_SERVERS: JSON.stringify([entry]) });
    expect(config.GATEWAY_SERVERS[0]).toMatchObject({ ...entry, tags: [], maxConnections: 4, requestTimeoutMs: 10000 });
  });

  it('refuses inline passwords: credentials only by reference', () => {
    expect(() => loadConfig('gateway', schema, { GATEWAY_SERVERS: JSON.stringify([{ ...entry, passwordRef: 'hunter2' }]) })).toThrow(
      'GATEWAY_SERVERS.0.passwordRef: must reference a secret as env:VARIABLE_NAME',
    );
  });

  it('names the bad entry and field', () => {
    expect(() => loadConfig('gateway', schema, { GATEWAY_SERVERS: JSON.stringify([entry, { ...entry, id: 'B@D', maxConnections: 0 }]) })).toThrow(
      /GATEWAY_SERVERS\.1\.id[\s\S]*GATEWAY_SERVERS\.1\.maxConnections/,
    );
  });

  it('wants TLS to an MT4 bridge unless a lab entry allows plaintext', () => {
    const bridge = { ...entry, id: 'mt4-lab', platform: 'mt4', address: 'grpc://10.0.0.5:7000', passwordRef: 'env:MT4_BRIDGE_KEY' };
    expect(() => loadConfig('gateway', schema, { GATEWAY_SERVERS: JSON.stringify([bridge]) })).toThrow('GATEWAY_SERVERS.0.address: is plaintext gRPC');
    expect(loadConfig('gateway', schema, { GATEWAY_SERVERS: JSON.stringify([{ ...bridge, allowPlainHttp: true }]) }).GATEWAY_SERVERS[0]!.address).toBe('grpc://10.0.0.5:7000');
    expect(loadConfig('gateway', schema, { GATEWAY_SERVERS: JSON.stringify([{ ...bridge, address: 'grpcs://bridge.example.com:7000' }]) }).GATEWAY_SERVERS).toHaveLength(1);
    expect(() => loadConfig('gateway', schema, { GATEWAY_SERVERS: JSON.stringify([{ ...bridge, address: 'https://bridge.example.com' }]) })).toThrow('grpcs://host:port');
  });

  it('refuses duplicate ids and invalid JSON', () => {
    expect(() => loadConfig('gateway', schema, { GATEWAY_SERVERS: JSON.stringify([entry, entry]) })).toThrow('duplicate server id mt5-live-eu');
    expect(() => loadConfig('gateway', schema, { GATEWAY_SERVERS: '[{' })).toThrow('GATEWAY_SERVERS: is not valid JSON');
  });
});
