// The clocks of a session client and service (protocol.md §4.3 Timestamps): the time they read, and the strictly increasing Created times of the Timestamps they write.

/** Milliseconds now by `clock` when one is configured (tests, fixed-time replays), by Date.now() otherwise. */
export function clockMs(clock: (() => Date) | undefined): number {
  return clock === undefined ? Date.now() : clock().getTime();
}

/**
 * A clock for the Created time of outgoing Timestamps that never repeats or goes back: `now()`, or 1 ms after the
 * last time it gave when `now()` has not moved on. SECURITY: in transport mode only the Timestamp is signed, so two
 * messages stamped in the same millisecond would carry the same SignatureValue and the second would be refused as
 * a replay (seen in tests, ~1 session in 10 under load).
 */
export function monotonicClock(now: () => number): () => Date {
  let last = 0;
  return () => {
    last = Math.max(now(), last + 1);
    return new Date(last);
  };
}
