import { ConfigError } from '@tradewarden/config';
import { bracketIpv6, loadGatewayConfig } from './config';

const env = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  DATABASE_URL: 'postgres://tw_gateway:secret@127.0.0.1:5432/tradewarden',
  DATABASE_SCHEMA: 'gateway',
  KEYCLOAK_URL: 'http://127.0.0.1:8180',
  GRPC_PORT: '50054',
  SERVICE_CLIENT_ID: 'tradewarden-gateway',
  SERVICE_CLIENT_SECRET: 'secret',
  IDENTITY_GRPC_ADDRESS: '127.0.0.1:50051',
  GATEWAY_SERVERS: JSON.stringify([{ id: 'mt5-demo-1', platform: 'mt5', address: 'https://127.0.0.1:18443', managerLogin: '1000', passwordRef: 'env:MT5_PASSWORD' }]),
  GATEWAY_CREDENTIALS_KEY: Buffer.alloc(32, 7).toString('base64'),
};

describe('the gateway advertised address', () => {
  it('is the listen address by default, and what GATEWAY_ADVERTISED_ADDRESS says otherwise', () => {
    expect(loadGatewayConfig({ ...env, GRPC_HOST: '10.0.0.5' }).advertisedAddress).toBe('10.0.0.5:50054');
    expect(loadGatewayConfig({ ...env, GRPC_HOST: '0.0.0.0', GATEWAY_ADVERTISED_ADDRESS: '10.0.0.9:50054' }).advertisedAddress).toBe('10.0.0.9:50054');
  });

  it('brackets an IPv6 pod IP joined to its port, as gRPC reads it', () => {
    expect(bracketIpv6('fd00::5:50054')).toBe('[fd00::5]:50054');
    expect(bracketIpv6('[fd00::5]:50054')).toBe('[fd00::5]:50054');
    expect(bracketIpv6('gateway-0.gateway:50054')).toBe('gateway-0.gateway:50054');
    expect(loadGatewayConfig({ ...env, GATEWAY_ADVERTISED_ADDRESS: 'fd00::5:50054' }).advertisedAddress).toBe('[fd00::5]:50054');
  });

  it('refuses one too long to fit in the lock session name, naming the variable', () => {
    const long = `${'gateway-'.repeat(6)}x.svc:50054`;
    expect(() => loadGatewayConfig({ ...env, GATEWAY_ADVERTISED_ADDRESS: long })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ ...env, GATEWAY_ADVERTISED_ADDRESS: long })).toThrow(/GATEWAY_ADVERTISED_ADDRESS: .* is longer than 44 characters/);
    expect(() => loadGatewayConfig({ ...env, GATEWAY_ADVERTISED_ADDRESS: 'not an address' })).toThrow(/GATEWAY_ADVERTISED_ADDRESS: must be host:port/);
  });
});
