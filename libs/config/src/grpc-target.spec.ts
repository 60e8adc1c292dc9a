import { z } from 'zod';
import { grpcTarget } from './common-env';
import { ConfigError, loadConfig } from './load-config';

const schema = z.object({ GATEWAY_GRPC_ADDRESS: grpcTarget });
const target = (value: string) => loadConfig('intake', schema, { GATEWAY_GRPC_ADDRESS: value }).GATEWAY_GRPC_ADDRESS;
const problem = (value: string) => {
  try {
    target(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`${value} was accepted`);
};

describe('grpcTarget', () => {
  it('keeps one host:port or a dns target as given (every address the name resolves to)', () => {
    expect(target('gateway:50054')).toBe('gateway:50054');
    expect(target('127.0.0.1:50054')).toBe('127.0.0.1:50054');
    expect(target('dns:///tradewarden-gateway-peers.broker.svc:50054')).toBe('dns:///tradewarden-gateway-peers.broker.svc:50054');
    expect(target(' dns:gateway:50054 ')).toBe('dns:gateway:50054');
  });

  it('turns a list of IP addresses into an ipv4 or ipv6 target of fixed instances', () => {
    expect(target('10.0.0.5:50054, 10.0.0.6:50054')).toBe('ipv4:10.0.0.5:50054,10.0.0.6:50054');
    expect(target('[fd00::5]:50054,[fd00::6]:50054')).toBe('ipv6:[fd00::5]:50054,[fd00::6]:50054');
  });

  it('refuses what is not a target, naming the variable', () => {
    const message = problem('gateway');
    expect(message).toContain('GATEWAY_GRPC_ADDRESS');
    expect(message).toContain('must be host:port, dns:///host:port or a comma-separated list of ip:port');
    expect(problem('dns:///gateway')).toContain('must be dns:///host:port');
  });

  it('refuses names in a list (grpc resolves lists of addresses only) and mixed address families', () => {
    expect(problem('gateway-0:50054,gateway-1:50054')).toContain('a list takes IP addresses (ip:port); for names use dns:///host:port; not an ip:port: gateway-0:50054, gateway-1:50054');
    expect(problem('10.0.0.5:50054,[fd00::6]:50054')).toContain('a list is either all IPv4 or all IPv6');
    expect(problem('999.1.1.1:50054,10.0.0.6:50054')).toContain('not an ip:port: 999.1.1.1:50054');
    expect(problem('[:]:50054,[fd00::6]:50054')).toContain('not an ip:port: [:]:50054');
    expect(problem('10.0.0.5:0,10.0.0.6:50054')).toContain('not an ip:port: 10.0.0.5:0');
  });
});
