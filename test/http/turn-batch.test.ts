// Node.js event loop check phase: what inTurnBatch queues in one turn runs together, in order, at most BATCH_MAX at a time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BATCH_MAX, inTurnBatch } from '../../src/http/turn-batch.js';

describe('inTurnBatch', () => {
  it('runs what one turn queued in the check phase, in order, each up to its first await before the next goes on', async () => {
    const events: string[] = [];
    const done: Promise<void>[] = [];
    for (const id of ['a', 'b', 'c']) {
      done.push(new Promise((resolve) => inTurnBatch(() => {
        events.push(`start ${id}`);
        void Promise.resolve().then(() => (events.push(`then ${id}`), resolve()));
      })));
    }
    events.push('queued');
    await Promise.all(done);
    assert.deepEqual(events, ['queued', 'start a', 'start b', 'start c', 'then a', 'then b', 'then c']);
  });

  it(`starts at most ${BATCH_MAX} per turn; the rest run in the next turn`, async () => {
    const turns: number[] = [];
    let turn = 0;
    const ticker = setInterval(() => {}, 1000);
    const count = BATCH_MAX * 2 + 3;
    await new Promise<void>((resolve) => {
      let seen = 0;
      for (let i = 0; i < count; i++) {
        inTurnBatch(() => {
          turns.push(turn);
          if (++seen === count) resolve();
        });
      }
      // setImmediate callbacks queued from a check-phase callback run in the next turn: count the turns with one.
      const tick = (): void => {
        turn++;
        if (seen < count) setImmediate(tick);
      };
      setImmediate(tick);
    });
    clearInterval(ticker);
    const perTurn = new Map<number, number>();
    for (const t of turns) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    assert.deepEqual([...perTurn.values()], [BATCH_MAX, BATCH_MAX, 3]);
  });

  it('one start that throws does not keep the others of its batch from starting; its error surfaces after them', async () => {
    const ran: string[] = [];
    const errors: unknown[] = [];
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', (e) => errors.push(e));
    try {
      await new Promise<void>((resolve) => {
        inTurnBatch(() => ran.push('a'));
        inTurnBatch(() => {
          throw new Error('b failed');
        });
        inTurnBatch(() => (ran.push('c'), resolve()));
      });
      await new Promise((r) => setImmediate(r));
    } finally {
      process.removeAllListeners('uncaughtException');
      for (const l of listeners) process.on('uncaughtException', l);
    }
    assert.deepEqual(ran, ['a', 'c']);
    assert.deepEqual(errors.map((e) => (e as Error).message), ['b failed']);
  });
});
