import { hostname } from 'node:os';
import { cefExtensionValue, cefHeaderField, cefRecordEvent, cefSeverity, eventName, syslogCheckpointEvent, syslogRecordEvent, syslogSeverityOf } from './cef';
import { recordFieldsOf, type RecordFields } from './record-fields';
import { auditChain, auditRecordOf, checkpointKey, checkpointsOf, contentOf } from './testing/audit-chain.fixture';
import type { AuditContent } from '@tradewarden/audit-chain';

/** A CEF reader as a SIEM parses events: seven header fields split on unescaped pipes, then key=value extensions. */
function parseCef(event: string): { header: string[]; extensions: Record<string, string> } {
  const header: string[] = [];
  let field = '';
  let index = 0;
  while (header.length < 7) {
    const char = event[index]!;
    if (char === '\\') {
      field += event[index + 1];
      index += 2;
    } else if (char === '|') {
      header.push(field);
      field = '';
      index += 1;
    } else {
      field += char;
      index += 1;
    }
  }
  const extension = event.slice(index);
  const keys = [...extension.matchAll(/(?:^| )([A-Za-z0-9]+)=/g)];
  const extensions: Record<string, string> = {};
  keys.forEach((match, position) => {
    const start = match.index + match[0].length;
    const end = position + 1 < keys.length ? keys[position + 1]!.index : extension.length;
    extensions[match[1]!] = extension.slice(start, end).replace(/\\([\\=nr])/g, (_escape, char: string) => (char === 'n' ? '\n' : char === 'r' ? '\r' : char));
  });
  return { header, extensions };
}

const fieldsOf = (overrides: Partial<AuditContent> = {}, accounts: string[] = []): RecordFields => {
  const content = contentOf(1, overrides);
  return recordFieldsOf(auditRecordOf(content, '0'.repeat(64), 'f'.repeat(64), accounts));
};

const NASTY = 'pipe|equals=back\\slash\nnew line\r\ncrlf "quote" \'apos\' ünïcödé 🚀 trailing\\';

describe('CEF escaping', () => {
  it('escapes backslash and pipe in header fields, and turns line breaks into spaces', () => {
    expect(cefHeaderField('a|b\\c')).toBe('a\\|b\\\\c');
    expect(cefHeaderField('one\ntwo\r\nthree')).toBe('one two  three');
  });

  it('escapes backslash, equals, CR and LF in extension values, not pipes', () => {
    expect(cefExtensionValue('a=b\\c|d\re\nf')).toBe('a\\=b\\\\c|d\\re\\nf');
    expect(cefExtensionValue('ünïcödé 🚀')).toBe('ünïcödé 🚀');
    expect(cefExtensionValue('nul\u0000tab\tbell\u0007')).toBe('nul\uFFFDtab\uFFFDbell\uFFFD');
  });

  it('keeps an event on one line and reads back the exact values, however nasty', () => {
    const fields = fieldsOf({ actorUsername: NASTY, serverId: NASTY, operationId: 'op=1 suser=forged', eventType: 'Odd|Type\\x' });
    const event = cefRecordEvent(fields);
    expect(event).not.toMatch(/[\r\n]/);
    const { header, extensions } = parseCef(event);
    expect(header).toEqual(['CEF:0', 'Tradewarden', 'Tradewarden Audit', '1', 'Odd|Type\\x', 'Odd|Type\\x', '3']);
    expect(extensions['suser']).toBe(NASTY);
    expect(extensions['cs2']).toBe(NASTY);
    expect(extensions['cs1']).toBe('op=1 suser=forged');
    expect(extensions['act']).toBe('Odd|Type\\x');
  });
});

