// Benchmark harness on tinybench: cross-validated comparisons, batched timing of sub-microsecond operations,
// rows in the `{ name, unit, value, range, extra }` shape CI benchmark trackers read.
import { Bench } from 'tinybench';

export interface BenchOptions {
  /** Shorter sampling for `--quick` and for the harness test. */
  quick: boolean;
  /** Milliseconds of sampling per task; overrides the quick/full default. */
  timeMs?: number;
  /** Called once per finished task (progress on stderr). */
  onTask?: (row: Row) => void;
}

export interface Row {
  /** `<suite>/<operation>/<size>/<implementation>` */
  name: string;
  unit: 'us';
  /** Median microseconds per operation. */
  value: number;
  /** Spread: median absolute deviation, as `±x`. */
  range: string;
  extra: string;
  /** Bytes per operation, for MB/s (0 when not meaningful). */
  bytes: number;
  /** value / the fastest implementation's value in the same comparison. */
  ratio: number;
}

export interface Comparison {
  suite: string;
  operation: string;
  /** Size label as in the name, e.g. `64B`, `16KiB`, `-`. */
  size: string;
  bytes: number;
  /** Implementation name → one operation; its result is compared across implementations before timing. */
  impls: Record<string, () => unknown>;
  /** Compares two results; by default byte-equality of Uint8Array / string results. */
  same?: (a: unknown, b: unknown) => boolean;
}

function defaultSame(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  return a === b;
}

/** Runs every implementation once and refuses to time ones that disagree. */
function crossValidate(c: Comparison): void {
  const same = c.same ?? defaultSame;
  const entries = Object.entries(c.impls);
  const [firstName, firstFn] = entries[0]!;
  const reference = firstFn();
  for (const [name, fn] of entries.slice(1)) {
    if (!same(reference, fn())) {
      throw new Error(`bench ${c.suite}/${c.operation}/${c.size}: ${name} disagrees with ${firstName}; not timing`);
    }
  }
}

/** Calls per timed sample, so that one sample lasts at least ~50 µs (timer resolution and call overhead). */
function batchSize(fn: () => unknown): number {
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < 5) {
    fn();
    calls++;
  }
  const perCallMs = (performance.now() - start) / calls;
  return Math.max(1, Math.ceil(0.05 / perCallMs));
}

export function formatSize(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes >> 20}MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes >> 10}KiB`;
  return `${bytes}B`;
}

export async function compare(c: Comparison, opts: BenchOptions): Promise<Row[]> {
  crossValidate(c);
  const time = opts.timeMs ?? (opts.quick ? 120 : 600);
  // Steady state is what a long-running client or service pays: 300 ms of warm-up per task lets the JIT settle
  // (with 60 ms, a quick run of the session path measured ~300 µs where a warmed one measured ~220 µs).
  const bench = new Bench({ time, warmupTime: opts.timeMs === undefined ? 300 : time, iterations: 5, warmupIterations: 3 });
  const batches = new Map<string, number>();
  for (const [name, fn] of Object.entries(c.impls)) {
    const n = batchSize(fn);
    batches.set(name, n);
    bench.add(name, () => {
      for (let i = 0; i < n; i++) fn();
    });
  }
  await bench.run();
  const rows: Row[] = [];
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`bench task ${task.name} did not complete: ${result.state}`);
    const n = batches.get(task.name)!;
    const us = (result.latency.p50 * 1000) / n;
    const mad = (result.latency.mad * 1000) / n;
    rows.push({
      name: `${c.suite}/${c.operation}/${c.size}/${task.name}`,
      unit: 'us',
      value: us,
      range: `±${mad.toPrecision(2)}`,
      extra: '',
      bytes: c.bytes,
      ratio: 1,
    });
  }
  const best = Math.min(...rows.map((r) => r.value));
  for (const r of rows) {
    r.ratio = r.value / best;
    const mbs = r.bytes > 0 ? `, ${(r.bytes / r.value).toFixed(1)} MB/s` : '';
    r.extra = `${Math.round(1e6 / r.value).toLocaleString('en-US')} ops/s${mbs}, ${r.ratio.toFixed(2)}x the fastest`;
    opts.onTask?.(r);
  }
  return rows;
}

/** A Markdown table of rows grouped by comparison (all but the last name segment). */
export function table(rows: Row[]): string {
  const lines = ['| benchmark | implementation | median µs | ± (MAD) | ops/s | MB/s | vs fastest |', '|---|---|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    const cut = r.name.lastIndexOf('/');
    const mbs = r.bytes > 0 ? (r.bytes / r.value).toFixed(1) : '';
    lines.push(`| ${r.name.slice(0, cut)} | ${r.name.slice(cut + 1)} | ${r.value.toPrecision(4)} | ${r.range.slice(1)} | ` +
      `${Math.round(1e6 / r.value).toLocaleString('en-US')} | ${mbs} | ${r.ratio.toFixed(2)}x |`);
  }
  return lines.join('\n');
}

/** One line per comparison, one column per implementation: median µs with the ratio to the fastest. */
export function pivotTable(rows: Row[]): string {
  const impls: string[] = [];
  const groups = new Map<string, Map<string, Row>>();
  for (const r of rows) {
    const cut = r.name.lastIndexOf('/');
    const group = r.name.slice(0, cut);
    const impl = r.name.slice(cut + 1);
    if (!impls.includes(impl)) impls.push(impl);
    if (!groups.has(group)) groups.set(group, new Map());
    groups.get(group)!.set(impl, r);
  }
  const lines = [`| benchmark | ${impls.join(' | ')} |`, `|---|${impls.map(() => '---:').join('|')}|`];
  for (const [group, byImpl] of groups) {
    const cells = impls.map((i) => {
      const r = byImpl.get(i);
      return r === undefined ? '' : `${r.value.toPrecision(3)} µs${r.ratio === 1 ? ' **best**' : ` (${r.ratio.toFixed(2)}×)`}`;
    });
    lines.push(`| ${group} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
