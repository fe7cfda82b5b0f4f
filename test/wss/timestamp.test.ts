// wsu:Timestamp checks with an injected clock: fresh, expired, future beyond the skew, too old, missing, malformed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WsSecurityError } from '../../src/errors.js';
import { checkTimestamp, createTimestamp, parseDateTime } from '../../src/wss/index.js';

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
