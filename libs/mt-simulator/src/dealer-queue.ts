import { MtRequestAction, MtRetcode } from '@tradewarden/mt5-webapi-protocol';
import type { SimulatorState } from './simulator-state';
import { closingPrice } from './webapi-records';
import { type Answer, type CommandHandler, done, fail, isJsonObject, type JsonObject, parseDecimal, parseTicket, parseTicketList, scalarText } from './webapi-command';

export interface DealerQueueOptions {
  /** How long a request waits before the "dealer" takes it (MT5 answers asynchronously). */
  processingDelayMs: number;
  /** An unread result is dropped after this (MT5: 3 minutes). */
  resultTtlMs: number;
  /** Requests waiting at most; one more is refused with 10024 (MT5: 128). */
  maxQueued: number;
}

export const DEALER_DEFAULTS: DealerQueueOptions = { processingDelayMs: 50, resultTtlMs: 180_000, maxQueued: 128 };

interface DealerRequest {
  id: bigint;
  sessionId: string;
  action: MtRequestAction;
  /** The request as received, scalars as strings, for the `answer` half of the result. */
  echo: Record<string, string>;
}

interface DealerResult {
  sessionId: string;
  expiresAt: number;
  confirm: Record<string, string>;
  echo: Record<string, string>;
}

/**
 * The dealer queue of one server: /api/dealer/send_request queues an IMTRequest and answers its ID ("0 Done" = queued,
 * not executed); a moment later the request is executed; /api/dealer/get_request_result answers `[]` while it waits,
 * then `[{"result":{IMTConfirm}},{"answer":{IMTRequest}}]` once. Results belong to the session that sent the request
 * (on MT5 they die with the connection) and expire unread. Of the dealer actions only POS_MODIFY (202) is simulated.
 */
export class DealerQueue {
  private nextId = 1n;
  private readonly waiting = new Map<bigint, DealerRequest>();
  private readonly results = new Map<bigint, DealerResult>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly state: SimulatorState,
    private readonly options: DealerQueueOptions = DEALER_DEFAULTS,
  ) {}

  get queued(): number {
    return this.waiting.size;
  }

  send(sessionId: string, body: JsonObject | undefined): Answer {
    const action = Number(scalarText(body?.['Action']));
    if (!body || !Number.isInteger(action) || action < MtRequestAction.POS_EXECUTE || action > MtRequestAction.CLOSE_BY) return fail(MtRetcode.ERR_PARAMS);
    if (action !== MtRequestAction.POS_MODIFY) return fail(MtRetcode.API_NOT_SUPPORTED);
    if (this.waiting.size >= this.options.maxQueued) return fail(MtRetcode.REQUEST_TOO_MANY);
    const echo: Record<string, string> = {};
    for (const [key, value] of Object.entries(body)) {
      const text = scalarText(value);
      if (text !== undefined) echo[key] = text;
    }
    const id = this.nextId++;
    const request: DealerRequest = { id, sessionId, action, echo: { ...echo, ID: id.toString() } };
    this.waiting.set(request.id, request);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.execute(request);
    }, this.options.processingDelayMs);
    this.timers.add(timer);
    return done({ ID: request.id.toString() });
  }

  /** The results of these ids for this session, each read once; 13 when no id is waiting or ready for it. */
  read(sessionId: string, ids: readonly bigint[]): Answer {
    this.dropExpired();
    const answer: unknown[] = [];
    let known = false;
    for (const id of ids) {
      if (this.waiting.get(id)?.sessionId === sessionId) known = true;
      const result = this.results.get(id);
      if (result?.sessionId !== sessionId) continue;
      known = true;
      this.results.delete(id);
      answer.push({ result: result.confirm }, { answer: result.echo });
    }
    return known ? done(answer) : fail(MtRetcode.ERR_NOTFOUND);
  }

  /** Results of a session that ended go with it. */
  forgetSession(sessionId: string): void {
    for (const [id, result] of this.results) if (result.sessionId === sessionId) this.results.delete(id);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private dropExpired(): void {
    const now = Date.now();
    for (const [id, result] of this.results) if (result.expiresAt <= now) this.results.delete(id);
  }

  private execute(request: DealerRequest): void {
    this.waiting.delete(request.id);
    const retcode = this.modifyPosition(request.echo);
    this.results.set(request.id, {
      sessionId: request.sessionId,
      expiresAt: Date.now() + this.options.resultTtlMs,
      confirm: { ID: request.id.toString(), Retcode: String(retcode), DealID: '0', OrderID: '0', Volume: '0', Price: '0', Comment: '' },
      echo: request.echo,
    });
  }

  /**
   * POS_MODIFY: set the position's SL and TP as given (an absent price is 0, "none", as in IMTRequest). A stop loss
   * must be on the losing side of the price the position would close at now (below the bid for a buy, above the ask
   * for a sell), a take profit on the winning side, else 10016.
   */
  private modifyPosition(request: Record<string, string>): MtRetcode {
    const login = parseTicket(request['Login']);
    const ticket = parseTicket(request['Position']);
    const sl = parseDecimal(request['PriceSL'] ?? '0');
    const tp = parseDecimal(request['PriceTP'] ?? '0');
    const position = ticket === undefined ? undefined : this.state.positions.get(ticket);
    if (!position || position.login !== login || position.symbol !== request['Symbol']) return MtRetcode.REQUEST_INVALID;
    if (sl === undefined || tp === undefined || sl < 0 || tp < 0) return MtRetcode.REQUEST_INVALID_STOPS;
    const symbol = this.state.symbols.get(position.symbol)!;
    const round = (price: number) => Number(price.toFixed(symbol.digits));
    const [stopLoss, takeProfit] = [round(sl), round(tp)];
    const price = closingPrice(position.action, symbol);
    const buy = position.action === 0;
    const slWrong = stopLoss !== 0 && (buy ? stopLoss >= price : stopLoss <= price);
    const tpWrong = takeProfit !== 0 && (buy ? takeProfit <= price : takeProfit >= price);
    if (slWrong || tpWrong) return MtRetcode.REQUEST_INVALID_STOPS;
    if (stopLoss === position.priceSL && takeProfit === position.priceTP) return MtRetcode.REQUEST_NO_CHANGES;
    position.priceSL = stopLoss;
    position.priceTP = takeProfit;
    position.timeUpdate = Math.floor(Date.now() / 1000);
    return MtRetcode.REQUEST_DONE;
  }
}

export const DEALER_COMMANDS: Readonly<Record<string, CommandHandler>> = {
  '/api/dealer/send_request': (input, { dealer, sessionId }) => dealer.send(sessionId, isJsonObject(input.body) ? input.body : undefined),
  '/api/dealer/get_request_result': (input, { dealer, sessionId }) => {
    const ids = parseTicketList(input.query.get('id') ?? undefined);
    return ids ? dealer.read(sessionId, ids) : fail(MtRetcode.ERR_PARAMS);
  },
};
