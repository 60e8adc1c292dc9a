import type { PlatformEndpoints } from '@tradewarden/platform-runtime';
import { ExitCode } from './exit-codes';
import { requireAddress, resolveAddresses } from './platform-addresses';

const runtime = {
  keycloak: { url: 'http://127.0.0.1:18080/', realm: 'tradewarden' },
  services: { identity: { grpc: 'i:1' }, intake: { grpc: 'in:2' }, approval: { grpc: 'ap:3' }, gateway: { grpc: 'gw:4' }, audit: { grpc: 'au:5' } },
} as unknown as PlatformEndpoints;

describe('resolveAddresses', () => {
  it('takes the running platform by default', () => {
    expect(resolveAddresses({}, {}, runtime)).toEqual({ intake: 'in:2', approval: 'ap:3', gateway: 'gw:4', audit: 'au:5', keycloakUrl: 'http://127.0.0.1:18080', realm: 'tradewarden' });
  });

  it('prefers flags over variables over the runtime file', () => {
    const addresses = resolveAddresses({ intake: 'flag:1', audit: 'flag:5' }, { TRADEWARDEN_INTAKE: 'env:1', TRADEWARDEN_APPROVAL: 'env:2', TRADEWARDEN_AUDIT: 'env:5', TRADEWARDEN_REALM: 'other' }, runtime);
    expect(addresses).toMatchObject({ intake: 'flag:1', approval: 'env:2', audit: 'flag:5', realm: 'other' });
    expect(resolveAddresses({}, { TRADEWARDEN_AUDIT: 'env:5' }, runtime).audit).toBe('env:5');
  });

  it('says how to give an address when nothing is running', () => {
    const addresses = resolveAddresses({}, {}, undefined);
    expect(addresses.realm).toBe('tradewarden');
    expect(() => requireAddress(addresses, 'gateway')).toThrow('give --gateway or TRADEWARDEN_GATEWAY');
    expect(() => requireAddress(addresses, 'audit')).toThrow('give --audit or TRADEWARDEN_AUDIT');
    try {
      requireAddress(addresses, 'keycloak');
    } catch (error) {
      expect(error).toMatchObject({ exitCode: ExitCode.Unavailable });
    }
  });
});
