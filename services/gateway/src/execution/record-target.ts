import {
  accountChanges,
  accountSnapshot,
  canonicalChangeSet,
  ChangeFieldError,
  groupChanges,
  groupSnapshot,
  orderChanges,
  orderSnapshot,
  positionChanges,
  positionSnapshot,
  symbolChanges,
  symbolSnapshot,
  type RecordKind,
} from '@tradewarden/mt-change';
import type { operationV1 } from '@tradewarden/proto';
import { toAccount, toGroup, toOrder, toPosition, toSymbol } from '../mt/gateway-records';
import { UnsupportedChangeError, type MtConnector } from '../mt/mt-connector';

/** One record an update changes: how to read it in the change vocabulary and how to write the change. */
export interface RecordTarget {
  kind: RecordKind;
  /** The change's fields, canonical. */
  set: Record<string, string>;
  /** For messages and as the item's MT reference, e.g. "account 500001". */
  reference: string;
  /** The live record as a snapshot; undefined when it does not exist. */
  read(): Promise<Record<string, string> | undefined>;
  write(): Promise<void>;
}

/** Throws ChangeFieldError for a field the vocabulary refuses, UnsupportedChangeError for a change of no known kind. */
export function recordTarget(serverId: string, connector: MtConnector, change: operationV1.MtChange | undefined): RecordTarget {
  if (change?.accountUpdate) {
    const { login, set } = change.accountUpdate;
    const changes = accountChanges(set);
    return {
      kind: 'account',
      set: canonicalChangeSet('account', set),
      reference: `account ${login}`,
      // The account vocabulary has no margin figures: the user record is all a snapshot needs.
      read: async () => accountSnapshot(toAccount(serverId, await connector.getAccount(login, { margin: false }))),
      write: () => connector.updateAccount(login, changes),
    };
  }
  if (change?.groupUpdate) {
    const { group, set } = change.groupUpdate;
    const changes = groupChanges(set);
    return {
      kind: 'group',
      set: canonicalChangeSet('group', set),
      reference: `group ${group}`,
      read: async () => groupSnapshot(toGroup(await connector.getGroup(group))),
      write: () => connector.updateGroup(group, changes),
    };
  }
  if (change?.symbolUpdate) {
    const { symbol, set } = change.symbolUpdate;
    const changes = symbolChanges(set);
    return {
      kind: 'symbol',
      set: canonicalChangeSet('symbol', set),
      reference: `symbol ${symbol}`,
      read: async () => {
        const found = (await connector.getSymbols(symbol)).find((candidate) => candidate.symbol === symbol);
        return found && symbolSnapshot(toSymbol(found));
      },
      write: () => connector.updateSymbol(symbol, changes),
    };
  }
  if (change?.positionUpdate) {
    const { login, position, set, throughDealer } = change.positionUpdate;
    const changes = positionChanges(set);
    if (throughDealer && changes.priceOpen !== undefined) {
      throw new ChangeFieldError('set.price_open', 'a dealer request changes SL/TP only; correct the open price without through_dealer');
    }
    return {
      kind: 'position',
      set: canonicalChangeSet('position', set),
      reference: `position ${position}`,
      read: async () => {
        const found = await connector.getPosition(login, position);
        return found && positionSnapshot(toPosition(found));
      },
      write: () => (throughDealer ? connector.modifyPositionStops(login, position, changes) : connector.updatePosition(login, position, changes)),
    };
  }
  if (change?.orderUpdate) {
    const { login, order, set } = change.orderUpdate;
    const changes = orderChanges(set);
    return {
      kind: 'order',
      set: canonicalChangeSet('order', set),
      reference: `order ${order}`,
      read: async () => {
        const found = await connector.getOrder(login, order);
        return found && orderSnapshot(toOrder(found));
      },
      write: () => connector.updateOrderStops(login, order, changes),
    };
  }
  throw new UnsupportedChangeError('the item carries no change the gateway knows');
}
