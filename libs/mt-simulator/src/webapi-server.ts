import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Socket } from 'node:net';
import { answerRandom, MtRetcode, randomChallenge, retcodeText, webApiPasswordHash } from '@tradewarden/mt5-webapi-protocol';
import { CONFIG_COMMANDS } from './config-commands';
import { DEALER_COMMANDS, DEALER_DEFAULTS, DealerQueue, type DealerQueueOptions } from './dealer-queue';
import { decideFault, latencyFor, NO_FAULTS, type FaultSettings } from './faults';
import { seededRandom } from './seeded-random';
import type { ServerPlacement } from './server-placement';
import type { SimManager, SimulatorState } from './simulator-state';
import { TRADE_COMMANDS } from './trade-commands';
import { USER_COMMANDS } from './user-commands';
import { type Answer, CommandInput, type CommandHandler } from './webapi-command';

/** MT5 limits this simulator enforces (see docs/metatrader-apis.md 1.8 and 5). */
const IDLE_DROP_MS = 180_000;
const HANDSHAKE_WINDOW_MS = 10_000;
/** The "additional body" of a command is JSON; more than this is refused (3) rather than buffered. */
const MAX_BODY_BYTES = 1024 * 1024;

const COMMANDS: Readonly<Record<string, CommandHandler>> = { ...USER_COMMANDS, ...CONFIG_COMMANDS, ...TRADE_COMMANDS, ...DEALER_COMMANDS };

interface Session {
  id: string;
  managerLogin?: string;
  pending?: { login: string; srvRand: string; at: number };
  authenticated: boolean;
}

/** A request body: absent, parsed JSON, or refused (malformed or too large: retcode 3). */
type RequestBody = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'malformed' } | { kind: 'too-large' };

function readBody(request: IncomingMessage): Promise<RequestBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.off('data', onData);
        resolve({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('error', reject);
    request.once('end', () => {
      if (size > MAX_BODY_BYTES) return;
      // Clients send JSON whether they label it application/json or (as MetaQuotes' samples do) x-www-form-urlencoded.
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve({ kind: 'none' });
      try {
        resolve({ kind: 'json', value: JSON.parse(text) as unknown });
      } catch {
        resolve({ kind: 'malformed' });
      }
    });
  });
}

export interface WebApiServerOptions {
  host: string;
  port: number;
  managers: SimManager[];
  /** Most concurrent manager connections the server accepts; more are refused (counted in state). */
  maxConnections: number;
  /** Which server of the cluster this is: main or trade, and the logins it owns. */
  placement: ServerPlacement;
  /** Certificate and key to serve HTTPS with, as real access servers do; without them plain HTTP (lab only). */
  tls?: { certPem: string; keyPem: string };
  /** Seed of the fault dice, so that a run with faults can be repeated. */
  seed?: number;
  /** Silence after which the server drops a connection and ends its session (MT5: 180 s). */
  idleDropMs?: number;
  dealer?: Partial<DealerQueueOptions>;
}

/**
 * The MT5 Web API as MetaQuotes documents it: auth/start -> auth/answer handshake with the password hash and the
 * server's proof (cli_rand_answer), a session bound to the keep-alive connection (and a cookie), every scalar as a
 * string, "<code> <text>" retcodes, HTTP 403 without a session, the 180 s idle drop.
 */
export class WebApiServer {
  private readonly server: Server;
  private readonly sessionsBySocket = new WeakMap<Socket, Session>();
  private readonly sessionsByCookie = new Map<string, Session>();
  /** Faults in force; change them at run time with setFaults(). */
  faults: FaultSettings = NO_FAULTS;
  private readonly random: () => number;
  private readonly idleDropMs: number;
  readonly dealer: DealerQueue;

