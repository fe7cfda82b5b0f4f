// Node.js event loop (libuv poll then check phase): work that arrived in one turn, started together in the next check phase, so each kind of work runs back to back.
/** Started together at most (what they hold while the batch runs stays bounded); the rest wait for the next turn. */
export const BATCH_MAX = 16;

let queued: (() => void)[] = [];

/**
 * Runs `start` in this turn's check phase (setImmediate) with everything else queued in this turn, at most BATCH_MAX
 * at once. PERF: a request's work started together with the others of its turn runs up to its first await, so the
 * turn's requests are all verified, then all answered (the service yields in between), each kind of work while its
 * code and data are in cache, instead of one request's whole turn after another's. `wssc serve`'s 2 KiB echo, 16 in
 * flight, client on the same two cores, this for SoapHttpServer's requests and http1-client's responses: 1,815–1,971
 * → 2,312–2,439 req/s, the service's CPU per request 507–536 → 409–422 µs, the client's 478–513 → 386–406 µs (three
 * 11 s runs of each build, alternating; the service's side alone: 534–539 → 482–504 µs).
 */
export function inTurnBatch(start: () => void): void {
  queued.push(start);
  if (queued.length === 1) setImmediate(runBatch);
}

function runBatch(): void {
  let batch = queued;
  if (batch.length > BATCH_MAX) {
    batch = queued.splice(0, BATCH_MAX);
    setImmediate(runBatch);
  } else queued = [];
  // One start that throws does not keep the others of its batch from starting; the first error is rethrown after.
  let failed = false;
  let error: unknown;
  for (const start of batch) {
    try {
      start();
    } catch (err) {
      if (!failed) error = err;
      failed = true;
    }
  }
  if (failed) throw error;
}