describe('CEF events of records', () => {
  it('maps the record to the documented extensions', () => {
    const fields = fieldsOf({}, ['500001', '500002']);
    const { header, extensions } = parseCef(cefRecordEvent(fields));
    expect(header).toEqual(['CEF:0', 'Tradewarden', 'Tradewarden Audit', '1', 'OperationSubmitted', 'Operation submitted', '3']);
    expect(extensions).toEqual({
      rt: String(Date.parse(contentOf(1).occurredAt)),
      act: 'OperationSubmitted',
      cat: 'tradewarden.intake.operation-events.v1',
      suser: 'agent',
      suid: 'f1b2c3d4-0000-4000-8000-000000000001',
      requestClientApplication: 'tradewarden-cli',
      externalId: '00000000-0000-4000-8000-000000000001',
      cs1Label: 'operationId',
      cs1: 'op-1',
      cs2Label: 'serverId',
      cs2: 'mt5-demo-1',
      cs3Label: 'traceId',
      cs3: 'a'.repeat(32),
      cs4Label: 'hash',
      cs4: 'f'.repeat(64),
      cs5Label: 'accounts',
      cs5: '500001,500002',
      cs6Label: 'actorRoles',
      cs6: 'ops-agent,viewer',
      cn1Label: 'sequence',
      cn1: '1',
      msg: 'Operation submitted by agent (operation op-1)',
    });
  });

  it('rates a denial high, an execution that did not apply medium, and the rest low', () => {
    const denied = fieldsOf({ eventType: 'AccessDenied', operationId: '', details: { code: 'PERMISSION_DENIED', reason: 'missing operation.submit', method: '/intake/Submit' } });
    expect(cefSeverity(denied)).toBe(7);
    expect(parseCef(cefRecordEvent(denied)).extensions).toMatchObject({ outcome: 'DENIED', reason: 'PERMISSION_DENIED: missing operation.submit', msg: 'Access denied to agent calling /intake/Submit' });
    for (const status of ['FAILED', 'REJECTED', 'DRIFTED']) {
      const executed = fieldsOf({ eventType: 'ItemExecuted', details: { itemId: 'item-1', status: `ITEM_STATUS_${status}`, errorCode: 'MT_10019', errorMessage: 'no money' } });
      expect(cefSeverity(executed)).toBe(5);
      expect(parseCef(cefRecordEvent(executed)).extensions).toMatchObject({ outcome: status, reason: 'MT_10019: no money', msg: `Item item-1 of operation op-1 on mt5-demo-1: ${status}` });
    }
    expect(cefSeverity(fieldsOf({ eventType: 'ItemExecuted', details: { status: 'ITEM_STATUS_APPLIED' } }))).toBe(3);
    expect(cefSeverity(fieldsOf({ eventType: 'OperationRejected' }))).toBe(3);
  });

  it('names events in words', () => {
    expect(eventName('OperationSubmitted')).toBe('Operation submitted');
    expect(eventName('AccessDenied')).toBe('Access denied');
    expect(eventName('ApprovalDelegationChanged')).toBe('Approval delegation changed');
  });

  it('leaves out empty values and cuts long lists at a whole element', () => {
    const accounts = Array.from({ length: 1000 }, (_value, index) => String(10_000_000 + index));
    const { extensions } = parseCef(cefRecordEvent(fieldsOf({ operationId: '', serverId: '' }, accounts)));
    expect(extensions['cs1']).toBeUndefined();
    expect(extensions['cs1Label']).toBeUndefined();
    expect(extensions['cs5']!.length).toBeLessThanOrEqual(4000);
    expect(extensions['cs5']).toMatch(/^10000000,10000001,.*,\d{8} \(\+\d+ more\)$/);
    const kept = extensions['cs5']!.split(' ')[0]!.split(',').length;
    expect(extensions['cs5']).toContain(`(+${1000 - kept} more)`);
  });
});

describe('syslog framing (RFC 5424)', () => {
  it('frames a record with PRI, version, time, host, app, MSGID and no BOM', () => {
    const line = syslogRecordEvent(fieldsOf(), { hostname: 'audit-1.example' });
    expect(line).toBe(`<86>1 ${contentOf(1).occurredAt} audit-1.example tradewarden-audit - OperationSubmitted - ${cefRecordEvent(fieldsOf())}`);
    expect(line).not.toContain('\uFEFF');
  });

  it('derives PRI from the facility (authpriv by default) and the CEF severity', () => {
    const denied = fieldsOf({ eventType: 'AccessDenied' });
    const failed = fieldsOf({ eventType: 'ItemExecuted', details: { status: 'ITEM_STATUS_FAILED' } });
    expect(syslogRecordEvent(denied, { hostname: 'h' })).toMatch(/^<84>1 /);
    expect(syslogRecordEvent(failed, { hostname: 'h' })).toMatch(/^<85>1 /);
    expect(syslogRecordEvent(denied, { hostname: 'h', facility: 20 })).toMatch(/^<164>1 /);
    expect([0, 3, 4, 6, 7, 8, 9, 10].map(syslogSeverityOf)).toEqual([6, 6, 5, 5, 4, 4, 2, 2]);
  });

  it('uses the machine name unless told, and refuses a hostname or facility RFC 5424 does not allow', () => {
    expect(syslogRecordEvent(fieldsOf()).split(' ')[2]).toBe(hostname());
    expect(() => syslogRecordEvent(fieldsOf(), { hostname: 'two words' })).toThrow('syslog hostname must be 1-255 printable US-ASCII');
    expect(() => syslogRecordEvent(fieldsOf(), { hostname: '' })).toThrow('syslog hostname');
    expect(() => syslogRecordEvent(fieldsOf(), { hostname: 'h', facility: 24 })).toThrow('syslog facility must be an integer 0-23');
  });

  it('keeps the MSGID within 32 printable characters', () => {
    const line = syslogRecordEvent(fieldsOf({ eventType: 'A Very|Long Event Type That Goes On And On' }), { hostname: 'h' });
    expect(line.split(' ')[5]).toBe('AVery|LongEventTypeThatGoesOnAnd');
  });

  it('frames a checkpoint at its signing time, with what is needed to verify it', () => {
    const key = checkpointKey();
    const records = auditChain(3);
    const [checkpoint] = checkpointsOf(records, [3], key);
    const line = syslogCheckpointEvent(checkpoint!, { hostname: 'h' });
    expect(line.startsWith(`<86>1 ${checkpoint!.signedAt} h tradewarden-audit - AuditCheckpoint - CEF:0|Tradewarden|Tradewarden Audit|1|AuditCheckpoint|Audit checkpoint signed|1|`)).toBe(true);
    const { extensions } = parseCef(line.slice(line.indexOf('CEF:')));
    expect(extensions).toMatchObject({ cn1: '3', cs4: records[2]!.hash, cs5: checkpoint!.signature, cs6: key.keyId, cs1: checkpoint!.signedAt });
  });
});
