// Differential test of Exc-C14N 1.0 against libxml2: xmllint (whole document, with comments) and lxml (random subtree).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { canonicalize } from '../../src/c14n/index.js';
import { findLxmlPython, hasXmllint, lxmlExcC14n, xmllintExcC14n, type LxmlRequest } from './oracles.js';
import { PREFIXES, randomDocument, Rng } from './random-document.js';

const FIXED_SEED = 0x5eed_c14e;
const FIXED_DOCS = Number(process.env.WSSC_FUZZ_DOCS ?? 1000);
const RANDOM_DOCS = Number(process.env.WSSC_FUZZ_RANDOM_DOCS ?? 200);
const SKIP = process.env.WSSC_SKIP_ORACLES === '1';

interface Case {
  seed: number;
  n: number;
  xml: Uint8Array;
  lxml: LxmlRequest;
}

function cases(seed: number, count: number): Case[] {
  const rng = new Rng(seed);
  const out: Case[] = [];
  for (let n = 0; n < count; n++) {
    const { xml, elements } = randomDocument(rng);
    const bytes = new TextEncoder().encode(xml);
    const prefixes = rng.chance(0.5) ? PREFIXES.filter(() => rng.chance(0.4)) : [];
    out.push({ seed, n, xml: bytes, lxml: { doc: bytes, index: rng.int(elements), prefixes, comments: false } });
  }
  return out;
}

function ours(xml: Uint8Array, options: Parameters<typeof canonicalize>[1]): { ok: boolean; out: Uint8Array; error: string } {
  try {
    return { ok: true, out: canonicalize(xml, options), error: '' };
  } catch (err) {
    return { ok: false, out: new Uint8Array(0), error: String(err) };
  }
}

function report(failures: string[], dump: Case[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'wssc-diff-'));
  for (const c of dump) writeFileSync(join(dir, `seed-${c.seed.toString(16)}-${c.n}.xml`), c.xml);
  return `${failures.length} mismatches (documents written to ${dir}):\n${failures.slice(0, 5).join('\n')}`;
}

async function differential(seed: number, count: number): Promise<void> {
  const python = findLxmlPython();
  assert.ok(hasXmllint(), 'xmllint not found: apt-get install libxml2-utils (or WSSC_SKIP_ORACLES=1)');
  assert.ok(python !== null, 'python3 with lxml not found: apt-get install python3-lxml (or WSSC_SKIP_ORACLES=1)');
  const all = cases(seed, count);
  const [lint, lxml] = await Promise.all([xmllintExcC14n(all.map((c) => c.xml)), lxmlExcC14n(python, all.map((c) => c.lxml))]);
  const failures: string[] = [];
  const dump: Case[] = [];
  const dec = new TextDecoder();
  all.forEach((c, i) => {
    const where = `seed 0x${seed.toString(16)} document ${c.n}`;
    const whole = ours(c.xml, { withComments: true });
    const l = lint[i]!;
    if (whole.ok !== l.ok || Buffer.compare(Buffer.from(whole.out), Buffer.from(l.out)) !== 0) {
      failures.push(`${where} (whole document vs xmllint): ours ${whole.ok ? JSON.stringify(dec.decode(whole.out)) : whole.error}\n  xmllint ${l.ok ? JSON.stringify(dec.decode(l.out)) : l.error}`);
      dump.push(c);
    }
    let k = 0;
    const sub = ours(c.xml, { select: () => k++ === c.lxml.index, prefixList: c.lxml.prefixes });
    const x = lxml[i]!;
    if (sub.ok !== x.ok || Buffer.compare(Buffer.from(sub.out), Buffer.from(x.out)) !== 0) {
      failures.push(`${where} (element ${c.lxml.index}, PrefixList [${c.lxml.prefixes.join(' ')}] vs lxml): ours ${sub.ok ? JSON.stringify(dec.decode(sub.out)) : sub.error}\n  lxml ${x.ok ? JSON.stringify(dec.decode(x.out)) : x.error}`);
      dump.push(c);
    }
  });
  assert.equal(failures.length, 0, failures.length === 0 ? '' : report(failures, dump));
  // The generator only writes well-formed documents; a refusal on both sides would compare nothing.
  assert.equal(lint.filter((l) => !l.ok).length, 0, 'xmllint refused generated documents');
}

test(`exc-c14n equals xmllint and lxml on ${FIXED_DOCS} documents (fixed seed)`, { skip: SKIP && 'WSSC_SKIP_ORACLES=1' }, async () => {
  await differential(FIXED_SEED, FIXED_DOCS);
});

test(`exc-c14n equals xmllint and lxml on ${RANDOM_DOCS} documents (random seed)`, { skip: SKIP && 'WSSC_SKIP_ORACLES=1' }, async () => {
  const seed = process.env.WSSC_FUZZ_SEED !== undefined ? Number(process.env.WSSC_FUZZ_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
  try {
    await differential(seed, RANDOM_DOCS);
  } catch (err) {
    console.error(`differential test failed with random seed 0x${seed.toString(16)} (rerun with that seed to reproduce)`);
    throw err;
  }
});
