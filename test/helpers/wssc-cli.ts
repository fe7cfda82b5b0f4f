// bin/wssc driven from tests (CONTRACT.md): `wssc serve` on a loopback port with its log collected, `wssc call`, one-shot commands, and a scratch folder for their files.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { readFault } from '../../src/wssc/session-envelope.js';

const root = new URL('../../../', import.meta.url).pathname;
export const bin = join(root, 'bin', 'wssc');

export interface ServeProcess {
  url: string;
  port: number;
  /** Every stderr line so far: the listening line, then one line per request. */
  log: string[];
  proc: ChildProcess;
  /** SIGTERM, resolved once the process has exited (at once when it already has). */
  stop(): Promise<void>;
}

/** `wssc serve …args`, resolved once it logs the URL it listens on; rejected with its log if it exits first. */
export function wsscServe(args: string[]): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [bin, 'serve', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const log: string[] = [];
  const stop = (): Promise<void> => new Promise<void>((done) => {
    if (proc.exitCode !== null) return done();
    proc.once('exit', () => done());
    proc.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stderr!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        log.push(line);
        const m = /listening on (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(line);
        if (m !== null) resolve({ url: m[1]!, port: Number(m[2]), log, proc, stop });
      }
    });
    proc.once('exit', (code) => reject(new Error(`wssc serve exited ${code}: ${log.join('\n')}`)));
  });
}

/** `wssc call …args` to completion. */
export function wsscCall(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [bin, 'call', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

/** One SOAP 1.2 POST of raw bytes: the status and, for a fault reply, its subcode (else its code). */
export async function postSoap(url: string, bytes: Uint8Array): Promise<{ status: number; fault?: string }> {
  const res = await fetch(url, { method: 'POST', body: bytes as BodyInit, headers: { 'content-type': 'application/soap+xml; charset=utf-8' } });
  const f = readFault(new Uint8Array(await res.arrayBuffer()));
  return { status: res.status, ...(f === undefined ? {} : { fault: f.subcode?.local ?? f.code.local }) };
}

/** A one-shot `wssc …args`, `input` on its stdin. */
export function wsscSync(args: string[], input?: string) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', ...(input === undefined ? {} : { input }) });
}

/** A temporary folder removed after the test file, and a writer of files into it. */
export function scratchDir(prefix: string): { dir: string; file(name: string, data: Uint8Array | string): string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file(name, data) {
      const path = join(dir, name);
      writeFileSync(path, data);
      return path;
    },
  };
}
