// `wssc serve`: the reference echo service over WS-SecureConversation (CONTRACT.md; protocol.md §4.1 MutualCertificate / AnonymousForCertificate bootstraps).
import { parseArgs } from 'node:util';
import { StoreConfigError, UsageError } from '../../errors.js';
import { SoapHttpServer } from '../../http/http1-server.js';
import type { CookieKey } from '../../wssc/cookie.js';
import { createRedisStores, DEFAULT_REDIS_PREFIX, DEFAULT_REDIS_TIMEOUT_MS, parseRedisUrl } from '../../wssc/redis-store.js';
import { SecureSessionService } from '../../wssc/session-service.js';
import { parseCount, readKeyFile } from '../io.js';

/**
 * A cookie key ring file: one key a line, `ID BASE64KEY` (32+ bytes); the last line seals new cookies, every line
 * opens. Blank lines and `#` comments are skipped.
 */
export function readCookieRing(file: string, flag = '--cookie-key-file'): CookieKey[] {
  const ring: CookieKey[] = [];
  const what = flag === '--cookie-key-file' ? 'cookie' : 'store';
  for (const raw of new TextDecoder().decode(readKeyFile(file, flag)).split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+)\s+([A-Za-z0-9+/]+={0,2})$/.exec(line);
    if (m === null) throw new UsageError('USAGE', `${flag} lines are "ID BASE64KEY"`);
    const key = new Uint8Array(Buffer.from(m[2]!, 'base64'));
    if (key.length < 32) throw new UsageError('USAGE', `${what} key ${m[1]} is shorter than 32 bytes`);
    ring.push({ id: m[1]!, key });
  }
  if (ring.length === 0) throw new UsageError('USAGE', `${flag} holds no key`);
  return ring;
}

/** `--store redis://…`: one Redis connection, the replay cache, and (session mode) the sealed token store. */
async function openStore(values: { store?: string; 'store-key-file'?: string; 'store-prefix'?: string; 'store-timeout'?: string }, cookieMode: boolean, verbose: boolean) {
  const url = values.store!;
  try {
    parseRedisUrl(url);
  } catch (err) {
    throw new UsageError('USAGE', `--store: ${(err as Error).message}`);
  }
  // SECURITY: session state leaves the process only sealed under a key every node shares and Redis never sees.
  if (!cookieMode && values['store-key-file'] === undefined) {
    throw new UsageError('USAGE', '--store needs --store-key-file (lines "ID BASE64KEY", 32+ random bytes, the same file on every node): sessions are sealed before they reach Redis');
  }
  const keys = cookieMode || values['store-key-file'] === undefined ? undefined : readCookieRing(values['store-key-file'], '--store-key-file');
  const timeoutMs = parseCount(values['store-timeout'], '--store-timeout', DEFAULT_REDIS_TIMEOUT_MS);
  if (timeoutMs === 0) throw new UsageError('USAGE', '--store-timeout must be at least 1 ms');
  const prefix = values['store-prefix'] ?? DEFAULT_REDIS_PREFIX;
  const where = url.replace(/\/\/[^@/]*@/, '//');
  let stores: Awaited<ReturnType<typeof createRedisStores>>;
  try {
    stores = await createRedisStores({
      url, prefix, timeoutMs, ...(keys === undefined ? {} : { keys }),
      onStatus: (status, detail) => process.stderr.write(status === 'ready'
        ? `wssc serve: redis ${where} ready\n`
        : `wssc serve: redis ${where} unreachable (${detail ?? 'connection lost'}): refusing session messages (ServerTooBusy) until it is back\n`),
      ...(verbose ? { onError: (err: unknown) => process.stderr.write(`  store: ${(err as Error).message}\n`) } : {}),
    });
  } catch (err) {
    if (err instanceof StoreConfigError) throw new UsageError('USAGE', `--store: ${err.message}`);
    throw err;
  }
  // A node may start before Redis: it then fails closed and serves once the connection is up.
  await stores.connection.waitReady(Math.max(timeoutMs, 2000));
  return { ...stores, prefix };
}

const LOG_FLUSH_MS = 10;
const LOG_FLUSH_BYTES = 16 * 1024;

