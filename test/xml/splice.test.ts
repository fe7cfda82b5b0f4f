// Byte splicing (src/xml/splice.ts): applyEdits, which writes string inserts straight into its output, against the
// construction it replaced (every insert encoded on its own, then concatenated).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyEdits, utf8Length, withScratch, type ByteWriter, type WriterEdit } from '../../src/xml/splice.js';

const encoder = new TextEncoder();

/** The former applyEdits: a stable sort, each string insert through TextEncoder.encode, one concatenation. */
function reference(input: Uint8Array, edits: readonly WriterEdit[]): Uint8Array {
  const sorted = edits.map((e, i) => ({ e, i })).sort((x, y) => x.e.at - y.e.at || x.i - y.i).map((x) => x.e);
  const parts: number[] = [];
  let pos = 0;
  for (const e of sorted) {
    parts.push(...input.subarray(pos, e.at));
    const insert = e.insert;
    if (typeof insert === 'string') parts.push(...encoder.encode(insert));
    else if (insert instanceof Uint8Array) parts.push(...insert);
    else {
      const b = new Uint8Array(insert.length);
      insert.write(b, 0);
      parts.push(...b);
    }
    pos = e.end ?? e.at;
  }
  parts.push(...input.subarray(pos));
  return Uint8Array.from(parts);
}

/** A ByteWriter of fixed bytes that counts its writes (applyEdits starts over after a non-ASCII string). */
function writer(bytes: Uint8Array): ByteWriter & { writes: number } {
  const w = {
    writes: 0,
    length: bytes.length,
    write(out: Uint8Array, at: number) {
      w.writes++;
      out.set(bytes, at);
    },
  };
  return w;
}

const insertArb = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }), // non-ASCII, astral and lone surrogates (U+FFFD, 3 bytes)
  fc.uint8Array({ maxLength: 12 }),
  fc.uint8Array({ maxLength: 12 }).map(writer),
);

describe('applyEdits', () => {
  it('is the per-insert encode-and-concatenate construction, for ASCII, non-ASCII and lone-surrogate strings, arrays and writers (property)', () => {
    fc.assert(fc.property(
      fc.uint8Array({ maxLength: 40 }),
      fc.array(fc.tuple(fc.nat(), fc.nat(3), insertArb), { maxLength: 6 }),
      (input, raw) => {
        // Non-overlapping edits: sorted starts, each ending before the next one starts.
        const starts = raw.map(([at]) => (input.length === 0 ? 0 : at % (input.length + 1))).sort((a, b) => a - b);
        const edits: WriterEdit[] = [];
        let floor = 0;
        starts.forEach((at, i) => {
          const start = Math.max(at, floor);
          const end = Math.min(start + raw[i]![1], starts[i + 1] ?? input.length, input.length);
          edits.push(end > start ? { at: start, end, insert: raw[i]![2] } : { at: start, insert: raw[i]![2] });
          floor = Math.max(start, end);
        });
        // Shuffle: applyEdits sorts, keeping the given order at equal offsets.
        const shuffled = [...edits].reverse().sort((x, y) => x.at - y.at || edits.indexOf(x) - edits.indexOf(y));
        assert.deepEqual(applyEdits(input, shuffled), reference(input, shuffled));
      },
    ), { numRuns: 500 });
  });

  it('keeps the order of edits at one offset; a non-ASCII string starts over with exact lengths (a writer writes again)', () => {
    const input = encoder.encode('<a><b/></a>');
    const w = writer(encoder.encode('[w]'));
    const ascii: WriterEdit[] = [{ at: 3, insert: 'x' }, { at: 3, insert: w }, { at: 3, end: 7, insert: 'y' }];
    assert.equal(new TextDecoder().decode(applyEdits(input, ascii)), '<a>x[w]y</a>');
    assert.equal(w.writes, 1);
    const wide: WriterEdit[] = [{ at: 3, insert: w }, { at: 3, end: 7, insert: 'é\u{1F600}\uD800' }, { at: 11, insert: 'z' }];
    const out = applyEdits(input, wide);
    assert.equal(w.writes, 3);
    assert.equal(new TextDecoder().decode(out), '<a>[w]é\u{1F600}\uFFFD</a>z');
    assert.deepEqual(out, reference(input, wide));
  });

  it('refuses overlapping and out-of-range edits with a RangeError; no edits is the input itself', () => {
    const input = encoder.encode('<a>text</a>');
    assert.throws(() => applyEdits(input, [{ at: 2, end: 5, insert: 'x' }, { at: 4, insert: 'y' }]), RangeError);
    assert.throws(() => applyEdits(input, [{ at: 5, end: 4, insert: 'x' }]), RangeError);
    assert.throws(() => applyEdits(input, [{ at: 5, end: 12, insert: 'x' }]), RangeError);
    assert.equal(applyEdits(input, []), input);
  });
});

describe('utf8Length and withScratch', () => {
  it('utf8Length is the length of TextEncoder.encode, below and above its measuring buffer (property)', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', minLength: 1400, maxLength: 1500 })),
      (s) => assert.equal(utf8Length(s), encoder.encode(s).length)), { numRuns: 200 });
  });

  it('lends a buffer of at least n bytes, wiped when the callback returns or throws; a nested call gets a fresh one', () => {
    let kept: Uint8Array | undefined;
    withScratch(100, (buf) => {
      assert.ok(buf.length >= 100);
      buf.fill(7, 0, 100);
      kept = buf;
      withScratch(20, (inner) => {
        assert.notEqual(inner.buffer, buf.buffer);
        assert.equal(inner.length, 20);
      });
    });
    assert.ok(kept!.subarray(0, 100).every((x) => x === 0));
    assert.throws(() => withScratch(50, (buf) => {
      buf.fill(9, 0, 50);
      throw new Error('boom');
    }), /boom/);
    assert.ok(kept!.subarray(0, 50).every((x) => x === 0));
    // Larger than the buffer so far: a bigger one, still wiped.
    withScratch(20000, (buf) => {
      assert.ok(buf.length >= 20000);
      buf.fill(1, 0, 20000);
      kept = buf;
    });
    assert.ok(kept!.subarray(0, 20000).every((x) => x === 0));
  });
});
