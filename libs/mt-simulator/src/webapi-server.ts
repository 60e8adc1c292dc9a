import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Socket } from 'node:net';
import { answerRandom, matchesGroupMask, MtDealAction, MtRetcode, randomChallenge, retcodeText, webApiPasswordHash } from '@tradewarden/mt5-webapi-protocol';
import { DecimalAmount } from '@tradewarden/money';
import { decideFault, latencyFor, NO_FAULTS, type FaultSettings } from './faults';
import { seededRandom } from './seeded-random';
import type { SimAccount, SimManager, SimulatorState } from './simulator-state';

/** MT5 limits this simulator enforces (see docs/metatrader-apis.md 1.8 and 5). */
const IDLE_DROP_MS = 180_000;
const HANDSHAKE_WINDOW_MS = 10_000;
const COMMENT_MAX = 31;
const MAX_BALANCE_OPERATION_MINOR = 10_000_000_00n;

interface Session {
  id: string;
  managerLogin?: string;
  pending?: { login: string; srvRand: string; at: number };
  authenticated: boolean;
}

type Answer = { retcode: MtRetcode; answer?: unknown; extra?: Record<string, string> };

export interface WebApiServerOptions {
  host: string;
  port: number;
  managers: SimManager[];
  /** Most concurrent manager connections the server accepts; more are refused (counted in state). */
  maxConnections: number;
  /** Certificate and key to serve HTTPS with, as real access servers do; without them plain HTTP (lab only). */
  tls?: { certPem: string; keyPem: string };
  /** Seed of the fault dice, so that a run with faults can be repeated. */
  seed?: number;
  /** Silence after which the server drops a connection and ends its session (MT5: 180 s). */
  idleDropMs?: number;
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

