// Test helper: a throw-away redis-server on a free loopback port (Debian `redis-server`), started and stopped by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The redis-server binary on PATH (or /usr/bin, /usr/sbin), undefined when it is not installed. */
export function redisServerPath(): string | undefined {
  for (const dir of [...(process.env['PATH'] ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin']) {
    if (dir !== '' && existsSync(join(dir, 'redis-server'))) return join(dir, 'redis-server');
  }
  return undefined;
}

/** A test's skip reason when redis-server is absent (CI installs it: .ci/run). */
export const NO_REDIS = redisServerPath() === undefined ? 'redis-server is not installed (apt-get install redis-server)' : false;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Sends PING over a raw socket; true on +PONG. */
export function ping(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

export interface RedisServer {
  port: number;
  url: string;
  dir: string;
  proc: ChildProcess;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL (no shutdown save) and wait for exit. */
  kill(): Promise<void>;
  /** Starts a new redis-server on the same port and data directory (the AOF, when on, is replayed). */
  restart(): Promise<RedisServer>;
}

export interface StartRedisOptions {
  port?: number;
  dir?: string;
  /** AOF on with fsync on every write (the persistence the restart test needs); default off, no RDB either. */
  aof?: boolean;
  /** `maxmemory` (e.g. '8mb'). */
  maxmemory?: string;
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const bin = redisServerPath();
  if (bin === undefined) throw new Error('redis-server is not installed');
  const port = options.port ?? await freePort();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'wssc-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--logfile', ''];
  args.push(...(options.aof === true ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
  if (options.maxmemory !== undefined) args.push('--maxmemory', options.maxmemory, '--maxmemory-policy', 'noeviction');
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => void (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const until = Date.now() + 10_000;
  while (!(await ping(port))) {
    if (proc.exitCode !== null || Date.now() > until) throw new Error(`redis-server did not start on ${port}: ${out}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await exited;
  };
  return {
    port, dir, proc, url: `redis://127.0.0.1:${port}`,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    restart: () => startRedis({ ...options, port, dir }),
  };
}
