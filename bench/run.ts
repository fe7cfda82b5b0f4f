// The benchmark suite runner behind `wssc bench` and `npm run bench`: tables (or JSON) on stdout, one progress
// line per finished task on stderr (never animated), and with --out a report, JSON and SVG charts.
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { nodeSoapBenches } from './adapters/node-soap.bench.js';
import { xmlCryptoAdapterBenches } from './adapters/xml-crypto.bench.js';
import { c14nBenches, c14nMemory } from './c14n/exc-c14n.bench.js';
import { crossovers } from './crypto/crossover.bench.js';
import { cryptoBenches } from './crypto/providers.bench.js';
import { dsigBenches } from './dsig/sign-verify.bench.js';
import { x509Benches } from './wssc/x509.bench.js';
import { table, type BenchOptions, type Row } from './harness.js';
import { messageBenches } from './wssc/message.bench.js';
import { sessionBenches } from './wssc/session.bench.js';
import { redisBenches } from './wssc/redis.bench.js';
import { suiteTables, writeReport, type Environment } from './report.js';

/** Every suite, in report order: core primitives, canonicalization, signatures, session messages, set-up, service. */
const SUITES: Array<{ name: string; run: (opts: BenchOptions, only?: (suite: string) => boolean) => Promise<Row[]> }> = [
  { name: 'crypto', run: (opts, only) => cryptoBenches(opts, only) },
  { name: 'c14n', run: (opts) => c14nBenches(opts) },
  { name: 'dsig', run: (opts) => dsigBenches(opts) },
  { name: 'message-x509', run: (opts) => x509Benches(opts) },
  { name: 'xml-crypto', run: (opts) => xmlCryptoAdapterBenches(opts) },
  { name: 'node-soap', run: (opts) => nodeSoapBenches(opts) },
  { name: 'message', run: (opts) => messageBenches(opts) },
  { name: 'session', run: (opts) => sessionBenches(opts) },
  // Skips itself (a note on stderr) when redis-server is not installed.
  { name: 'redis', run: (opts) => redisBenches(opts) },
];

export const BENCH_USAGE = 'wssc bench [--quick] [--json] [--out DIR] [--only SUITE,…] [--pivot] [--crossover]';

export function environment(): Environment {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, date: new Date().toISOString() };
}

/** Runs the suites named by `args`; resolves to the exit code. */
export async function runBench(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, out: { type: 'string' },
      only: { type: 'string' }, pivot: { type: 'boolean', default: false }, crossover: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const filter = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const only = filter === undefined ? undefined : (suite: string) => filter.some((s) => suite.startsWith(s));
  const opts: BenchOptions = {
    quick: values.quick,
    onTask: (r) => process.stderr.write(`${r.name}: ${r.value.toPrecision(4)} µs ${r.range} (${r.extra})\n`),
  };
  const env = environment();
  if (values.crossover) {
    process.stdout.write(`${JSON.stringify(await crossovers(opts), null, 2)}\n`);
    return 0;
  }
  const rows: Row[] = [];
  for (const suite of SUITES) {
    // A suite runs when no filter is given, when the filter names it, or (crypto) when it names one of its parts.
    if (only !== undefined && !only(suite.name) && suite.name !== 'crypto') continue;
    rows.push(...await suite.run(opts, suite.name === 'crypto' && only !== undefined && !only('crypto') ? only : undefined));
  }
  const memory = !values.quick && (only === undefined || only('c14n')) ? c14nMemory() : [];
  if (values.out !== undefined) {
    for (const file of writeReport(values.out, rows, env)) process.stderr.write(`wrote ${file}\n`);
  }
  if (values.json) {
    // SPEC: the array trackers read (github-action-benchmark's customSmallerIsBetter); the environment record goes
    // to stderr as one JSON line and, with --out, to environment.json.
    process.stderr.write(`${JSON.stringify({ environment: env })}\n`);
    process.stdout.write(`${JSON.stringify(rows.map(({ name, unit, value, range, extra }) => ({ name, unit, value, range, extra })), null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`Machine: ${env.cpu}, ${env.cores} cores, Node ${env.node}, ${env.date}\n\n${values.pivot ? suiteTables(rows) : table(rows)}\n`);
  if (memory.length > 0) {
    process.stdout.write('\n| peak RSS growth, one parse + exc-c14n + SHA-1 of a 4 MiB SOAP Body | MiB |\n|---|---:|\n');
    for (const m of memory) process.stdout.write(`| ${m.name} | ${m.peakRssGrowthMiB} |\n`);
  }
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runBench(process.argv.slice(2));
}
