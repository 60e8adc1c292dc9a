import { Agent, request } from 'node:http';
import { answerRandom, parseRetcode, randomChallenge, webApiPasswordHash } from '@tradewarden/mt5-webapi-protocol';

export interface WebApiReply {
  status: number;
  /** The retcode's number (NaN when there is no envelope, as on a 403). */
  code: number;
  body: Record<string, unknown>;
}

/**
 * A bare MT5 Web API client for this library's specs: plain HTTP, one keep-alive socket (as MetaQuotes' sample pins
 * its agent) plus the MT5WEBAPI cookie, and the real handshake. Deliberately independent of the gateway's client, so
 * that the simulator is checked against the protocol rather than against its main user.
 */
export class WebApiTestClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private cookie: string | undefined;

  constructor(private readonly baseUrl: string) {}

  /** GET with the query, or POST with the body (a string goes as it is, anything else as JSON). */
  call(path: string, query: Record<string, string> = {}, body?: unknown, contentType = 'application/x-www-form-urlencoded'): Promise<WebApiReply> {
    const url = new URL(path, this.baseUrl);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: payload ? 'POST' : 'GET',
          agent: this.agent,
          headers: {
            ...(this.cookie ? { cookie: this.cookie } : {}),
            ...(payload ? { 'content-type': contentType, 'content-length': String(payload.length) } : {}),
          },
        },
        (res) => {
          const setCookie = res.headers['set-cookie']?.[0];
          if (setCookie) this.cookie = setCookie.split(';')[0];
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
            const code = typeof parsed['retcode'] === 'string' ? parseRetcode(parsed['retcode']).code : Number.NaN;
            resolve({ status: res.statusCode ?? 0, code, body: parsed });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** auth/start and auth/answer, checking the server's proof; throws when either step fails. */
  async authenticate(login: string, password: string): Promise<void> {
    const start = await this.call('/api/auth/start', { version: '4755', agent: 'spec', login, type: 'manager' });
    if (start.code !== 0) throw new Error(`auth/start: ${String(start.body['retcode'])}`);
    const hash = webApiPasswordHash(password);
    const cliRand = randomChallenge();
    const answer = await this.call('/api/auth/answer', { srv_rand_answer: answerRandom(hash, String(start.body['srv_rand'])), cli_rand: cliRand });
    if (answer.code !== 0) throw new Error(`auth/answer: ${String(answer.body['retcode'])}`);
    if (answer.body['cli_rand_answer'] !== answerRandom(hash, cliRand)) throw new Error('the server did not prove it knows the password');
  }

  close(): void {
    this.agent.destroy();
  }
}
