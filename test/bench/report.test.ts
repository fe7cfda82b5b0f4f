// The benchmark report from given rows: break-even arithmetic, per-size message costs, and well-formed SVG charts.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { canonicalize } from '../../src/c14n/index.js';
import { lineChart } from '../../bench/chart.js';
import type { Row } from '../../bench/harness.js';
import { breakEven, messageCost, reportMarkdown, writeReport } from '../../bench/report.js';

const row = (name: string, value: number): Row => ({ name, unit: 'us', value, range: '±0', extra: '', bytes: 0, ratio: 1 });
const rows: Row[] = [
  row('session/establish/-/mutual-certificate', 5000),
  row('message/protect/2KiB/session', 100), row('message/unprotect/2KiB/session', 150),
  row('message/protect/2KiB/x509', 1200), row('message/unprotect/2KiB/x509', 1800),
  row('message/protect/64KiB/session', 2000), row('message/unprotect/64KiB/session', 3000),
  row('message/protect/64KiB/x509', 3500), row('message/unprotect/64KiB/x509', 5000),
];
const env = { cpu: 'test cpu', cores: 2, node: 'v20', date: '2026-11-22T00:00:00Z' };

test('per-message cost pairs protect with unprotect per size', () => {
  assert.deepEqual(messageCost(rows, 'session'), [[2048, 250], [65536, 5000]]);
  assert.deepEqual(messageCost(rows, 'x509'), [[2048, 3000], [65536, 8500]]);
});

test('break-even: set-up 5000 µs + 250 µs/message against 3000 µs/message is paid back at message 2', () => {
  const be = breakEven(rows)!;
  assert.equal(be.paidBackAfter, 2);
  assert.deepEqual(be.session[0], [1, 5250]);
  assert.deepEqual(be.x509[1], [2, 6000]);
  assert.equal(breakEven(rows.slice(1)), null, 'no set-up row, no curve');
});

test('the report states the ratios and writes well-formed SVG charts', () => {
  const md = reportMarkdown(rows, env);
  assert.match(md, /costs 12\.0× less than protecting it per message with X\.509/);
  assert.match(md, /paid back after 2 messages/);
  const dir = mkdtempSync(join(tmpdir(), 'wssc-report-'));
  const files = writeReport(dir, rows, env).map((f) => f.slice(dir.length + 1)).sort();
  assert.deepEqual(files, ['break-even.svg', 'environment.json', 'message-cost.svg', 'report.md', 'results.json']);
  for (const svg of ['break-even.svg', 'message-cost.svg']) {
    const bytes = readFileSync(join(dir, svg));
    assert.ok(canonicalize(bytes).length > 0, `${svg} parses as XML`);
    assert.match(bytes.toString(), /<path d="M[\d.]+,[\d.]+ L/);
  }
  assert.equal(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).length, rows.length);
});

test('a chart with no data is refused', () => {
  assert.throws(() => lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [] }), /no data/);
});
