// `npm run bench`: runs the benchmark suites and prints Markdown tables (stdout) with progress (stderr).
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { c14nBenches, c14nMemory } from './c14n/exc-c14n.bench.js';
import { crossovers } from './crypto/crossover.bench.js';
import { dsigBenches } from './dsig/sign-verify.bench.js';
import { cryptoBenches } from './crypto/providers.bench.js';
import { pivotTable, table, type Row } from './harness.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, only: { type: 'string' },
    crossover: { type: 'boolean', default: false }, pivot: { type: 'boolean', default: false },
  },
});
const only = values.only === undefined ? undefined : (suite: string) => values.only!.split(',').some((s) => suite.startsWith(s));
const opts = {
  quick: values.quick,
  onTask: (r: Row) => process.stderr.write(`${r.name}: ${r.value.toPrecision(4)} µs ${r.range}\n`),
};

const env = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, date: new Date().toISOString() };
if (values.crossover) {
  process.stdout.write(`${JSON.stringify(await crossovers(opts), null, 2)}\n`);
  process.exit(0);
}
const rows = await cryptoBenches(opts, only);
if (only === undefined || only('c14n')) rows.push(...await c14nBenches(opts));
if (only === undefined || only('dsig')) rows.push(...await dsigBenches(opts));
const memory = only === undefined || only('c14n-memory') ? c14nMemory() : [];
if (values.json) {
  const results = rows.map(({ name, unit, value, range, extra }) => ({ name, unit, value, range, extra }));
  process.stdout.write(`${JSON.stringify({ environment: env, results, memory }, null, 2)}\n`);
} else {
  process.stdout.write(`Machine: ${env.cpu}, ${env.cores} cores, Node ${env.node}, ${env.date}\n\n${(values.pivot ? pivotTable : table)(rows)}\n`);
  if (memory.length > 0) {
    process.stdout.write(`\n| peak RSS growth, one parse + exc-c14n + SHA-1 of a 4 MiB SOAP Body | MiB |\n|---|---:|\n`);
    for (const m of memory) process.stdout.write(`| ${m.name} | ${m.peakRssGrowthMiB} |\n`);
  }
}
