import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * Whether an MT5 Web API endpoint answers like an access server: 403 to a request without a session (or 200).
 * caPem is the certificate to trust (the simulator's self-signed one).
 */
export function webApiAnswers(baseUrl: string, caPem?: string, timeoutMs = 2000): Promise<boolean> {
  const url = new URL('/api/test/access', baseUrl);
  const requester = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = requester(url, { method: 'GET', timeout: timeoutMs, ...(caPem ? { ca: caPem } : {}) }, (res) => {
      res.resume();
      resolve(res.statusCode === 403 || res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}
