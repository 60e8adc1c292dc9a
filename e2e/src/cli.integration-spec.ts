import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bearerMetadata, createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { demoRealm } from '@tradewarden/local-infra';
import { webApiPasswordHash } from '@tradewarden/mt5-webapi-protocol';
import { auditV1, intakeV1 } from '@tradewarden/proto';
import { eventually, harnessServers, userToken } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';

const root = resolve(__dirname, '..', '..');

/** The documented exit codes (tools/cli/src/exit-codes.ts, docs/cli.md), spelled out: the contract under test. */
const EXIT = { ok: 0, failed: 1, usage: 2, notAuthenticated: 3, unavailable: 4 } as const;

interface CliRun {
  args: readonly string[];
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI as `npx tradewarden` runs it: node on tools/cli/bin/tradewarden.js, which loads tools/runtime/register-paths.js
 * and the compiled dist/tools/cli/src/main.js of its workspace. The workspace's own dist/ may be older than the sources
 * (the bin builds only when it is missing), so the suite compiles the CLI's sources (tools/cli and the libs it imports,
 * without type checks: `npm run typecheck` does those) into a workspace of its own under the run directory and copies
 * the bin and register-paths.js there. That workspace has its own nx.json, so a platform a developer runs with
 * `npm start` (its .runtime/platform.json) is never seen: the CLI learns the addresses only from TRADEWARDEN_*.
 */
async function buildCliWorkspace(directory: string): Promise<string> {
  mkdirSync(join(directory, 'tools', 'cli', 'bin'), { recursive: true });
  mkdirSync(join(directory, 'tools', 'runtime'), { recursive: true });
  copyFileSync(join(root, 'tools', 'cli', 'bin', 'tradewarden.js'), join(directory, 'tools', 'cli', 'bin', 'tradewarden.js'));
  copyFileSync(join(root, 'tools', 'runtime', 'register-paths.js'), join(directory, 'tools', 'runtime', 'register-paths.js'));
  writeFileSync(join(directory, 'nx.json'), '{}\n');
  writeFileSync(join(directory, 'package.json'), '{ "private": true }\n');
  const tsconfig = join(directory, 'tsconfig.cli.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: { rootDir: root, baseUrl: root, outDir: join(directory, 'dist'), noCheck: true, sourceMap: false, incremental: false },
      files: [join(root, 'tools', 'cli', 'src', 'main.ts')],
    }),
  );
  const compiler = spawn(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  compiler.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  compiler.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => compiler.once('close', done));
  const bin = join(directory, 'tools', 'cli', 'bin', 'tradewarden.js');
  if (code !== 0 || !existsSync(join(directory, 'dist', 'tools', 'cli', 'src', 'main.js'))) throw new Error(`compiling the CLI failed (exit ${code}):\n${output}`);
  return bin;
}

/** "100050" minor units -> "1000.50". */
const money = (minor: bigint) => `${minor < 0n ? '-' : ''}${(minor < 0n ? -minor : minor) / 100n}.${String((minor < 0n ? -minor : minor) % 100n).padStart(2, '0')}`;
const lines = (text: string) => text.split(/\r?\n/).filter((line) => line !== '');

/**
 * `tradewarden` against the real platform (the in-process services, the simulated MT5 and MT4 servers, and the run's
 * Kafka, PostgreSQL and Keycloak), driven as a child process with its own HOME per test, asserting on exit codes, the
 * --json documents and what the platform really did.
 */