  constructor(
    private readonly state: SimulatorState,
    private readonly options: WebApiServerOptions,
  ) {
    this.random = seededRandom(options.seed ?? 1);
    this.dealer = new DealerQueue(state, { ...DEALER_DEFAULTS, ...options.dealer });
    this.idleDropMs = options.idleDropMs ?? IDLE_DROP_MS;
    const listener: RequestListener = (request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(JSON.stringify({ retcode: `${MtRetcode.ERR_COMMON} ${String(error)}` }));
      });
    };
    this.server = options.tls
      ? createTlsServer({ keepAlive: true, cert: options.tls.certPem, key: options.tls.keyPem }, listener)
      : createServer({ keepAlive: true }, listener);
    this.server.keepAliveTimeout = this.idleDropMs;
    this.server.on('connection', (socket: Socket) => {
      if (this.state.openConnections >= this.options.maxConnections) {
        this.state.counters.refusedConnections += 1;
        socket.destroy();
        return;
      }
      this.state.openConnections += 1;
      this.state.peakConnections = Math.max(this.state.peakConnections, this.state.openConnections);
      // The session's idle drop (below) ends quiet sessions; this only reaps connections that never start one, and
      // never cuts a TLS handshake short.
      socket.setTimeout(Math.max(this.idleDropMs, 30_000), () => socket.destroy());
      socket.once('close', () => {
        this.state.openConnections -= 1;
      });
    });
  }

  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        const address = this.server.address();
        const port = typeof address === 'object' && address ? address.port : this.options.port;
        resolve(`${this.options.tls ? 'https' : 'http'}://${this.options.host}:${port}`);
      });
    });
  }

  close(): Promise<void> {
    this.dealer.close();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private session(request: IncomingMessage, response: ServerResponse): Session {
    const socket = request.socket;
    let session = this.sessionsBySocket.get(socket);
    const cookie = /MT5WEBAPI=([a-f0-9]+)/.exec(request.headers.cookie ?? '')?.[1];
    if (!session && cookie) session = this.sessionsByCookie.get(cookie);
    if (!session) {
      session = { id: randomBytes(16).toString('hex'), authenticated: false };
      this.sessionsByCookie.set(session.id, session);
      response.setHeader('set-cookie', `MT5WEBAPI=${session.id}; Path=/; HttpOnly`);
    }
    if (!this.sessionsBySocket.has(socket)) {
      const dropped = session;
      // An idle drop ends the session as well as the connection: the client must authenticate again.
      socket.setTimeout(this.idleDropMs, () => {
        this.endSession(dropped);
        this.state.counters.idleDrops += 1;
        socket.destroy();
      });
    }
    this.sessionsBySocket.set(socket, session);
    return session;
  }

  private endSession(session: Session): void {
    session.authenticated = false;
    this.sessionsByCookie.delete(session.id);
    this.dealer.forgetSession(session.id);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://simulator');
    const params = url.searchParams;
    const session = this.session(request, response);
    const path = url.pathname;
    if (path === '/api/auth/start') return this.send(response, this.authStart(session, params));
    if (path === '/api/auth/answer') return this.send(response, this.authAnswer(session, params));
    if (!session.authenticated) {
      response.statusCode = 403;
      response.end();
      return;
    }
    if (body.kind === 'too-large') {
      // The rest of the body is still on the wire: answer, then close rather than read it.
      response.setHeader('connection', 'close');
      return this.send(response, { retcode: MtRetcode.ERR_PARAMS });
    }
    if (body.kind === 'malformed') return this.send(response, { retcode: MtRetcode.ERR_PARAMS });
    const input = new CommandInput(params, body.kind === 'json' ? body.value : undefined);
    const fault = decideFault(this.faults, path, this.random);
    const delay = latencyFor(this.faults, this.random);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    switch (fault) {
      case 'drop':
        request.socket.destroy();
        return;
      case 'stall':
        this.state.counters.stalled += 1;
        return;
      case 'error':
        return this.send(response, { retcode: this.faults.errorRetcode });
      case 'lose-answer': {
        // Do the command, then lose the answer with the connection.
        const done = this.command(path, input, session, response);
        if (done) this.state.counters.lostAnswers += 1;
        request.socket.destroy();
        return;
      }
      case 'none':
        break;
    }
    const answer = this.command(path, input, session, response);
    if (answer) this.send(response, answer);
  }

  /** Executes one command; undefined when the command already answered (quit). */
  private command(path: string, input: CommandInput, session: Session, response: ServerResponse): Answer | undefined {
    if (path === '/api/test/access') return { retcode: MtRetcode.OK };
    if (path === '/api/quit') {
      this.endSession(session);
      response.setHeader('connection', 'close');
      return { retcode: MtRetcode.OK };
    }
    const handler = COMMANDS[path];
    if (!handler) return { retcode: MtRetcode.API_NOT_SUPPORTED };
    return handler(input, { state: this.state, server: this.options.placement, dealer: this.dealer, sessionId: session.id });
  }

  private send(response: ServerResponse, result: Answer): void {
    const body: Record<string, unknown> = { retcode: `${result.retcode} ${retcodeText(result.retcode)}`, ...result.extra };
    if (result.answer !== undefined) body['answer'] = result.answer;
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.end(JSON.stringify(body));
  }

  private authStart(session: Session, params: URLSearchParams): Answer {
    const login = params.get('login') ?? '';
    const agent = params.get('agent') ?? '';
    const version = Number(params.get('version'));
    if (!login || !agent || /\s/.test(agent) || !(version >= 484) || params.get('type') !== 'manager') {
      return { retcode: MtRetcode.ERR_PARAMS };
    }
    const srvRand = randomChallenge();
    session.authenticated = false;
    session.pending = { login, srvRand, at: Date.now() };
    return { retcode: MtRetcode.OK, extra: { version_access: '1290', srv_rand: srvRand } };
  }

  private authAnswer(session: Session, params: URLSearchParams): Answer {
    const pending = session.pending;
    session.pending = undefined;
    if (!pending || Date.now() - pending.at > HANDSHAKE_WINDOW_MS) return { retcode: MtRetcode.AUTH_ACCOUNT_INVALID };
    const manager = this.options.managers.find((candidate) => candidate.login === pending.login);
    const cliRand = params.get('cli_rand') ?? '';
    if (!manager || !/^[0-9a-f]{32}$/i.test(cliRand)) return { retcode: MtRetcode.AUTH_ACCOUNT_INVALID };
    const hash = webApiPasswordHash(manager.password);
    if (params.get('srv_rand_answer') !== answerRandom(hash, pending.srvRand)) return { retcode: MtRetcode.AUTH_ACCOUNT_INVALID };
    session.authenticated = true;
    session.managerLogin = manager.login;
    return {
      retcode: MtRetcode.OK,
      extra: { version_access: '1290', version_trade: '4755', cli_rand_answer: answerRandom(hash, cliRand) },
    };
  }
}
