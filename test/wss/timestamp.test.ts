// wsu:Timestamp checks with an injected clock: fresh, expired, future beyond the skew, too old, missing, malformed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WsSecurityError } from '../../src/errors.js';
import { checkTimestamp, createTimestamp, parseDateTime } from '../../src/wss/index.js';
import { formatDateTime } from '../../src/wss/timestamp.js';

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const MIN = 60_000;
const code = (c: string) => (e: unknown) => e instanceof WsSecurityError && e.code === c;

describe('checkTimestamp', () => {
  const ts = createTimestamp({ now: T0, ttlMs: 5 * MIN });

  it('accepts a fresh Timestamp and returns its instants', () => {
    assert.deepEqual(checkTimestamp(ts, { now: T0 + MIN, skewMs: 0 }), { created: T0, expires: T0 + 5 * MIN });
    assert.equal(ts.created, '2024-01-01T00:00:00.000Z');
  });

  it('expired: Expires before now − skew; tolerated inside the skew window', () => {
    assert.throws(() => checkTimestamp(ts, { now: T0 + 6 * MIN, skewMs: 0 }), code('TIMESTAMP_EXPIRED'));
    checkTimestamp(ts, { now: T0 + 6 * MIN, skewMs: 2 * MIN });
    assert.throws(() => checkTimestamp(ts, { now: () => T0 + 8 * MIN, skewMs: 2 * MIN }), code('TIMESTAMP_EXPIRED'));
  });

  it('future: Created beyond now + skew; tolerated inside it', () => {
    assert.throws(() => checkTimestamp(ts, { now: T0 - 6 * MIN, skewMs: 5 * MIN }), code('TIMESTAMP_FUTURE'));
    checkTimestamp(ts, { now: new Date(T0 - 4 * MIN), skewMs: 5 * MIN });
  });

  it('maxAge: an old Created is refused even when Expires is far away', () => {
    const long = createTimestamp({ now: T0, ttlMs: 60 * MIN });
    checkTimestamp(long, { now: T0 + 10 * MIN, skewMs: 0 });
    assert.throws(() => checkTimestamp(long, { now: T0 + 10 * MIN, skewMs: MIN, maxAge: 5 * MIN }), code('TIMESTAMP_EXPIRED'));
  });

  it('missing and malformed', () => {
    assert.throws(() => checkTimestamp(undefined, { now: T0 }), code('TIMESTAMP_MISSING'));
    assert.throws(() => checkTimestamp(null, { now: T0 }), code('TIMESTAMP_MISSING'));
    assert.throws(() => checkTimestamp({ expires: ts.expires! }, { now: T0 }), code('TIMESTAMP_INVALID'));
    assert.throws(() => checkTimestamp({ created: ts.expires!, expires: ts.created! }, { now: T0 }), code('TIMESTAMP_INVALID'));
    for (const bad of ['2024-01-01', '2024-01-01T00:00:00', '2024-02-30T00:00:00Z', '2024-01-01T24:00:00Z', 'yesterday']) {
      assert.throws(() => parseDateTime(bad), code('TIMESTAMP_INVALID'), bad);
    }
    assert.equal(parseDateTime('2024-01-01T02:00:00.5+02:00'), T0 + 500);
  });
});

describe('formatDateTime', () => {
  it('is Date.prototype.toISOString: any instant, leap days, century and era boundaries, fractions, and outside 1970-9999 (property)', () => {
    const iso = (ms: number): string => new Date(ms).toISOString();
    fc.assert(fc.property(fc.oneof(fc.integer({ min: 0, max: 253402300799999 }), fc.double({ min: -1e15, max: 1e15, noNaN: true })),
      (ms) => assert.equal(formatDateTime(ms), iso(ms))), { numRuns: 5000 });
    const edges = [0, 0.9, 951782400000, 951868799999, 4107542400000, 946684799999, 946684800000, 68256000000, 253402300799999, 253402300800000, -1, -0.5];
    for (const y of [1972, 2000, 2024, 2100, 2400]) edges.push(Date.UTC(y, 1, 29), Date.UTC(y, 1, 28, 23, 59, 59, 999), Date.UTC(y, 2, 1), Date.UTC(y, 11, 31, 23, 59, 59, 999));
    for (const ms of edges) assert.equal(formatDateTime(ms), iso(ms), String(ms));
    assert.throws(() => formatDateTime(NaN), RangeError);
  });
});
