// The session clocks (protocol.md §4.3 Timestamps): checkTimestampInstants against checkTimestamp on the same instants written out as xsd:dateTime.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WsSecurityError } from '../../src/errors.js';
import { checkTimestamp } from '../../src/wss/timestamp.js';
import { checkTimestampInstants } from '../../src/wssc/session-clock.js';

/** The outcome of a check: 'ok' or the WsSecurityError code (anything else escapes). */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof WsSecurityError) return err.code;
    throw err;
  }
}

const YEAR_100 = Date.parse('0100-01-01T00:00:00Z');
const YEAR_10000 = 253_402_300_800_000;

describe('checkTimestampInstants', () => {
  it('decides as checkTimestamp on the ISO strings of the same instants', () => {
    const now = Date.parse('2030-06-01T12:00:00Z');
    // Instants near now (every branch), far away, and past 9999 (not writable as an xsd:dateTime with 4 digits).
    const instant = fc.oneof(
      fc.integer({ min: now - 3_600_000, max: now + 3_600_000 }),
      fc.integer({ min: YEAR_100, max: YEAR_10000 + 86_400_000 }),
      fc.constantFrom(YEAR_10000 - 1, YEAR_10000, now - 600_000, now + 300_000, now - 300_000),
    );
    fc.assert(fc.property(instant, fc.option(instant, { nil: undefined }), fc.integer({ min: 0, max: 600_000 }), fc.integer({ min: 0, max: 600_000 }), (created, expires, skewMs, maxAge) => {
      const ts = expires === undefined ? { created: new Date(created) } : { created: new Date(created), expires: new Date(expires) };
      const iso = (d: Date): string | undefined => {
        try {
          return d.toISOString();
        } catch {
          return undefined;
        }
      };
      const strings = { created: iso(ts.created)!, ...(ts.expires === undefined ? {} : { expires: iso(ts.expires)! }) };
      const expected = outcome(() => checkTimestamp(strings, { now, skewMs, maxAge }));
      assert.equal(outcome(() => checkTimestampInstants(ts, { now, skewMs, maxAge })), expected, JSON.stringify({ strings, skewMs, maxAge }));
    }), { numRuns: 5000 });
  });

  it('refuses a missing Timestamp, an expired one, one from the future, and one past the year 9999', () => {
    const now = Date.parse('2030-06-01T12:00:00Z');
    const opts = { now, skewMs: 300_000, maxAge: 300_000 };
    assert.equal(outcome(() => checkTimestampInstants(undefined, opts)), 'TIMESTAMP_MISSING');
    assert.equal(outcome(() => checkTimestampInstants({ created: new Date(now) }, opts)), 'ok');
    assert.equal(outcome(() => checkTimestampInstants({ created: new Date(now - 700_000) }, opts)), 'TIMESTAMP_EXPIRED');
    assert.equal(outcome(() => checkTimestampInstants({ created: new Date(now - 60_000), expires: new Date(now - 400_000) }, opts)), 'TIMESTAMP_INVALID');
    assert.equal(outcome(() => checkTimestampInstants({ created: new Date(now - 400_000), expires: new Date(now - 300_000) }, opts)), 'TIMESTAMP_EXPIRED');
    assert.equal(outcome(() => checkTimestampInstants({ created: new Date(now + 301_000) }, opts)), 'TIMESTAMP_FUTURE');
    assert.equal(outcome(() => checkTimestampInstants({ created: new Date(now), expires: new Date(YEAR_10000) }, opts)), 'TIMESTAMP_INVALID');
    assert.equal(outcome(() => checkTimestampInstants({ created: new Date(Number.NaN) }, opts)), 'TIMESTAMP_INVALID');
  });
});
