// `npm run bench`: runs the benchmark suites and prints Markdown tables (stdout) with progress (stderr).
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { crossovers } from './crypto/crossover.bench.js';
import { cryptoBenches } from './crypto/providers.bench.js';
import { table, type Row } from './harness.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, only: { type: 'string' },
    crossover: { type: 'boolean', default: false },
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
if (values.json) {
  process.stdout.write(`${JSON.stringify({ environment: env, results: rows.map(({ name, unit, value, range, extra }) => ({ name, unit, value, range, extra })) }, null, 2)}\n`);
} else {
  process.stdout.write(`Machine: ${env.cpu}, ${env.cores} cores, Node ${env.node}, ${env.date}\n\n${table(rows)}\n`);
}
