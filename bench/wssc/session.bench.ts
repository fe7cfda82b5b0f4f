// Secure-session benchmarks: set-up cost (RST/RSTR under each X.509 bootstrap, in process), one protected echo in process, and `wssc serve` loopback throughput under a concurrent client.
import { join } from 'node:path';
import type { BenchOptions, Row } from '../harness.js';
import { spawnServe } from './serve-process.js';
import { echoLoadInChild } from './load-client.js';
import { ECHO_ACTION, ECHO_BODY, echoRow, medianMad, usRow } from './steady-load.js';
import { SecureSessionClient } from '../../src/wssc/session-client.js';
import { SecureSessionService } from '../../src/wssc/session-service.js';
import { inProcessTransport } from '../../src/wssc/session-transport.js';
import { makePki, type Pki } from '../../test/wssc/bootstrap-fixtures.js';

export interface SessionBenchOptions extends BenchOptions {
  /** Concurrent requests in flight against `wssc serve` (default 16). */
  concurrency?: number;
  /** Milliseconds of loopback load measured once throughput is steady (default 5000, quick 2000; timeMs overrides and also sets the warm-up). */
  loadMs?: number;
  /** Skip the loopback run (no child process). */
  noLoopback?: boolean;
}



/** Median µs of an async operation run `n` times one after the other, after `warmup` runs. */
async function timeAsync(fn: () => Promise<unknown>, n: number, warmup: number): Promise<{ median: number; mad: number }> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push((performance.now() - t) * 1000);
  }
  return medianMad(times);
}

function clientOptions(pki: Pki, mode: 'mutual-certificate' | 'anonymous-for-certificate') {
  return { mode, serviceCertificate: pki.service.certificate, ...(mode === 'mutual-certificate' ? { client: pki.client } : {}) };
}

/** Starts `bin/wssc serve` on a free port with the PKI written to a temp dir; resolves with its URL and a stop(). */
async function startServe(pki: Pki): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'wssc-bench-'));
  const w = (n: string, d: string): string => (writeFileSync(join(dir, n), d), join(dir, n));
  const serve = await spawnServe(['--cert-file', w('s.pem', pki.service.certificate), '--private-key-file', w('s.key', pki.service.privateKey),
    '--client-ca-file', w('ca.pem', pki.ca.certificate)]);
  return {
    url: serve.url,
    pid: serve.pid,
    stop: async () => {
      await serve.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function sessionBenches(opts: SessionBenchOptions, pki: Pki = makePki()): Promise<Row[]> {
  const rows: Row[] = [];
  const service = new SecureSessionService({ bootstrap: { service: pki.service, trust: { ca: [pki.ca.certificate] } }, settings: { maxPendingSessions: 1_000_000 } });
  const transport = inProcessTransport(service);
  const n = opts.timeMs !== undefined ? Math.max(3, Math.round(opts.timeMs / 10)) : opts.quick ? 20 : 100;

  // Session set-up: RST/SCT protected under the bootstrap, RSTR opened, the key computed (both sides, in process).
  for (const mode of ['mutual-certificate', 'anonymous-for-certificate'] as const) {
    const t = await timeAsync(async () => {
      const c = await SecureSessionClient.establish({ transport, bootstrap: clientOptions(pki, mode) });
      c.destroy();
    }, n, 3);
    const r = usRow(`session/establish/-/${mode}`, t.median, t.mad, `${Math.round(1e6 / t.median).toLocaleString('en-US')} sessions/s`);
    rows.push(r);
    opts.onTask?.(r);
  }

  // One protected echo (client protect + service unprotect/echo/protect + client unprotect), 2 KiB Body, in process.
  const client = await SecureSessionClient.establish({ transport, bootstrap: clientOptions(pki, 'mutual-certificate') });
  const echo = await timeAsync(() => client.call(ECHO_ACTION, ECHO_BODY), n * 5, 20);
  const er = usRow('session/echo-round-trip/2KiB/in-process', echo.median, echo.mad, `${Math.round(1e6 / echo.median).toLocaleString('en-US')} round trips/s`, 2048);
  rows.push(er);
  opts.onTask?.(er);
  client.destroy();
  service.destroy();

  if (opts.noLoopback !== true) {
    // `wssc serve` on loopback under one client process with `concurrency` requests in flight (client and service
    // share the machine).
    const server = await startServe(pki);
    try {
      const concurrency = opts.concurrency ?? 16;
      const load = await echoLoadInChild({ urls: [server.url], servicePids: [server.pid], client: pki.client, serviceCertificate: pki.service.certificate }, { ...opts, concurrency });
      const lr = echoRow(`session/loopback-echo/2KiB/wssc-serve-c${concurrency}`, load, concurrency);
      rows.push(lr);
      opts.onTask?.(lr);
    } finally {
      await server.stop();
    }
  }
  return rows;
}
