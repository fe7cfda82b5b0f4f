// Loopback load for the `wssc serve` benches: requests kept in flight until the throughput is steady, then measured.
import type { Row } from '../harness.js';

/** The 2 KiB echo the loopback and farm benches send. */
export const ECHO_BODY = `<EchoString xmlns="http://tempuri.org/"><echo>${'a'.repeat(2048 - 62)}</echo></EchoString>`;
export const ECHO_ACTION = 'http://tempuri.org/IEchoService/EchoString';

/** Median and median absolute deviation. */
export function medianMad(xs: readonly number[]): { median: number; mad: number } {
  const s = [...xs].sort((a, b) => a - b);
  const m = s[s.length >> 1]!;
  const d = s.map((x) => Math.abs(x - m)).sort((a, b) => a - b);
  return { median: m, mad: d[d.length >> 1]! };
}

/** A row of µs per operation. */
export function usRow(name: string, us: number, mad: number, extra: string, bytes = 0): Row {
  return { name, unit: 'us', value: us, range: `±${mad.toPrecision(2)}`, extra, bytes, ratio: 1 };
}

export interface SteadyLoadOptions {
  /** Requests in flight. */
  concurrency: number;
  /** Milliseconds measured once steady. */
  measureMs: number;
  /** Warm-up under the same load: at least this long, then until three one-second windows agree within 5%, at most maxWarmupMs. */
  minWarmupMs: number;
  maxWarmupMs: number;
}

export interface SteadyLoadResult {
  /** Requests per second over the measured window. */
  rps: number;
  /** Latency of each measured request, µs. */
  latencies: number[];
  done: number;
  /** Milliseconds of warm-up it took, and the warm-up's per-second rates (how the JIT came up to speed). */
  warmupMs: number;
  warmupRates: number[];
  /** CPU per measured request, µs: this process (the client) and the services, when `serviceCpu` was given. */
  clientCpuUs: number;
  serviceCpuUs?: number;
}

/**
 * Runs `call` with `concurrency` requests in flight. Why a warm-up until steady: with the client and `wssc serve`
 * sharing two cores, each process's optimizing compiler competes with the other's work, and throughput climbed
 * for ~10 s here (2 KiB echo: 363 req/s in the first second, ~650 in the third, ~1,300 from the tenth on); a fixed
 * 3 s warm-up reported that climb, not the service's steady state.
 */
export async function steadyLoad(call: () => Promise<void>, options: SteadyLoadOptions, serviceCpu?: () => number | undefined): Promise<SteadyLoadResult> {
  const run = async (ms: number, latencies?: number[]): Promise<number> => {
    let n = 0;
    const until = performance.now() + ms;
    await Promise.all(Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await call();
        latencies?.push((performance.now() - t) * 1000);
        n++;
      }
    }));
    return n;
  };
  const warmupRates: number[] = [];
  const began = performance.now();
  const window = Math.min(1000, options.minWarmupMs);
  for (;;) {
    const t = performance.now();
    const n = await run(window);
    warmupRates.push(n / ((performance.now() - t) / 1000));
    const elapsed = performance.now() - began;
    if (elapsed >= options.maxWarmupMs) break;
    if (elapsed < options.minWarmupMs || warmupRates.length < 3) continue;
    const last = warmupRates.slice(-3);
    const mean = (last[0]! + last[1]! + last[2]!) / 3;
    if (last.every((r) => Math.abs(r - mean) <= 0.05 * mean)) break;
  }
  const warmupMs = performance.now() - began;
  const latencies: number[] = [];
  // Where the CPU goes: with both processes on the two cores, the busier one sets the rate.
  const service0 = serviceCpu?.();
  const client0 = process.cpuUsage();
  const start = performance.now();
  const done = await run(options.measureMs, latencies);
  const rps = done / ((performance.now() - start) / 1000);
  const client = process.cpuUsage(client0);
  const service1 = serviceCpu?.();
  const result: SteadyLoadResult = { rps, latencies, done, warmupMs, warmupRates, clientCpuUs: (client.user + client.system) / Math.max(1, done) };
  if (service0 !== undefined && service1 !== undefined) result.serviceCpuUs = (service1 - service0) / Math.max(1, done);
  return result;
}

/** steadyLoad of the echo through `client` with the benches' durations; `timeMs` / `loadMs` fix them (the harness test's tiny runs). */
export function echoLoad(
  client: { call(action: string, body: string): Promise<{ readonly length: number }> },
  options: { concurrency: number; quick?: boolean; timeMs?: number; loadMs?: number },
  serviceCpu?: () => number | undefined,
): Promise<SteadyLoadResult> {
  const fixed = options.timeMs ?? options.loadMs;
  return steadyLoad(async () => {
    const reply = await client.call(ECHO_ACTION, ECHO_BODY);
    if (reply.length !== ECHO_BODY.length) throw new Error('bench: the echo does not match');
  }, {
    concurrency: options.concurrency,
    measureMs: options.loadMs ?? options.timeMs ?? (options.quick === true ? 2000 : 5000),
    minWarmupMs: fixed ?? (options.quick === true ? 4000 : 6000),
    maxWarmupMs: fixed ?? (options.quick === true ? 12_000 : 20_000),
  }, serviceCpu);
}

/** The throughput row of an echo load: µs per request (1 / rate), the latency spread per request in flight. */
export function echoRow(name: string, load: SteadyLoadResult, concurrency: number, services = 1): Row {
  const lat = medianMad(load.latencies);
  const warmup = `${(load.warmupMs / 1000).toFixed(0)} s warm-up (${Math.round(load.warmupRates[0]!)} → ${Math.round(load.warmupRates.at(-1)!)} req/s)`;
  return usRow(name, 1e6 / load.rps, lat.mad / concurrency,
    `${Math.round(load.rps).toLocaleString('en-US')} req/s, median latency ${(lat.median / 1000).toFixed(2)} ms, ${load.done} requests after ${warmup}; ` +
      `CPU per request: client ${Math.round(load.clientCpuUs)} µs${load.serviceCpuUs === undefined ? '' : `, service${services > 1 ? 's' : ''} ${Math.round(load.serviceCpuUs)} µs`}`, 2048);
}