describe('tradewarden CLI end to end', () => {
  let platform: InProcessPlatform | undefined;
  let bin: string;
  let workDir: string;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;

  beforeAll(async () => {
    const runDir = process.env['TW_HARNESS_RUN_DIR'] ?? tmpdir();
    workDir = mkdtempSync(join(runDir, 'cli-e2e-'));
    const started = startInProcessPlatform('cli', { generatedAccounts: 20 }).then((running) => (platform = running));
    // Compiled while the platform starts (the machine has two cores).
    const [builtBin] = await Promise.all([buildCliWorkspace(join(workDir, 'workspace')), started]);
    bin = builtBin;
    intake = createGrpcClient(intakeV1.IntakeServiceService, started_().addresses.intake, 'IntakeService');
    // Templates have no CLI command to save them (an admin's API call): one for `templates` and `submit --template`.
    await unaryCall(
      intake,
      'saveTemplate',
      intakeV1.SaveTemplateRequest.fromPartial({
        template: {
          name: 'cli-small-deposit',
          operationType: 'balance.deposit',
          description: 'small USD deposits on mt5-demo-1',
          fixed: { balanceDeposit: { comment: 'cli template', amount: { currency: 'USD' } } },
          constraints: { maxAmountPerItem: { amount: '50.00', currency: 'USD' }, serverIds: ['mt5-demo-1'], maxItems: 10 },
        },
      }),
      bearerMetadata(await userToken('admin')),
    );
  });

  afterAll(async () => {
    intake?.close();
    await platform?.stop();
  });

  const started_ = (): InProcessPlatform => {
    if (!platform) throw new Error('the platform did not start');
    return platform;
  };

  /** One person's terminal: a HOME of its own (so ~/.config/tradewarden/token.json is theirs), made for one test. */
  class Terminal {
    readonly home = mkdtempSync(join(workDir, 'home-'));

    get tokenFile(): string {
      return join(this.home, '.config', 'tradewarden', 'token.json');
    }

    /** stopReading: close the CLI's stdout after its first chunk, as `| head -c 1` would. */
    run(args: readonly string[], extraEnv: Record<string, string> = {}, { timeoutMs = 90_000, stopReading = false } = {}): Promise<CliRun> {
      const addresses = started_().addresses;
      const env: NodeJS.ProcessEnv = {
        // Nothing of the test process's environment (a developer's TRADEWARDEN_* settings, say) but PATH.
        PATH: process.env['PATH'],
        HOME: this.home,
        TRADEWARDEN_INTAKE: addresses.intake,
        TRADEWARDEN_APPROVAL: addresses.approval,
        TRADEWARDEN_GATEWAY: addresses.gateway,
        TRADEWARDEN_AUDIT: addresses.audit,
        TRADEWARDEN_KEYCLOAK: harnessServers().keycloakUrl,
        TRADEWARDEN_REALM: harnessServers().realm,
        ...extraEnv,
      };
      const child = spawn(process.execPath, [bin, ...args], { cwd: this.home, env, stdio: ['pipe', 'pipe', 'pipe'] });
      // Not a terminal, and nothing typed: what a script gives.
      child.stdin.end();
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stopReading) child.stdout.destroy();
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      return new Promise((done, fail) => {
        child.once('error', fail);
        child.once('close', (code) => {
          clearTimeout(timer);
          done({ args, code, stdout, stderr });
        });
      });
    }

    /** Runs, expects the exit code (showing stderr when it differs), and returns the run. */
    async expect(args: readonly string[], exitCode: number, extraEnv: Record<string, string> = {}): Promise<CliRun> {
      const run = await this.run(args, extraEnv);
      expect({ args: run.args.join(' '), code: run.code, stderr: run.stderr }).toEqual({ args: args.join(' '), code: exitCode, stderr: expect.any(String) });
      return run;
    }

    /** Runs with --json, expects exit 0 and returns the parsed document. */
    async json<T = Record<string, unknown>>(args: readonly string[], exitCode: number = EXIT.ok): Promise<T> {
      const run = await this.expect([...args, '--json'], exitCode);
      return JSON.parse(run.stdout) as T;
    }
  }

  async function loggedIn(user: string): Promise<Terminal> {
    const terminal = new Terminal();
    // A fresh Keycloak under load has refused a demo user's correct password once (libs/test-harness userToken).
    await eventually(async () => terminal.expect(['login', '--user', user], EXIT.ok), 20_000, 1000);
    return terminal;
  }

  const mt5Balance = (login: number) => started_().simulator.state.accounts.get(BigInt(login))!.balance;
  const mt4Balance = (login: number) => started_().mt4.state.accounts.get(BigInt(login))!.balance;
  const depositArgs = (login: number, amount: string, server = 'mt5-demo-1') => ['--server', server, '--set', `login=${login}`, '--set', `amount=${amount}`, '--set', 'currency=USD'];

  interface OperationJson {
    operationId: string;
    operationType: string;
    status: string;
    submittedBy: string;
    template?: string;
    statusReason?: string;
    counts?: Record<string, number>;
    items?: { itemId: string; rowNumber: number; status: string; mtReference?: string; before?: Record<string, string>; after?: Record<string, string>; spec?: { serverId: string } }[];
  }

  /** `ops watch --json`: one operation document a line; the last is the final state. */
  async function watch(terminal: Terminal, operationId: string, exitCode: number): Promise<OperationJson[]> {
    const run = await terminal.expect(['ops', 'watch', operationId, '--json'], exitCode);
    return lines(run.stdout).map((line) => JSON.parse(line) as OperationJson);
  }

  async function pendingApproval(terminal: Terminal, operationId: string): Promise<{ state: string; planDigest: string; policyName: string }> {
    return eventually(async () => {
      const request = await terminal.json<{ state: string; planDigest: string; policyName: string }>(['approvals', 'show', operationId]);
      expect(request.state).toBe('APPROVAL_STATE_PENDING');
      return request;
    });
  }

  describe('login and logout', () => {
    it('refuses a wrong password with exit 3 and stores nothing; logs a demo user in, renews the token, logs out', async () => {
      const terminal = new Terminal();
      const wrong = await terminal.expect(['login', '--user', 'agent', '--password', 'not-the-password'], EXIT.notAuthenticated);
      expect(wrong.stderr).toMatch(/^tradewarden: Keycloak refused the login: invalid user credentials/im);
      expect(existsSync(terminal.tokenFile)).toBe(false);
      const notLoggedIn = await terminal.expect(['ops', 'list'], EXIT.notAuthenticated);
      expect(notLoggedIn.stderr).toContain('not logged in: run tradewarden login');

      const login = await terminal.json<{ principal: string; grant: string; realm: string; tokenFile: string }>(['login', '--user', 'supervisor']);
      expect(login).toEqual({ principal: 'supervisor', grant: 'password', keycloakUrl: harnessServers().keycloakUrl, realm: 'tradewarden', tokenFile: terminal.tokenFile });
      expect(statSync(terminal.tokenFile).mode & 0o777).toBe(0o600);
      const human = await terminal.expect(['login', '--user', 'agent'], EXIT.ok);
      expect(human.stdout).toMatch(/^logged in as agent \(user\) at http:\/\/.+, realm tradewarden; token valid \d+ min/);
      expect(human.stdout).toContain(`token stored in ${terminal.tokenFile} (readable by you only)`);

      // An access token about to expire is renewed with the refresh token, and the file rewritten.
      const stored = JSON.parse(readFileSync(terminal.tokenFile, 'utf8')) as { accessToken: string; accessTokenExpiresAt: number; principal: string };
      expect(stored.principal).toBe('agent');
      writeFileSync(terminal.tokenFile, JSON.stringify({ ...stored, accessTokenExpiresAt: Date.now() - 1000 }));
      await terminal.expect(['ops', 'list', '--limit', '1'], EXIT.ok);
      const renewed = JSON.parse(readFileSync(terminal.tokenFile, 'utf8')) as typeof stored;
      expect(renewed.accessToken).not.toBe(stored.accessToken);
      expect(renewed.accessTokenExpiresAt).toBeGreaterThan(Date.now() + 60_000);

      const session = readFileSync(terminal.tokenFile, 'utf8');
      expect(await terminal.json(['logout'])).toEqual({ loggedOut: true, keycloakSessionEnded: true });
      expect(existsSync(terminal.tokenFile)).toBe(false);
      expect((await terminal.expect(['logout'], EXIT.ok)).stdout).toBe('not logged in\n');
      await terminal.expect(['ops', 'list'], EXIT.notAuthenticated);

      // The Keycloak session really ended: the old refresh token renews nothing.
      writeFileSync(terminal.tokenFile, JSON.stringify({ ...(JSON.parse(session) as object), accessTokenExpiresAt: 0 }));
      const ended = await terminal.expect(['ops', 'list'], EXIT.notAuthenticated);
      expect(ended.stderr).toMatch(/^tradewarden: the session of agent has ended \(Keycloak: .+\): log in again \(tradewarden login\)\n$/);
    });

    it('lets an integration use its client credentials from the environment, without a login', async () => {
      const terminal = new Terminal();
      const before = mt5Balance(500005);
      const env = { TRADEWARDEN_CLIENT_ID: 'tradewarden-crm', TRADEWARDEN_CLIENT_SECRET: demoRealm.clientSecret('tradewarden-crm') };
      const run = await terminal.expect(['submit', 'balance.deposit', ...depositArgs(500005, '1.25'), '--json'], EXIT.ok, env);
      const operation = (JSON.parse(run.stdout) as { operation: OperationJson }).operation;
      expect(operation.submittedBy).toBe('service-account-tradewarden-crm');
      await eventually(async () => expect(mt5Balance(500005)).toBe(before + 125n));
      expect(existsSync(terminal.tokenFile)).toBe(false);
    });
  });

  describe('validate', () => {
    it('previews a deposit from --set flags (before -> after) without changing anything', async () => {
      const agent = await loggedIn('agent');
      const before = mt5Balance(500001);
      const preview = await agent.json<{ valid: boolean; items: OperationJson['items']; totals: Record<string, unknown> }>(['validate', 'balance.deposit', ...depositArgs(500001, '250.50')]);
      expect(preview.valid).toBe(true);
      expect(preview.items).toHaveLength(1);
      expect(preview.items![0]).toMatchObject({ rowNumber: 1, before: { login: '500001', balance: money(before) }, after: { balance: money(before + 25050n) } });
      expect(preview.totals).toMatchObject({ items: 1, validItems: 1, accounts: 1, servers: 1, moneyIn: [{ amount: '250.50', currency: 'USD' }] });
      const human = await agent.expect(['validate', 'balance.deposit', ...depositArgs(500001, '250.50')], EXIT.ok);
      expect(human.stdout).toContain(`balance: ${money(before)} -> ${money(before + 25050n)}`);
      expect(human.stdout).toContain('valid: nothing was stored or sent (dry run)');

      // A JSON file of items, flat like a CSV row or shaped like the API.
      const file = join(agent.home, 'items.json');
      writeFileSync(
        file,
        JSON.stringify([
          { server_id: 'mt5-demo-1', login: '500001', amount: '1.00', currency: 'USD' },
          { serverId: 'mt4-demo-1', balanceDeposit: { login: '700004', amount: { amount: '2.00', currency: 'USD' } } },
        ]),
      );
      const fromFile = await agent.json<{ valid: boolean; items: OperationJson['items']; totals: Record<string, unknown> }>(['validate', 'balance.deposit', '--file', file]);
      expect(fromFile.valid).toBe(true);
      expect(fromFile.items!.map((item) => [item.rowNumber, item.before!['login'], item.after!['balance']])).toEqual([
        [1, '500001', money(before + 100n)],
        [2, '700004', money(mt4Balance(700004) + 200n)],
      ]);
      expect(fromFile.totals).toMatchObject({ items: 2, validItems: 2, servers: 2, moneyIn: [{ amount: '3.00', currency: 'USD' }] });
      expect(mt5Balance(500001)).toBe(before);
    });

    it('refuses an invalid deposit with exit 1, naming the field', async () => {
      const agent = await loggedIn('agent');
      // The server's rule: the account does not exist.
      const unknown = await agent.json<{ valid?: boolean; items: { errors: { field: string; code: string }[] }[] }>(['validate', 'balance.deposit', ...depositArgs(599999, '10.00')], EXIT.failed);
      expect(unknown.valid).toBe(false);
      expect(unknown.items[0]!.errors).toEqual([expect.objectContaining({ field: 'items[0].balance_deposit.login', code: 'ACCOUNT_NOT_FOUND' })]);
      const human = await agent.expect(['validate', 'balance.deposit', ...depositArgs(500001, '0')], EXIT.failed);
      expect(human.stdout).toMatch(/error RANGE items\[0\]\.balance_deposit\.amount\.amount: /);
      expect(human.stdout).toContain('refused: 1 item with errors');
      // The format's rule, checked before anything is sent.
      const malformed = await agent.expect(['validate', 'balance.deposit', ...depositArgs(500001, 'ten')], EXIT.failed);
      expect(malformed.stdout).toMatch(/error NOT_A_DECIMAL amount: /);
      // Not a field of the type: a usage error.
      const notAField = await agent.expect(['validate', 'balance.deposit', '--server', 'mt5-demo-1', '--set', 'login=500001', '--set', 'amout=5'], EXIT.usage);
      expect(notAField.stderr).toContain('--set amout: not a field of balance.deposit; fields: login, amount, currency, comment');

      // Submitted anyway, it is refused the same way, with nothing stored.
      const since = new Date(Date.now() - 1000).toISOString();
      const submitted = await agent.expect(['submit', 'balance.deposit', ...depositArgs(599999, '10.00'), '--json'], EXIT.failed);
      expect(JSON.parse(submitted.stdout)).toEqual({ submitted: false, errorCount: 1, errors: [expect.objectContaining({ field: 'items[0].balance_deposit.login', code: 'ACCOUNT_NOT_FOUND' })] });
      expect(submitted.stderr).toMatch(/^tradewarden: submit: INVALID_ARGUMENT: .*\n {2}items\[0\]\.balance_deposit\.login: .*\[ACCOUNT_NOT_FOUND\]\n$/);
      const local = await agent.json(['submit', 'balance.deposit', ...depositArgs(500001, 'ten')], EXIT.failed);
      expect(local).toEqual({ submitted: false, errorCount: 1, errors: [expect.objectContaining({ row: 1, field: 'amount', code: 'NOT_A_DECIMAL' })] });
      expect((await agent.json<{ operations: OperationJson[] }>(['ops', 'list', '--since', since])).operations).toEqual([]);
    });
  });

  describe('big outputs', () => {
    it('validates a 2,000-row CSV in chunks, writes all of it, and stops quietly when the reader goes away', async () => {
      const agent = await loggedIn('agent');
      const file = join(agent.home, 'big.csv');
      const rows = Array.from({ length: 2000 }, (_, i) => `mt5-demo-1,${500001 + (i % 5)},1.00,USD,row ${i + 1}`);
      writeFileSync(file, ['server_id,login,amount,currency,comment', ...rows].join('\n'));
      const whole = await agent.json<{ valid: boolean; items: { rowNumber: number }[]; totals: Record<string, unknown> }>(['validate', 'balance.deposit', '--csv', file]);
      expect(whole.valid).toBe(true);
      expect(whole.items.map((item) => item.rowNumber)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
      expect(whole.totals).toMatchObject({ items: 2000, validItems: 2000, accounts: 5, servers: 1, moneyIn: [{ amount: '2000.00', currency: 'USD' }] });
      // `| head -c 1`: the pipe closes after the first chunk of a document of about a megabyte.
      const cut = await agent.run(['validate', 'balance.deposit', '--csv', file, '--json'], {}, { stopReading: true });
      expect({ code: cut.code, stderr: cut.stderr }).toEqual({ code: EXIT.ok, stderr: '' });
      expect(cut.stdout.length).toBeLessThan(JSON.stringify(whole, null, 2).length);
    });
  });

  describe('submit, watch, show, list', () => {
    it('submits a deposit, watches it to completion, shows it and finds it with a filter', async () => {
      const agent = await loggedIn('agent');
      const before = mt5Balance(500002);
      const since = new Date(Date.now() - 1000).toISOString();
      const submitted = await agent.json<{ operation: OperationJson; replayed?: boolean }>(['submit', 'balance.deposit', ...depositArgs(500002, '42.00')]);
      const operationId = submitted.operation.operationId;
      expect(submitted.operation).toMatchObject({ operationType: 'balance.deposit', submittedBy: 'agent' });
      expect(submitted.replayed).toBeUndefined();

      const updates = await watch(agent, operationId, EXIT.ok);
      expect(updates.at(-1)).toMatchObject({ operationId, status: 'OPERATION_STATUS_COMPLETED', counts: expect.objectContaining({ total: 1, applied: 1 }) });
      expect(mt5Balance(500002)).toBe(before + 4200n);

      // The same command again is the same request: answered as a replay, nothing deposited twice.
      const again = await agent.json<{ operation: OperationJson; replayed?: boolean }>(['submit', 'balance.deposit', ...depositArgs(500002, '42.00')]);
      expect(again).toMatchObject({ replayed: true, operation: { operationId } });
      expect(mt5Balance(500002)).toBe(before + 4200n);

      const shown = await agent.json<OperationJson>(['ops', 'show', operationId]);
      expect(shown).toMatchObject({ operationId, status: 'OPERATION_STATUS_COMPLETED' });
      expect(shown.items).toEqual([expect.objectContaining({ rowNumber: 1, status: 'ITEM_STATUS_APPLIED', mtReference: expect.stringMatching(/^\d+$/), spec: expect.objectContaining({ serverId: 'mt5-demo-1' }) })]);
      const [item] = shown.items!;
      expect(item!.before).toMatchObject({ login: '500002', balance: money(before) });
      // The after-state is what the gateway read back from the server (numerically: its format differs, see below).
      expect(Number(item!.after!['balance'])).toBe(Number(money(before + 4200n)));
      expect(Number(item!.after!['credit'])).toBe(Number(item!.before!['credit']));
      const human = await agent.expect(['ops', 'show', operationId], EXIT.ok);
      expect(human.stdout).toContain(`operation ${operationId}  balance.deposit  COMPLETED`);
      expect(human.stdout).toContain(`  1 item (1 applied)`);
      expect(human.stdout).toMatch(new RegExp(`row 1  mt5-demo-1  applied  mt ref ${item!.mtReference}  \\(item ${item!.itemId}\\)\n    balance: ${money(before)} -> ${money(before + 4200n).replace('.00', '')}(\\.00)?\n`));
      // Only what changed: the credit did not.
      expect(human.stdout).not.toContain('credit:');

      const listed = await agent.json<{ operations: OperationJson[]; more: boolean }>(['ops', 'list', '--type', 'balance.deposit', '--status', 'completed', '--submitter', 'agent', '--since', since]);
      expect(listed.operations.map((operation) => operation.operationId)).toContain(operationId);
      for (const operation of listed.operations) expect(operation).toMatchObject({ operationType: 'balance.deposit', status: 'OPERATION_STATUS_COMPLETED', submittedBy: 'agent' });
      const onMt4 = await agent.json<{ operations: OperationJson[] }>(['ops', 'list', '--server', 'mt4-demo-1', '--since', since]);
      expect(onMt4.operations.map((operation) => operation.operationId)).not.toContain(operationId);
      const table = await agent.expect(['ops', 'list', '--type', 'balance.deposit', '--since', since], EXIT.ok);
      expect(lines(table.stdout)[0]).toMatch(/^id\s+type\s+status\s+items\s+submitted by\s+submitted at$/);
      expect(table.stdout).toMatch(new RegExp(`${operationId}\\s+balance\\.deposit\\s+completed\\s+1 item \\(1 applied\\)\\s+agent`));

      await agent.expect(['ops', 'list', '--status', 'finished'], EXIT.usage);
      await agent.expect(['ops', 'show', '00000000-0000-4000-8000-000000000000'], EXIT.failed);
    });
  });

  describe('batches from CSV', () => {
    const csv = (name: string, rows: string[]) => {
      const path = join(workDir, `${name}-${Date.now()}.csv`);
      writeFileSync(path, ['server_id,login,amount,currency,comment', ...rows].join('\n'));
      return path;
    };

    it('submits a CSV spanning MT5 and MT4 through SubmitBatch and reports it per row', async () => {
      const agent = await loggedIn('agent');
      const before = { m5a: mt5Balance(500003), m5b: mt5Balance(500004), m4a: mt4Balance(700001), m4b: mt4Balance(700002) };
      const file = csv('mixed', ['mt5-demo-1,500003,11.00,USD,cli batch', 'mt4-demo-1,700001,12.00,USD,cli batch', 'mt5-demo-1,500004,13.00,USD,cli batch', 'mt4-demo-1,700002,14.00,USD,cli batch']);

      const result = await agent.json<{ submitted: boolean; acceptedItems: number; operation: OperationJson }>(['submit', 'balance.deposit', '--csv', file]);
      expect(result).toMatchObject({ submitted: true, acceptedItems: 4, operation: { operationType: 'balance.deposit', submittedBy: 'agent' } });
      const operationId = result.operation.operationId;
      expect((await watch(agent, operationId, EXIT.ok)).at(-1)).toMatchObject({ status: 'OPERATION_STATUS_COMPLETED', counts: expect.objectContaining({ total: 4, applied: 4 }) });
      expect({ m5a: mt5Balance(500003), m5b: mt5Balance(500004), m4a: mt4Balance(700001), m4b: mt4Balance(700002) }).toEqual({
        m5a: before.m5a + 1100n,
        m5b: before.m5b + 1300n,
        m4a: before.m4a + 1200n,
        m4b: before.m4b + 1400n,
      });

      const report = await agent.expect(['ops', 'report', operationId], EXIT.ok);
      const rows = lines(report.stdout).map((line) => line.split(','));
      expect(rows[0]).toEqual(['row', 'item_id', 'server_id', 'status', 'error_code', 'error_message', 'mt_reference']);
      expect(rows.slice(1).map(([row, , server, status]) => [row, server, status])).toEqual([
        ['1', 'mt5-demo-1', 'applied'],
        ['2', 'mt4-demo-1', 'applied'],
        ['3', 'mt5-demo-1', 'applied'],
        ['4', 'mt4-demo-1', 'applied'],
      ]);
      for (const row of rows.slice(1)) expect(row[6]).toMatch(/\S/);
      const out = join(agent.home, 'report.csv');
      const written = await agent.expect(['ops', 'report', operationId, '--out', out], EXIT.ok);
      expect(written.stderr).toBe(`4 rows written to ${out}\n`);
      expect(readFileSync(out, 'utf8')).toBe(report.stdout);
      const nowhere = join(agent.home, 'no-such-folder', 'report.csv');
      const unwritable = await agent.expect(['ops', 'report', operationId, '--out', nowhere], EXIT.failed);
      expect(unwritable.stderr).toBe(`tradewarden: cannot write ${nowhere}: ENOENT: no such file or directory, open '${nowhere}'\n`);
      expect(lines((await agent.expect(['ops', 'report', operationId, '--failed'], EXIT.ok)).stdout)).toEqual(['row,item_id,server_id,status,error_code,error_message,mt_reference']);
      await agent.expect(['ops', 'report', operationId, '--json'], EXIT.usage);

      // The MT4 server's operations are found by its id.
      const onMt4 = await agent.json<{ operations: OperationJson[] }>(['ops', 'list', '--server', 'mt4-demo-1', '--type', 'balance.deposit']);
      expect(onMt4.operations.map((operation) => operation.operationId)).toContain(operationId);
    });

    it('refuses a CSV with a malformed row before sending anything, naming the row, and writes the report', async () => {
      const agent = await loggedIn('agent');
      const before = [mt5Balance(500003), mt4Balance(700003)];
      const dealsBefore = started_().simulator.state.deals.length + started_().mt4.state.deals.length;
      const file = csv('malformed', ['mt5-demo-1,500003,5.00,USD,ok', 'mt4-demo-1,700003,6.00,USD,ok', 'mt5-demo-1,500003,seven,USD,bad']);
      const refused = await agent.json<{ submitted: boolean; errors: { row: number; field: string; code: string }[] }>(['submit', 'balance.deposit', '--csv', file], EXIT.failed);
      expect(refused).toMatchObject({ submitted: false, errorCount: 1, errors: [{ row: 3, field: 'amount', code: 'NOT_A_DECIMAL' }] });
      const human = await agent.expect(['submit', 'balance.deposit', '--csv', file], EXIT.failed);
      expect(human.stderr).toContain(`refused before sending: 1 problem in ${file}`);
      expect(human.stderr).toMatch(/row 3, column amount: .*\[NOT_A_DECIMAL\]/);
      const reportFile = file.replace(/\.csv$/, '.report.csv');
      expect(human.stderr).toContain(`per-row report: ${reportFile}`);
      expect(lines(readFileSync(reportFile, 'utf8')).map((line) => line.split(',').filter((_cell, column) => [0, 3, 4].includes(column)))).toEqual([
        ['row', 'status', 'error_code'],
        ['3', 'skipped', 'NOT_A_DECIMAL'],
      ]);
      // A report path that cannot be written is said, after the refusal it was for.
      const nowhere = join(agent.home, 'no-such-folder', 'report.csv');
      const unwritable = await agent.expect(['submit', 'balance.deposit', '--csv', file, '--report', nowhere], EXIT.failed);
      expect(unwritable.stderr).toContain(`refused before sending: 1 problem in ${file}`);
      expect(unwritable.stderr).toContain(`the per-row report was not written: cannot write ${nowhere}: ENOENT`);
      expect([mt5Balance(500003), mt4Balance(700003)]).toEqual(before);
      expect(started_().simulator.state.deals.length + started_().mt4.state.deals.length).toBe(dealsBefore);
    });

    it('stores nothing of a batch the server refuses for one row, and skips that row with --skip-invalid', async () => {
      const agent = await loggedIn('agent');
      const since = new Date(Date.now() - 1000).toISOString();
      const before = [mt5Balance(500001), mt4Balance(700003)];
      const file = csv('unknown-account', ['mt5-demo-1,500001,3.00,USD,ok', 'mt4-demo-1,799999,4.00,USD,no such account', 'mt4-demo-1,700003,5.00,USD,ok']);
      const refused = await agent.json<{ submitted?: boolean; errorCount: number; errors: { field: string; code: string }[] }>(['submit', 'balance.deposit', '--csv', file], EXIT.failed);
      expect(refused.submitted).toBe(false);
      expect(refused.errors).toEqual([expect.objectContaining({ field: 'items[1].balance_deposit.login', code: 'ACCOUNT_NOT_FOUND' })]);
      const reportFile = file.replace(/\.csv$/, '.report.csv');
      expect(lines(readFileSync(reportFile, 'utf8'))[1]).toMatch(/^2,,,skipped,ACCOUNT_NOT_FOUND,/);
      const nothing = await agent.json<{ operations: OperationJson[] }>(['ops', 'list', '--since', since]);
      expect(nothing.operations).toEqual([]);

      const skipping = await agent.expect(['submit', 'balance.deposit', '--csv', file, '--skip-invalid', '--json'], EXIT.ok);
      const accepted = JSON.parse(skipping.stdout) as { submitted: boolean; acceptedItems: number; skippedItems: number; operation: OperationJson };
      expect(accepted).toMatchObject({ submitted: true, acceptedItems: 2, skippedItems: 1 });
      expect(skipping.stderr).toBe(`1 invalid items skipped; per-row report: ${reportFile}\n`);
      // The skipped row counts as not applied: the operation ends partially failed (ops watch: exit 1).
      const final = (await watch(agent, accepted.operation.operationId, EXIT.failed)).at(-1)!;
      expect(final).toMatchObject({ status: 'OPERATION_STATUS_PARTIALLY_FAILED', counts: expect.objectContaining({ total: 3, applied: 2, skipped: 1 }) });
      expect([mt5Balance(500001), mt4Balance(700003)]).toEqual([before[0]! + 300n, before[1]! + 500n]);
      const failedRows = lines((await agent.expect(['ops', 'report', accepted.operation.operationId, '--failed'], EXIT.ok)).stdout).slice(1);
      expect(failedRows.map((line) => line.split(',').slice(2, 5))).toEqual([['mt4-demo-1', 'skipped', 'ACCOUNT_NOT_FOUND']]);
      expect(failedRows[0]).toMatch(/^2,/);
    });
  });

  describe('approvals', () => {
    it('runs a supervisor’s symbol change after a second supervisor approves it; self-approval is refused', async () => {
      const [supervisor, supervisor2] = await Promise.all([loggedIn('supervisor'), loggedIn('supervisor2')]);
      const spreadBefore = started_().simulator.state.symbols.get('EURUSD')!.spread;
      const submitted = await supervisor.json<{ operation: OperationJson }>(['submit', 'symbol.set_spread', '--server', 'mt5-demo-1', '--set', 'symbol=EURUSD', '--set', `spread=${spreadBefore + 3}`]);
      const operationId = submitted.operation.operationId;
      const request = await pendingApproval(supervisor2, operationId);
      expect(request.policyName).toBe('supervisor-approval');
      const shown = await supervisor2.expect(['approvals', 'show', operationId], EXIT.ok);
      expect(shown.stdout).toContain(`approval of ${operationId} (symbol.set_spread): PENDING`);
      expect(shown.stdout).toContain(`spread: ${spreadBefore} -> ${spreadBefore + 3}`);

      const self = await supervisor.expect(['approvals', 'approve', operationId, '--yes'], EXIT.notAuthenticated);
      expect(self.stderr).toMatch(/PERMISSION_DENIED: .*\[SELF_APPROVAL\]/);
      const unconfirmed = await supervisor2.expect(['approvals', 'approve', operationId], EXIT.usage);
      expect(unconfirmed.stderr).toContain('not a terminal: confirm the approve with --yes');
      expect(started_().simulator.state.symbols.get('EURUSD')!.spread).toBe(spreadBefore);

      const approved = await supervisor2.json<{ state: string; approvers: string[]; planDigest: string }>(['approvals', 'approve', operationId, '--yes', '--comment', 'checked with the desk']);
      expect(approved).toMatchObject({ state: 'APPROVAL_STATE_APPROVED', approvers: ['supervisor2'], planDigest: request.planDigest });
      expect((await watch(supervisor, operationId, EXIT.ok)).at(-1)!.status).toBe('OPERATION_STATUS_COMPLETED');
      expect(started_().simulator.state.symbols.get('EURUSD')!.spread).toBe(spreadBefore + 3);
    });

    it('cancels a withdrawal waiting for approval (approving it afterwards fails), and rejects another', async () => {
      const [agent, supervisor] = await Promise.all([loggedIn('agent'), loggedIn('supervisor')]);
      const before = mt5Balance(500004);
      const waiting = (await agent.json<{ operation: OperationJson }>(['submit', 'balance.withdrawal', ...depositArgs(500004, '10.00')])).operation.operationId;
      await pendingApproval(supervisor, waiting);
      const pending = await eventually(async () => {
        const listed = await supervisor.json<{ operations: OperationJson[] }>(['ops', 'list', '--status', 'pending_approval', '--type', 'balance.withdrawal']);
        expect(listed.operations.map((operation) => operation.operationId)).toContain(waiting);
        return listed.operations;
      });
      for (const operation of pending) expect(operation.status).toBe('OPERATION_STATUS_PENDING_APPROVAL');
      await agent.expect(['ops', 'cancel', waiting], EXIT.usage);
      const cancelled = await agent.json<{ operation: OperationJson }>(['ops', 'cancel', waiting, '--reason', 'customer withdrew the request']);
      expect(cancelled.operation).toMatchObject({ status: 'OPERATION_STATUS_CANCELLED', statusReason: 'customer withdrew the request' });
      expect((await watch(agent, waiting, EXIT.failed)).at(-1)!.status).toBe('OPERATION_STATUS_CANCELLED');
      await eventually(async () => expect((await supervisor.json<{ state: string }>(['approvals', 'show', waiting])).state).toBe('APPROVAL_STATE_CANCELLED'));
      const late = await supervisor.expect(['approvals', 'approve', waiting, '--yes'], EXIT.failed);
      expect(late.stderr).toContain('FAILED_PRECONDITION');

      const rejectedId = (await agent.json<{ operation: OperationJson }>(['submit', 'balance.withdrawal', ...depositArgs(500004, '11.00')])).operation.operationId;
      await pendingApproval(supervisor, rejectedId);
      await supervisor.expect(['approvals', 'reject', rejectedId, '--yes'], EXIT.usage);
      const rejected = await supervisor.json<{ state: string }>(['approvals', 'reject', rejectedId, '--reason', 'wrong account', '--yes']);
      expect(rejected.state).toBe('APPROVAL_STATE_REJECTED');
      expect((await watch(agent, rejectedId, EXIT.failed)).at(-1)!.status).toBe('OPERATION_STATUS_REJECTED');
      expect(mt5Balance(500004)).toBe(before);
    });

    interface PendingJson {
      approvalRequests: { operationId: string }[];
      more: boolean;
    }
    interface DelegationJson {
      delegationId: string;
      delegator: string;
      delegate: string;
      operationTypePattern: string;
      validUntil: string;
      reason: string;
      revokedAt?: string;
    }
    const pendingIds = async (terminal: Terminal, ...args: string[]) => (await terminal.json<PendingJson>(['approvals', 'list', ...args])).approvalRequests.map((request) => request.operationId);
    const delegationIds = async (terminal: Terminal) => (await terminal.json<{ delegations: DelegationJson[] }>(['approvals', 'delegations'])).delegations.map((delegation) => delegation.delegationId);

    it('lists an agent’s withdrawal to a supervisor (not to the agent) and shows its summary and plan; a delegation lets agent2 approve it until revoked', async () => {
      const [agent, agent2, supervisor] = await Promise.all([loggedIn('agent'), loggedIn('agent2'), loggedIn('supervisor')]);
      const before = mt5Balance(500002);
      const operationId = (await agent.json<{ operation: OperationJson }>(['submit', 'balance.withdrawal', ...depositArgs(500002, '12.00')])).operation.operationId;
      await pendingApproval(supervisor, operationId);

      // What waits for the supervisor, and not for the agent who submitted it (nor for agent2, who may not approve).
      const listed = await supervisor.json<{ approvalRequests: Record<string, unknown>[] }>(['approvals', 'list', '--type', 'balance.withdrawal', '--limit', '1000']);
      expect(listed.approvalRequests.find((request) => request['operationId'] === operationId)).toMatchObject({
        operationType: 'balance.withdrawal',
        state: 'APPROVAL_STATE_PENDING',
        policyName: 'single-approval-balance',
        requiredApprovals: 1,
        submittedBy: 'agent',
        expiresAt: expect.any(String),
        // The approval service writes the totals without trailing zeros ("12"), intake's plan with the currency's digits.
        summary: { itemCount: 1, serverIds: ['mt5-demo-1'], accountCount: 1, totals: [{ amount: expect.stringMatching(/^12(\.00)?$/), currency: 'USD' }] },
      });
      const table = await supervisor.expect(['approvals', 'list', '--type', 'balance.withdrawal', '--limit', '1000'], EXIT.ok);
      expect(lines(table.stdout)[0]).toMatch(/^operation\s+type\s+submitted by\s+items\s+servers\s+money\s+approvals\s+expires in$/);
      expect(table.stdout).toMatch(new RegExp(`^${operationId} {2}balance\\.withdrawal {2}agent +1 .*mt5-demo-1 +12(\\.00)? USD +0 of 1 +(\\d+d \\d+h|\\d+h \\d+m|\\d+m)$`, 'm'));
      expect(await pendingIds(agent)).not.toContain(operationId);
      expect(await pendingIds(agent2)).not.toContain(operationId);
      await supervisor.expect(['approvals', 'list', '--type', 'balance.*'], EXIT.usage);

      // The request's summary and the plan's items, before -> after.
      const shown = await supervisor.expect(['approvals', 'show', operationId], EXIT.ok);
      expect(shown.stdout).toContain(`approval of ${operationId} (balance.withdrawal): PENDING\n  policy single-approval-balance; 0 of 1 approval\n  submitted by agent; request opened `);
      expect(shown.stdout).toMatch(/^ {2}expires in (\d+d \d+h|\d+h \d+m|\d+m) \(\d{4}-\d\d-\d\dT[\d:]+Z\)$/m);
      expect(shown.stdout).toMatch(/^ {2}plan: 1 item, 1 account on mt5-demo-1; moves 12(\.00)? USD; /m);
      expect(shown.stdout).toMatch(/^operation PENDING_APPROVAL/m);
      expect(shown.stdout).toMatch(/^row 1 {2}mt5-demo-1 {2}login 500002 {2}\(item [0-9a-f-]{36}\)$/m);
      expect(shown.stdout).toContain(`    balance: ${money(before)} -> ${money(before - 1200n)}\n`);
      const summaryOnly = await supervisor.expect(['approvals', 'show', operationId, '--items', '0'], EXIT.ok);
      expect(summaryOnly.stdout).not.toContain('row 1');
      expect(summaryOnly.stdout).toContain('... 1 more item (--items 1 shows them)');
      const document = await supervisor.json<{ operationId: string; plan: { items: { rowNumber: number; before: Record<string, string>; after: Record<string, string> }[]; moreItems: number } }>([
        'approvals',
        'show',
        operationId,
      ]);
      expect(document).toMatchObject({ operationId, submittedBy: 'agent', operation: { status: 'OPERATION_STATUS_PENDING_APPROVAL' }, plan: { moreItems: 0 } });
      expect(document.plan.items).toEqual([expect.objectContaining({ rowNumber: 1, before: expect.objectContaining({ login: '500002', balance: money(before) }), after: expect.objectContaining({ balance: money(before - 1200n) }) })]);

      // Delegation: usage errors name the flag (exit 2), the service's refusals are exit 1, lending what one lacks exit 3.
      const until = new Date(Date.now() + 2 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const delegate = (...args: string[]) => ['approvals', 'delegate', 'agent2', '--types', 'balance.*', '--reason', 'holiday cover', ...args];
      const badDay = await supervisor.expect(delegate('--until', '2030-02-30T18:00:00Z'), EXIT.usage);
      expect(badDay.stderr).toContain('--until: "2030-02-30T18:00:00Z" is not an ISO 8601 time with its zone');
      expect((await supervisor.expect(delegate('--until', '2030-01-10T18:00'), EXIT.usage)).stderr).toContain('--until: ');
      expect((await supervisor.expect(delegate('--until', '2020-01-10T18:00:00Z'), EXIT.usage)).stderr).toContain('--until: 2020-01-10T18:00:00Z is not in the future');
      expect((await supervisor.expect(['approvals', 'delegate', 'agent2', '--types', 'balance.*', '--until', until], EXIT.usage)).stderr).toContain('needs --reason');
      const tooLong = await supervisor.expect(delegate('--until', new Date(Date.now() + 60 * 86_400_000).toISOString()), EXIT.failed);
      expect(tooLong.stderr).toMatch(/^tradewarden: approvals delegate: INVALID_ARGUMENT: .*valid_until: at most 30 days/m);
      const notHeld = await agent.expect(['approvals', 'delegate', 'agent2', '--types', 'balance.*', '--until', until, '--reason', 'holiday cover'], EXIT.notAuthenticated);
      expect(notHeld.stderr).toContain('PERMISSION_DENIED');
      // For people: the delegation made, and the same delegation ended.
      const credits = await supervisor.expect(['approvals', 'delegate', 'agent2', '--types', 'balance.credit_in', '--until', until, '--reason', 'holiday cover'], EXIT.ok);
      const made = /^delegation ([0-9a-f-]{36}): supervisor -> agent2 may approve balance\.credit_in\n {2}from \S+Z until (\S+Z)\n {2}reason: holiday cover\n$/.exec(credits.stdout);
      expect(made?.[2]).toBe(until);
      expect((await supervisor.expect(['approvals', 'revoke', made![1]!], EXIT.ok)).stdout).toMatch(new RegExp(`^ {2}from \\S+Z until ${until}; revoked at \\S+Z$`, 'm'));
      const delegation = await supervisor.json<DelegationJson>(delegate('--until', until));
      expect(delegation).toMatchObject({ delegator: 'supervisor', delegate: 'agent2', operationTypePattern: 'balance.*', reason: 'holiday cover' });
      expect(Date.parse(delegation.validUntil)).toBe(Date.parse(until));
      expect(await delegationIds(supervisor)).toContain(delegation.delegationId);
      expect(await delegationIds(agent2)).toContain(delegation.delegationId);
      const delegationTable = await agent2.expect(['approvals', 'delegations'], EXIT.ok);
      expect(delegationTable.stdout).toMatch(new RegExp(`^${delegation.delegationId} {2}supervisor {2}agent2 +balance\\.\\* +\\S+Z {2}${until} {2}holiday cover$`, 'm'));

      // agent2 now sees the withdrawal and approves it for the supervisor; it runs.
      expect(await pendingIds(agent2, '--type', 'balance.withdrawal', '--limit', '1000')).toContain(operationId);
      const approved = await agent2.json<{ state: string; approvers: string[] }>(['approvals', 'approve', operationId, '--yes', '--comment', 'covering for supervisor']);
      expect(approved).toMatchObject({ state: 'APPROVAL_STATE_APPROVED', approvers: ['agent2 (for supervisor)'] });
      expect((await watch(agent, operationId, EXIT.ok)).at(-1)!.status).toBe('OPERATION_STATUS_COMPLETED');
      expect(mt5Balance(500002)).toBe(before - 1200n);
      expect(await pendingIds(supervisor, '--type', 'balance.withdrawal', '--limit', '1000')).not.toContain(operationId);

      // Only the delegator (or an administrator) ends it; once revoked agent2 decides nothing more.
      expect((await agent2.expect(['approvals', 'revoke', delegation.delegationId], EXIT.notAuthenticated)).stderr).toContain('PERMISSION_DENIED');
      await supervisor.expect(['approvals', 'revoke', '00000000-0000-4000-8000-000000000000'], EXIT.failed);
      const revoked = await supervisor.json<DelegationJson>(['approvals', 'revoke', delegation.delegationId]);
      expect(revoked).toMatchObject({ delegationId: delegation.delegationId, revokedAt: expect.any(String) });
      expect(await delegationIds(supervisor)).not.toContain(delegation.delegationId);
      expect(await delegationIds(agent2)).not.toContain(delegation.delegationId);
      const later = (await agent.json<{ operation: OperationJson }>(['submit', 'balance.withdrawal', ...depositArgs(500002, '13.00')])).operation.operationId;
      await pendingApproval(supervisor, later);
      expect(await pendingIds(agent2, '--type', 'balance.withdrawal', '--limit', '1000')).not.toContain(later);
      expect((await agent2.expect(['approvals', 'approve', later, '--yes'], EXIT.notAuthenticated)).stderr).toContain('PERMISSION_DENIED');
      await supervisor.expect(['approvals', 'reject', later, '--reason', 'the delegation test is over', '--yes'], EXIT.ok);
      expect(mt5Balance(500002)).toBe(before - 1200n);
    });
  });

  describe('reverts', () => {
    it('reverts a completed deposit once a second supervisor approves; the agent may not revert', async () => {
      const [agent, supervisor, supervisor2] = await Promise.all([loggedIn('agent'), loggedIn('supervisor'), loggedIn('supervisor2')]);
      const before = mt5Balance(500003);
      const deposit = (await agent.json<{ operation: OperationJson }>(['submit', 'balance.deposit', ...depositArgs(500003, '9.00')])).operation.operationId;
      await watch(agent, deposit, EXIT.ok);
      expect(mt5Balance(500003)).toBe(before + 900n);

      await agent.expect(['ops', 'revert', deposit], EXIT.usage);
      const denied = await agent.expect(['ops', 'revert', deposit, '--reason', 'booked twice'], EXIT.notAuthenticated);
      expect(denied.stderr).toContain('PERMISSION_DENIED');
      const asked = await supervisor.json<{ operation: OperationJson & { revertsOperationId: string } }>(['ops', 'revert', deposit, '--reason', 'booked twice']);
      expect(asked.operation).toMatchObject({ operationType: 'operation.revert', revertsOperationId: deposit, submittedBy: 'supervisor' });
      const revert = asked.operation.operationId;
      // The same command again asks for the same revert.
      const again = await supervisor.expect(['ops', 'revert', deposit, '--reason', 'booked twice'], EXIT.ok);
      expect(again.stdout).toContain('already asked for (same request id)');
      expect(again.stdout).toContain(`operation ${revert}  operation.revert`);
      expect(again.stdout).toContain(`reverts operation ${deposit}`);

      await pendingApproval(supervisor2, revert);
      await supervisor2.expect(['approvals', 'approve', revert, '--yes'], EXIT.ok);
      expect((await watch(supervisor, revert, EXIT.ok)).at(-1)!.status).toBe('OPERATION_STATUS_COMPLETED');
      expect(mt5Balance(500003)).toBe(before);
      await eventually(async () => expect((await agent.json<OperationJson>(['ops', 'show', deposit])).status).toBe('OPERATION_STATUS_REVERTED'));
    });
  });

  describe('templates', () => {
    it('lists and shows templates, and submits within one', async () => {
      const agent = await loggedIn('agent');
      const listed = await agent.json<{ name: string; version: number; operationType: string }[]>(['templates', 'list']);
      expect(listed).toContainEqual(expect.objectContaining({ name: 'cli-small-deposit', version: 1, operationType: 'balance.deposit' }));
      const table = await agent.expect(['templates', 'list'], EXIT.ok);
      expect(table.stdout).toMatch(/cli-small-deposit@1\s+balance\.deposit\s+-\s+small USD deposits on mt5-demo-1/);
      const shown = await agent.json<{ name: string; version: number; createdBy: string; constraints: Record<string, unknown> }>(['templates', 'show', 'cli-small-deposit@1']);
      expect(shown).toMatchObject({ name: 'cli-small-deposit', version: 1, createdBy: 'admin', constraints: { maxAmountPerItem: { amount: '50.00', currency: 'USD' }, serverIds: ['mt5-demo-1'], maxItems: 10 } });
      const human = await agent.expect(['templates', 'show', 'cli-small-deposit'], EXIT.ok);
      expect(human.stdout).toContain('template cli-small-deposit@1  balance.deposit');
      expect(human.stdout).toContain('at most 50.00 USD per item');
      await agent.expect(['templates', 'show', 'no-such-template'], EXIT.failed);
      await agent.expect(['templates', 'show', 'cli-small-deposit@latest'], EXIT.usage);

      // The template's limit holds in the dry run and in the submission.
      const preview = await agent.json<{ valid: boolean; items: { errors: { field: string; code: string }[] }[] }>(['validate', 'balance.deposit', '--template', 'cli-small-deposit', ...depositArgs(500005, '60.00')], EXIT.failed);
      expect(preview.valid).toBe(false);
      expect(preview.items[0]!.errors).toEqual([expect.objectContaining({ field: expect.stringMatching(/^items\[0\]\.balance_deposit\.amount/) })]);
      const tooMuch = await agent.expect(['submit', 'balance.deposit', '--template', 'cli-small-deposit', ...depositArgs(500005, '60.00')], EXIT.failed);
      expect(tooMuch.stderr).toMatch(/\n {2}items\[0\]\.balance_deposit\.amount.*: /);
      const before = mt5Balance(500005);
      const within = await agent.json<{ operation: OperationJson }>(['submit', 'balance.deposit', '--template', 'cli-small-deposit', ...depositArgs(500005, '20.00')]);
      expect(within.operation.template).toBe('cli-small-deposit@1');
      await watch(agent, within.operation.operationId, EXIT.ok);
      expect(mt5Balance(500005)).toBe(before + 2000n);
    });
  });

  describe('failed items', () => {
    afterEach(() => started_().simulator.resetFaults());

    it('reports the rows the server refused, and retries them once as a new operation', async () => {
      const agent = await loggedIn('agent');
      const before = [mt5Balance(500001), mt5Balance(500002)];
      // The MT5 server refuses every balance operation for now (not enough money, says its retcode).
      started_().simulator.setFaults({ errorRate: 1, errorRetcode: 10019, paths: ['/api/trade/balance'] });
      const file = join(agent.home, 'deposits.csv');
      writeFileSync(file, 'server_id,login,amount,currency\nmt5-demo-1,500001,7.00,USD\nmt5-demo-1,500002,8.00,USD\n');
      const original = (await agent.json<{ operation: OperationJson }>(['submit', 'balance.deposit', '--csv', file])).operation.operationId;
      expect((await watch(agent, original, EXIT.failed)).at(-1)).toMatchObject({ status: 'OPERATION_STATUS_FAILED', counts: expect.objectContaining({ total: 2, rejected: 2 }) });
      const failedRows = lines((await agent.expect(['ops', 'report', original, '--failed'], EXIT.ok)).stdout).slice(1);
      expect(failedRows.map((line) => line.split(',').slice(0, 5).filter((_cell, column) => column !== 1))).toEqual([
        ['1', 'mt5-demo-1', 'rejected', 'MT_REJECTED'],
        ['2', 'mt5-demo-1', 'rejected', 'MT_REJECTED'],
      ]);
      expect([mt5Balance(500001), mt5Balance(500002)]).toEqual(before);

      started_().simulator.resetFaults();
      const retry = await agent.json<{ submitted: boolean; acceptedItems: number; operation: OperationJson }>(['ops', 'retry', original]);
      expect(retry).toMatchObject({ submitted: true, acceptedItems: 2 });
      expect(retry.operation.operationId).not.toBe(original);
      expect((await watch(agent, retry.operation.operationId, EXIT.ok)).at(-1)!.status).toBe('OPERATION_STATUS_COMPLETED');
      // The same retry again is the same request: the same new operation, nothing deposited twice.
      const again = await agent.json<{ replayed?: boolean; operation: OperationJson }>(['ops', 'retry', original]);
      expect(again).toMatchObject({ replayed: true, operation: { operationId: retry.operation.operationId } });
      expect([mt5Balance(500001), mt5Balance(500002)]).toEqual([before[0]! + 700n, before[1]! + 800n]);
    });
  });

  describe('credentials', () => {
    it('hands the passwords of a new account to its submitter once', async () => {
      const [agent, supervisor] = await Promise.all([loggedIn('agent'), loggedIn('supervisor')]);
      const create = ['submit', 'account.create', '--server', 'mt5-demo-1', '--set', 'group=real\\retail\\usd', '--set', 'first_name=Ada', '--set', 'last_name=Lovelace', '--set', 'leverage=100'];
      const operationId = (await agent.json<{ operation: OperationJson }>(create)).operation.operationId;
      await pendingApproval(supervisor, operationId);
      await supervisor.expect(['approvals', 'approve', operationId, '--yes'], EXIT.ok);
      await watch(agent, operationId, EXIT.ok);
      const [item] = (await agent.json<OperationJson>(['ops', 'show', operationId])).items!;
      const account = started_().simulator.state.accounts.get(BigInt(item!.mtReference!))!;
      expect(account).toMatchObject({ group: 'real\\retail\\usd', firstName: 'Ada', lastName: 'Lovelace', leverage: 100 });

      const notMine = await supervisor.expect(['credentials', 'claim', operationId, item!.itemId], EXIT.notAuthenticated);
      expect(notMine.stderr).toContain('PERMISSION_DENIED');
      const claimed = await agent.expect(['credentials', 'claim', operationId, item!.itemId, '--json'], EXIT.ok);
      const passwords = JSON.parse(claimed.stdout) as { serverId: string; login: string; mainPassword: string; investorPassword: string };
      expect(passwords).toMatchObject({ serverId: 'mt5-demo-1', login: item!.mtReference });
      expect(account.passwordHashes.main).toBe(webApiPasswordHash(passwords.mainPassword).toString('hex'));
      expect(account.passwordHashes.investor).toBe(webApiPasswordHash(passwords.investorPassword).toString('hex'));
      expect(claimed.stderr).toContain('warning: these passwords are shown this once');
      const again = await agent.expect(['credentials', 'claim', operationId, item!.itemId], EXIT.failed);
      expect(again.stderr).toContain('already collected');
    });
  });

  describe('audit', () => {
    it('queries the trail, exports it, and verifies it online and offline with the public key alone', async () => {
      const [agent, compliance] = await Promise.all([loggedIn('agent'), loggedIn('compliance')]);
      const deposit = (await agent.json<{ operation: OperationJson }>(['submit', 'balance.deposit', ...depositArgs(500005, '4.25')])).operation;
      expect((await watch(agent, deposit.operationId, EXIT.ok)).at(-1)!.status).toBe('OPERATION_STATUS_COMPLETED');
      // The execution result reaches the trail through Kafka.
      const executed = await eventually(async () => {
        const page = await compliance.json<{ records: { sequence: string; eventType: string; accounts: string[]; operationId: string }[] }>(['audit', 'query', '--account', '500005', '--event', 'ItemExecuted', '--result', 'applied']);
        const record = page.records.find((candidate) => candidate.operationId === deposit.operationId);
        expect(record).toBeDefined();
        return record!;
      });
      expect(executed.accounts).toEqual(['500005']);
      const table = await compliance.expect(['audit', 'query', '--operation', deposit.operationId], EXIT.ok);
      expect(lines(table.stdout)[0]).toMatch(/^seq\s+occurred\s+event/);
      expect(table.stdout).toMatch(/ItemExecuted\s+service:gateway\s+\S+\s+mt5-demo-1\s+500005\s+APPLIED/);

      const keyFile = join(compliance.home, 'broker-audit-key.pem');
      const { publicKeyPem } = await unaryCall(createGrpcClient(auditV1.AuditServiceService, started_().addresses.audit, 'AuditService'), 'listCheckpoints', { afterSequence: '', pageSize: 1 }, bearerMetadata(await userToken('compliance')));
      writeFileSync(keyFile, publicKeyPem);
      const online = await compliance.expect(['audit', 'verify', '--public-key', keyFile], EXIT.ok);
      expect(online.stdout).toMatch(/^chain valid: \d+ records recomputed$/m);

      const exportFile = join(compliance.home, 'trail.jsonl');
      const exported = await compliance.expect(['audit', 'export', '--out', exportFile], EXIT.ok);
      expect(exported.stderr).toMatch(/^[\d,]+ records exported to .*trail\.jsonl \(jsonl\)$/m);
      const offline = await compliance.json<{ valid: boolean; complete: boolean; records: number; unsignedTail: number }>(['audit', 'verify', '--file', exportFile, '--public-key', keyFile]);
      expect(offline).toMatchObject({ valid: true, complete: true, unsignedTail: 0 });
      expect(offline.records).toBeGreaterThan(0);
      // Someone edits the file: offline verification names the record and fails with exit 1.
      const forged = join(compliance.home, 'forged.jsonl');
      const original = readFileSync(exportFile, 'utf8').split('\n');
      const victim = original.findIndex((line) => line.includes(`"sequence":"${executed.sequence}"`) && line.includes('"kind":"record"'));
      original[victim] = original[victim]!.replace('service:gateway', 'service:someone');
      writeFileSync(forged, original.join('\n'));
      const caught = await compliance.expect(['audit', 'verify', '--file', forged, '--public-key', keyFile], EXIT.failed);
      expect(caught.stdout).toContain(`export INVALID at sequence ${executed.sequence}`);
      // Another key than the broker's: refused, not trusted.
      const otherKey = join(compliance.home, 'other.pem');
      writeFileSync(otherKey, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString());
      expect((await compliance.expect(['audit', 'verify', '--file', exportFile, '--public-key', otherKey], EXIT.failed)).stdout).toContain('INVALID');

      const csvFile = join(compliance.home, 'account.csv');
      await compliance.expect(['audit', 'export', '--out', csvFile, '--format', 'csv', '--account', '500005'], EXIT.ok);
      expect(lines(readFileSync(csvFile, 'utf8'))[0]).toMatch(/^sequence,recorded_at,occurred_at/);
      expect((await compliance.expect(['audit', 'export', '--out', csvFile], EXIT.failed)).stderr).toContain('exports never overwrite');

      expect((await compliance.expect(['audit', 'query', '--account', 'abc'], EXIT.usage)).stderr).toContain('--account');
      expect((await compliance.expect(['audit', 'export', '--out', '-', '--format', 'xml'], EXIT.usage)).stderr).toContain('--format');
      expect((await compliance.expect(['audit', 'verify', '--file', exportFile], EXIT.usage)).stderr).toContain('--public-key');
      expect((await agent.expect(['audit', 'query'], EXIT.notAuthenticated)).stderr).toContain('PERMISSION_DENIED');
    });
  });

  describe('permissions', () => {
    it('refuses what a user has no grant for with exit 3', async () => {
      const [agent, compliance] = await Promise.all([loggedIn('agent'), loggedIn('compliance')]);
      const spread = await agent.expect(['submit', 'symbol.set_spread', '--server', 'mt5-demo-1', '--set', 'symbol=USDJPY', '--set', 'spread=30'], EXIT.notAuthenticated);
      expect(spread.stderr).toMatch(/^tradewarden: submit: PERMISSION_DENIED: /m);
      const deposit = await compliance.expect(['submit', 'balance.deposit', ...depositArgs(500001, '1.00')], EXIT.notAuthenticated);
      expect(deposit.stderr).toContain('PERMISSION_DENIED');
      const listSymbols = await agent.expect(['ops', 'list', '--type', 'symbol.set_spread'], EXIT.notAuthenticated);
      expect(listSymbols.stderr).toContain('PERMISSION_DENIED');
      expect(started_().simulator.state.symbols.get('USDJPY')!.spread).not.toBe(30);
    });
  });
});
