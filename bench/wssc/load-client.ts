// The loopback benches' client in a process of its own: a SecureSessionClient keeping the 2 KiB echo in flight against `wssc serve` (steady-load.ts), its result sent back as JSON.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { processCpuMicros } from './serve-process.js';
import { echoLoad, type SteadyLoadResult } from './steady-load.js';
import { SecureSessionClient } from '../../src/wssc/session-client.js';

/** The services to load: their URLs and PIDs (for their CPU), and the client's credentials. */
export interface LoadTarget {
  urls: string[];
  servicePids: number[];
  client: { certificate: string; privateKey: string };
  serviceCertificate: string;
}

/** echoLoad's load options. */
type LoadOptions = Parameters<typeof echoLoad>[1];

/** What the child reads on stdin. */
interface LoadClientJob extends LoadTarget {
  load: LoadOptions;
}

/**
 * echoLoad run by a fresh Node process. Why: a client in the bench process carries the JIT state and heap of every
 * bench run before it (the session suite's loopback client there: 544 µs of CPU per request and 1,779 req/s; in a
 * process of its own, the next minute: 495 µs and 1,874 req/s); a real client is a process of its own.
 */
export function echoLoadInChild(target: LoadTarget, options: LoadOptions): Promise<SteadyLoadResult> {
  const { concurrency, quick, timeMs, loadMs } = options;
  // Only the load options cross (undefined ones drop out of the JSON).
  const job: LoadClientJob = { ...target, load: { concurrency, quick, timeMs, loadMs } as LoadOptions };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => void (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench load client exited ${code}: ${err}`));
      try {
        resolve(JSON.parse(out) as SteadyLoadResult);
      } catch (e) {
        reject(new Error(`bench load client printed no result: ${(e as Error).message}; ${err}`));
      }
    });
    child.stdin.end(JSON.stringify(job));
  });
}

async function runJob(job: LoadClientJob): Promise<SteadyLoadResult> {
  const client = await SecureSessionClient.establish({
    url: job.urls, bootstrap: { mode: 'mutual-certificate', client: job.client, serviceCertificate: job.serviceCertificate },
  });
  const serviceCpu = (): number | undefined => {
    let sum = 0;
    for (const pid of job.servicePids) {
      const us = processCpuMicros(pid);
      if (us === undefined) return undefined;
      sum += us;
    }
    return sum;
  };
  const result = await echoLoad(client, job.load, serviceCpu);
  await client.cancel();
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let input = '';
  process.stdin.on('data', (d: Buffer) => void (input += d.toString()));
  process.stdin.on('end', () => {
    runJob(JSON.parse(input) as LoadClientJob).then(
      (r) => process.stdout.write(JSON.stringify(r)),
      (e: unknown) => {
        process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
        process.exitCode = 1;
      },
    );
  });
}