  constructor(
    private readonly state: SimulatorState,
    private readonly options: WebApiServerOptions,
  ) {
    this.random = seededRandom(options.seed ?? 1);
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
        dropped.authenticated = false;
        this.sessionsByCookie.delete(dropped.id);
        this.state.counters.idleDrops += 1;
        socket.destroy();
      });
    }
    this.sessionsBySocket.set(socket, session);
    return session;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
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
        const done = this.command(path, params, session, response);
        if (done) this.state.counters.lostAnswers += 1;
        request.socket.destroy();
        return;
      }
      case 'none':
        break;
    }
    const answer = this.command(path, params, session, response);
    if (answer) this.send(response, answer);
  }

  /** Executes one command; undefined when the command already answered (quit). */
  private command(path: string, params: URLSearchParams, session: Session, response: ServerResponse): Answer | undefined {
    switch (path) {
      case '/api/test/access':
        return { retcode: MtRetcode.OK };
      case '/api/quit':
        session.authenticated = false;
        this.sessionsByCookie.delete(session.id);
        response.setHeader('connection', 'close');
        return { retcode: MtRetcode.OK };
      case '/api/user/get':
        return this.userGet(params);
      case '/api/user/account/get':
        return this.accountGet(params);
      case '/api/user/get_batch':
        return this.userGetBatch(params);
      case '/api/user/logins':
        return this.userLogins(params);
      case '/api/symbol/get':
        return this.symbolGet(params);
      case '/api/position/get_batch':
        return this.positionGetBatch(params);
      case '/api/group/get':
        return this.groupGet(params);
      case '/api/trade/balance':
        return this.tradeBalance(params);
      case '/api/deal/get_batch':
        return this.dealGetBatch(params);
      default:
        return { retcode: MtRetcode.API_NOT_SUPPORTED };
    }
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

  private account(params: URLSearchParams): { account: SimAccount } | { error: MtRetcode } {
    const login = params.get('login') ?? '';
    if (!/^\d{1,20}$/.test(login)) return { error: MtRetcode.ERR_PARAMS };
    const account = this.state.accounts.get(BigInt(login));
    return account ? { account } : { error: MtRetcode.ERR_NOTFOUND };
  }

  private userGet(params: URLSearchParams): Answer {
    const found = this.account(params);
    if ('error' in found) return { retcode: found.error };
    return { retcode: MtRetcode.OK, answer: this.state.userRecord(found.account) };
  }

  private accountGet(params: URLSearchParams): Answer {
    const found = this.account(params);
    if ('error' in found) return { retcode: found.error };
    return { retcode: MtRetcode.OK, answer: this.state.tradeAccountRecord(found.account) };
  }

  /** login=a,b,c or group=mask; unknown logins are left out, as the server does. */
  private userGetBatch(params: URLSearchParams): Answer {
    const logins = params.get('login');
    const mask = params.get('group');
    if ((logins === null) === (mask === null)) return { retcode: MtRetcode.ERR_PARAMS };
    let accounts: SimAccount[];
    if (logins !== null) {
      const list = logins.split(',').map((login) => login.trim());
      if (list.length === 0 || list.some((login) => !/^\d{1,20}$/.test(login))) return { retcode: MtRetcode.ERR_PARAMS };
      accounts = list.map((login) => this.state.accounts.get(BigInt(login))).filter((account): account is SimAccount => account !== undefined);
    } else {
      accounts = [...this.state.accounts.values()].filter((account) => matchesGroupMask(mask!, account.group));
    }
    return { retcode: MtRetcode.OK, answer: accounts.map((account) => this.state.userRecord(account)) };
  }

  private userLogins(params: URLSearchParams): Answer {
    const mask = params.get('group');
    if (!mask) return { retcode: MtRetcode.ERR_PARAMS };
    const logins = [...this.state.accounts.values()].filter((account) => matchesGroupMask(mask, account.group)).map((account) => account.login.toString());
    return { retcode: MtRetcode.OK, answer: logins };
  }

  /** symbol=NAME for one record, or mask=pattern (on the symbol name or path) for an array. */
  private symbolGet(params: URLSearchParams): Answer {
    const name = params.get('symbol');
    if (name !== null) {
      const symbol = this.state.symbols.get(name);
      return symbol ? { retcode: MtRetcode.OK, answer: this.state.symbolRecord(symbol) } : { retcode: MtRetcode.ERR_NOTFOUND };
    }
    const mask = params.get('mask');
    if (mask === null) return { retcode: MtRetcode.ERR_PARAMS };
    const symbols = [...this.state.symbols.values()].filter((symbol) => matchesGroupMask(mask, symbol.symbol) || matchesGroupMask(mask, symbol.path));
    return { retcode: MtRetcode.OK, answer: symbols.map((symbol) => this.state.symbolRecord(symbol)) };
  }

  /** One selector only: login=, group= (mask) or ticket=; optional symbol= filter. */
  private positionGetBatch(params: URLSearchParams): Answer {
    const selectors = ['login', 'group', 'ticket'].filter((key) => params.get(key) !== null);
    if (selectors.length !== 1) return { retcode: MtRetcode.ERR_PARAMS };
    const list = (key: string) => params.get(key)!.split(',').map((value) => value.trim());
    let positions = [...this.state.positions.values()];
    if (selectors[0] === 'login') {
      const logins = new Set(list('login'));
      positions = positions.filter((position) => logins.has(position.login.toString()));
    } else if (selectors[0] === 'ticket') {
      const tickets = new Set(list('ticket'));
      positions = positions.filter((position) => tickets.has(position.position.toString()));
    } else {
      const mask = params.get('group')!;
      positions = positions.filter((position) => matchesGroupMask(mask, this.state.accounts.get(position.login)?.group ?? ''));
    }
    const symbol = params.get('symbol');
    if (symbol) positions = positions.filter((position) => position.symbol === symbol);
    return { retcode: MtRetcode.OK, answer: positions.map((position) => this.state.positionRecord(position)) };
  }

  private groupGet(params: URLSearchParams): Answer {
    const group = this.state.groups.get(params.get('group') ?? '');
    return group ? { retcode: MtRetcode.OK, answer: this.state.groupRecord(group) } : { retcode: MtRetcode.ERR_NOTFOUND };
  }

  private tradeBalance(params: URLSearchParams): Answer {
    const found = this.account(params);
    if ('error' in found) return { retcode: found.error };
    const account = found.account;
    const type = Number(params.get('type'));
    if (![MtDealAction.BALANCE, MtDealAction.CREDIT, MtDealAction.CHARGE, MtDealAction.CORRECTION, MtDealAction.BONUS].includes(type)) {
      return { retcode: MtRetcode.ERR_PARAMS };
    }
    const comment = params.get('comment') ?? '';
    let amount: bigint;
    try {
      amount = DecimalAmount.parse(params.get('balance') ?? '', account.currencyDigits).units;
    } catch {
      return { retcode: MtRetcode.ERR_PARAMS };
    }
    if (amount === 0n || comment.length > COMMENT_MAX) return { retcode: MtRetcode.ERR_PARAMS };
    if ((amount < 0n ? -amount : amount) > MAX_BALANCE_OPERATION_MINOR) return { retcode: MtRetcode.TRADE_MAX_MONEY };
    if (amount < 0n && params.get('check_margin') !== '0') {
      const free = account.balance + account.credit - account.margin;
      if (free + amount < 0n) return { retcode: MtRetcode.REQUEST_NO_MONEY };
    }
    const deal = this.state.bookBalanceDeal(account, type, amount, comment);
    return { retcode: MtRetcode.OK, answer: { Ticket: deal.deal.toString() } };
  }

  private dealGetBatch(params: URLSearchParams): Answer {
    const found = this.account(params);
    if ('error' in found) return { retcode: found.error };
    const from = Number(params.get('from') ?? '0') * 1000;
    const to = params.get('to') ? Number(params.get('to')) * 1000 + 999 : Number.MAX_SAFE_INTEGER;
    const deals = this.state.deals
      .filter((deal) => deal.login === found.account.login && deal.timeMsc >= from && deal.timeMsc <= to)
      .map((deal) => this.state.dealRecord(deal, found.account.currencyDigits));
    return { retcode: MtRetcode.OK, answer: deals };
  }
}
