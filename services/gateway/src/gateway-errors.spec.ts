import { status } from '@grpc/grpc-js';
import { grpcErrorOf } from '@tradewarden/grpc';
import { GatewayError, mapGatewayError } from './gateway-errors';
import { MtAuthenticationError, MtRetcodeError, MtTransportError } from './mt5/mt5-errors';

const pushback = (error: unknown) => grpcErrorOf(error, mapGatewayError).metadata?.get('grpc-retry-pushback-ms');

describe('mapGatewayError', () => {
  it('tells callers not to retry on another instance when the MT server is down or refuses the login', () => {
    for (const error of [new MtTransportError('/api/user/get', new Error('ECONNREFUSED')), new MtAuthenticationError('bad password')]) {
      expect(grpcErrorOf(error, mapGatewayError)).toMatchObject({ code: status.UNAVAILABLE, message: error.message });
      expect(pushback(error)).toEqual(['-1']);
    }
  });

  it('maps the server refusing a command and the gateway own errors without a retry trailer', () => {
    expect(grpcErrorOf(new MtRetcodeError('/api/user/get', 13, 'Not found'), mapGatewayError).code).toBe(status.NOT_FOUND);
    expect(grpcErrorOf(new MtRetcodeError('/api/user/update', 10019, 'No money'), mapGatewayError).code).toBe(status.FAILED_PRECONDITION);
    expect(grpcErrorOf(new GatewayError('SERVER_DISABLED', 'mt5-demo-1 is disabled'), mapGatewayError)).toEqual({ code: status.FAILED_PRECONDITION, message: 'mt5-demo-1 is disabled' });
    expect(pushback(new GatewayError('SERVER_NOT_FOUND', 'no such server'))).toBeUndefined();
  });
});
