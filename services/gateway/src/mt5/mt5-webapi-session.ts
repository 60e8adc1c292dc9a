import { Agent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { answerRandom, parseRetcode, randomChallenge, webApiPasswordHash } from '@tradewarden/mt5-webapi-protocol';
import { SpanKind, withChildSpan } from '@tradewarden/telemetry';
import { MtAuthenticationError, MtRetcodeError, MtTransportError } from './mt5-errors';
import { sameFingerprint } from '../pool/certificate-fingerprint';

export interface Mt5SessionOptions {
  /** The registry id of the server, for the spans of its calls. */
  serverId?: string;
  /** Base URL of the access server's Web API, e.g. https://mt5.broker.example:443. */
  baseUrl: string;
  managerLogin: string;
  password: string;
  requestTimeoutMs: number;
  agentName?: string;
  tls?: Mt5TlsTrust;
}

/**
 * How the gateway trusts an access server's certificate. Real access servers often use a self-signed certificate, so
 * besides the system CAs one can trust a given CA/certificate (PEM) or pin the certificate's SHA-256 fingerprint.
 */
export interface Mt5TlsTrust {
  /** PEM of the CA (or of the self-signed certificate itself) to trust instead of the system CAs. */
  caPem?: string;
  /** SHA-256 fingerprint of the server certificate ("AB:CD:..." or hex); any other certificate is refused. */
  pinnedSha256?: string;
}


interface RawReply {
  status: number;
  body: Record<string, unknown>;
}

const PING_AFTER_IDLE_MS = 20_000;

/**
 * One authenticated MT5 Web API session. The Web API is stateful: the session lives on one keep-alive connection
 * (the agent holds a single socket) and its cookie. A 403 or a dropped connection means the session is gone; the
 * next request authenticates again. Requests on one session are sent one at a time.
 */
export class Mt5WebApiSession {
  private readonly agent: Agent;
  private cookie: string | undefined;
  private authenticated = false;
  private lastActivity = 0;
  private queue: Promise<unknown> = Promise.resolve();

  private readonly host: string;

  constructor(private readonly options: Mt5SessionOptions) {
    this.host = new URL(options.baseUrl).host;
    this.agent = options.baseUrl.startsWith('https:')
      ? new HttpsAgent({
          keepAlive: true,
          maxSockets: 1,
          maxFreeSockets: 1,
          ca: options.tls?.caPem,
          // A pinned certificate is checked by fingerprint on every connection instead of by chain. A resumed TLS
          // session presents no certificate to check, so sessions are not cached when pinning.
          rejectUnauthorized: options.tls?.pinnedSha256 === undefined,
          ...(options.tls?.pinnedSha256 ? { maxCachedSessions: 0 } : {}),
        })
      : new Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
  }

  /**
   * Sends a command and returns its answer; non-zero retcodes throw MtRetcodeError. With `body` it is a POST carrying
   * that JSON (record writes: user/update, group/add, symbol/add, position/update).
   */
  request<T = unknown>(path: string, params: Record<string, string> = {}, body?: unknown): Promise<{ answer: T; body: Record<string, unknown> }> {
    const attributes = { 'rpc.system': 'mt5-webapi', 'rpc.method': path, 'server.address': this.host, 'tradewarden.server.id': this.options.serverId ?? '' };
    const run = this.queue.then(() =>
      withChildSpan(
        `mt5 ${path}`,
        (span) =>
          this.requestNow<T>(path, params, body).catch((error: unknown) => {
            if (error instanceof MtRetcodeError) span?.setAttribute('tradewarden.mt.retcode', error.code);
            throw error;
          }),
        { kind: SpanKind.CLIENT, attributes },
      ),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.authenticated) await this.send('/api/quit', {}).catch(() => undefined);
    this.authenticated = false;
    this.agent.destroy();
  }

  private async requestNow<T>(path: string, params: Record<string, string>, body: unknown): Promise<{ answer: T; body: Record<string, unknown> }> {
    if (!this.authenticated) await this.authenticate();
    let reply = await this.send(path, params, body);
    if (reply.status === 403) {
      // The server dropped our session (idle timeout, restart): nothing was executed, so re-authenticate and resend.
      this.authenticated = false;
      await this.authenticate();
      reply = await this.send(path, params, body);
    }
    if (reply.status !== 200) throw new MtTransportError(path, new Error(`HTTP ${reply.status}`));
    const retcode = parseRetcode(reply.body['retcode']);
    if (retcode.code !== 0) throw new MtRetcodeError(path, retcode.code, retcode.text);
    return { answer: reply.body['answer'] as T, body: reply.body };
  }

  /** Opens the session now (the pool does this when it creates a connection, so bad credentials fail early). */
  async open(): Promise<void> {
    if (!this.authenticated) await this.authenticate();
  }

  /** Milliseconds since the last reply on this session. */
  get idleForMs(): number {
    return Date.now() - this.lastActivity;
  }

  /** Keeps the session alive: the server drops it after 180 s without packets. */
  async pingIfIdle(): Promise<void> {
    if (this.authenticated && Date.now() - this.lastActivity > PING_AFTER_IDLE_MS) await this.request('/api/test/access');
  }

  private async authenticate(): Promise<void> {
    const start = await this.send('/api/auth/start', {
      version: '484',
      agent: this.options.agentName ?? 'tradewarden',
      login: this.options.managerLogin,
      type: 'manager',
    });
    const startCode = parseRetcode(start.body['retcode']);
    if (start.status !== 200 || startCode.code !== 0 || typeof start.body['srv_rand'] !== 'string') {
      throw new MtAuthenticationError(`auth/start refused: HTTP ${start.status} ${startCode.raw}`);
    }
    const hash = webApiPasswordHash(this.options.password);
    const cliRand = randomChallenge();
    const answer = await this.send('/api/auth/answer', {
      srv_rand_answer: answerRandom(hash, start.body['srv_rand']),
      cli_rand: cliRand,
    });
    const answerCode = parseRetcode(answer.body['retcode']);
    if (answer.status !== 200 || answerCode.code !== 0) {
      throw new MtAuthenticationError(`auth/answer refused for manager ${this.options.managerLogin}: ${answerCode.raw}`);
    }
    // The server must prove it knows the password too; otherwise we may be talking to an impostor.
    if (answer.body['cli_rand_answer'] !== answerRandom(hash, cliRand)) {
      throw new MtAuthenticationError('server failed to prove its identity (cli_rand_answer mismatch)');
    }
    this.authenticated = true;
  }

  private send(path: string, params: Record<string, string>, body?: unknown): Promise<RawReply> {
    const url = new URL(path, this.options.baseUrl);
    // MetaQuotes' pages show a form content type even for JSON bodies; clients report that user/add needs
    // application/json, which access servers accept for every command.
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    const requester = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = requester(
        url,
        {
          method: payload ? 'POST' : 'GET',
          agent: this.agent,
          headers: {
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json; charset=utf-8', 'content-length': String(payload.length) } : {}),
            ...(this.cookie ? { cookie: this.cookie } : {}),
          },
          timeout: this.options.requestTimeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => reject(new MtTransportError(path, error)));
          res.on('end', () => {
            this.lastActivity = Date.now();
            const setCookie = res.headers['set-cookie']?.[0];
            if (setCookie) this.cookie = setCookie.split(';')[0];
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) {
              resolve({ status: res.statusCode ?? 0, body: {} });
              return;
            }
            try {
              resolve({ status: 200, body: JSON.parse(text) as Record<string, unknown> });
            } catch (error) {
              reject(new MtTransportError(path, new Error(`malformed JSON reply: ${String(error)}`)));
            }
          });
        },
      );
      const pinned = this.options.tls?.pinnedSha256;
      if (pinned && url.protocol === 'https:') {
        req.on('socket', (socket) => {
          const tlsSocket = socket as TLSSocket;
          const check = () => {
            if (tlsSocket.destroyed) return; // the request fails with the socket's own error
            const fingerprint = tlsSocket.getPeerCertificate()?.fingerprint256 ?? '';
            if (!sameFingerprint(fingerprint, pinned)) {
              req.destroy(new MtAuthenticationError(`server certificate ${fingerprint || '(none)'} does not match the pinned fingerprint`));
            }
          };
          if (tlsSocket.encrypted && !tlsSocket.connecting && tlsSocket.getPeerCertificate()?.fingerprint256) check();
          else tlsSocket.once('secureConnect', check);
        });
      }
      req.on('timeout', () => req.destroy(new Error(`no reply within ${this.options.requestTimeoutMs} ms`)));
      req.on('error', (error) => {
        this.authenticated = false;
        reject(error instanceof MtAuthenticationError ? error : new MtTransportError(path, error));
      });
      req.end(payload);
    });
  }
}
