// A `wssc serve` child process for the loopback benches: started on a free port, its URL read from its log.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServeProcess {
  url: string;
  pid: number;
  /** CPU time the process has used so far, µs (user + system, from /proc; undefined where there is none). */
  cpuMicros(): number | undefined;
  /** Stops the process (SIGTERM) and resolves once it has exited. */
  stop(): Promise<void>;
}

/** Spawns `wssc serve --port 0 …args`; resolves when it logs the URL it listens on. */
export async function spawnServe(args: readonly string[]): Promise<ServeProcess> {
  const root = new URL('../../../', import.meta.url).pathname;
  const proc = spawn(process.execPath, [join(root, 'bin', 'wssc'), 'serve', '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer): void => {
      buf += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(buf);
      if (m !== null) {
        // Keep draining the request log (unread) so the pipe never blocks the server.
        proc.stderr!.off('data', onData);
        proc.stderr!.resume();
        resolve(m[1]!);
      }
    };
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`wssc serve exited ${code}: ${buf}`)));
  });
  return {
    url,
    pid: proc.pid!,
    cpuMicros: () => processCpuMicros(proc.pid),
    stop: () => new Promise<void>((done) => {
      if (proc.exitCode !== null) return done();
      proc.once('exit', () => done());
      proc.kill('SIGTERM');
    }),
  };
}

/** utime + stime of a process from /proc/PID/stat (fields 14 and 15, in USER_HZ ticks: 100 per second on Linux). */
export function processCpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}