export async function serveCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'cert-file': { type: 'string' },
      'private-key-file': { type: 'string' },
      'client-ca-file': { type: 'string' },
      trust13: { type: 'boolean', default: false },
      store: { type: 'string' },
      'store-key-file': { type: 'string' },
      'store-prefix': { type: 'string' },
      'store-timeout': { type: 'string' },
      'cookie-key-file': { type: 'string' },
      'max-pending-sessions': { type: 'string' },
      'inactivity-timeout': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError('USAGE', `unexpected argument ${JSON.stringify(positionals[0])}`);
  for (const f of ['store-key-file', 'store-prefix', 'store-timeout'] as const) {
    if (values[f] !== undefined && values.store === undefined) throw new UsageError('USAGE', `--${f} needs --store`);
  }
  const port = parseCount(values.port, '--port', 8080);
  if (port > 65535) throw new UsageError('USAGE', '--port must be 0..65535');
  const certificate = new TextDecoder().decode(readKeyFile(values['cert-file'], '--cert-file'));
  const privateKey = new TextDecoder().decode(readKeyFile(values['private-key-file'], '--private-key-file'));
  const ca = values['client-ca-file'] === undefined ? undefined : new TextDecoder().decode(readKeyFile(values['client-ca-file'], '--client-ca-file'));
  const cookieKeys = values['cookie-key-file'] === undefined ? undefined : readCookieRing(values['cookie-key-file']);
  const settings: { maxPendingSessions?: number; inactivityTimeoutMs?: number } = {};
  if (values['max-pending-sessions'] !== undefined) settings.maxPendingSessions = parseCount(values['max-pending-sessions'], '--max-pending-sessions');
  if (values['inactivity-timeout'] !== undefined) settings.inactivityTimeoutMs = parseCount(values['inactivity-timeout'], '--inactivity-timeout') * 1000;
  const shared = values.store === undefined ? undefined : await openStore(values, cookieKeys !== undefined, values.verbose);
  const mode = ca === undefined ? 'anonymous-for-certificate' : 'mutual-certificate';
  const version = values.trust13 ? '1.3' : 'feb2005';
  let service: SecureSessionService;
  try {
    service = new SecureSessionService({
      bootstrap: { service: { certificate, privateKey }, ...(ca === undefined ? {} : { trust: { ca: [ca] } }), modes: [mode] },
      versions: [version],
      settings,
      ...(cookieKeys === undefined ? {} : { cookieKeys }),
      ...(shared === undefined ? {} : { replayCache: shared.replayCache, ...(shared.store === undefined ? {} : { store: shared.store }) }),
      onError: values.verbose
        ? (err, ctx) => process.stderr.write(`  refused ${ctx.action ?? '-'}: ${(err as { code?: string }).code ?? ''} ${(err as Error)?.message ?? String(err)}\n`)
        : undefined,
    });
  } catch (err) {
    shared?.connection.close();
    throw new UsageError('USAGE', `cannot start the service: ${(err as Error).message}`);
  }
  // The request log leaves in batches, within LOG_FLUSH_MS of each line (or at once past LOG_FLUSH_BYTES): a
  // synchronous pipe write per request, or per event-loop turn, costs the service a syscall and whoever reads the log
  // a wake-up each time under load.
  let pending = '';
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  const flushLog = (): void => {
    if (flushTimer !== undefined) clearTimeout(flushTimer);
    flushTimer = undefined;
    if (pending === '') return;
    const lines = pending;
    pending = '';
    process.stderr.write(lines);
  };
  const log = (line: string): void => {
    pending += `${line}\n`;
    if (pending.length >= LOG_FLUSH_BYTES) flushLog();
    else if (flushTimer === undefined) flushTimer = setTimeout(flushLog, LOG_FLUSH_MS);
  };
  const server = new SoapHttpServer(service, { log, keepAliveTimeoutMs: 30_000 });
  let address: { port: number };
  try {
    address = await server.listen(port, values.host);
  } catch (err) {
    shared?.connection.close();
    throw new UsageError('USAGE', `cannot listen on ${values.host}:${port}: ${(err as Error).message}`);
  }
  const bound = address.port;
  process.stderr.write(
    `wssc serve: listening on http://${values.host}:${bound}/ (${mode}, WS-SC ${version}, basic256, ${cookieKeys === undefined ? 'session' : 'cookie'} tokens${shared === undefined ? '' : `, shared through redis under ${shared.prefix}`})\n`,
  );
  const sweeper = setInterval(() => service.sweep(), 10_000);
  sweeper.unref();
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  clearInterval(sweeper);
  flushLog();
  service.destroy();
  shared?.connection.close();
  await server.close();
  return 0;
}
