import { describe, expect, it } from 'vitest';
import { inTurn, takeWritesInTurn, WriteBusy } from '../../src/db/writeTurns.js';

/** A write that lasts until it is told to finish. */
function heldWrite() {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const started = { value: false };
  return { run: async () => ((started.value = true), await finished, 'held'), finish, started };
}

describe('write turns', () => {
  it('runs the writes of one handle one at a time, in the order they asked', async () => {
    const handle = {};
    takeWritesInTurn(handle, { waitMs: 0 });
    const first = heldWrite();
    const order: string[] = [];
    const running = inTurn(handle, first.run);
    const second = inTurn(handle, async () => (order.push('second'), 'second'));
    const third = inTurn(handle, async () => (order.push('third'), 'third'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(first.started.value).toBe(true);
    expect(order).toEqual([]); // waiting for the first, which holds the turn
    first.finish();
    expect(await Promise.all([running, second, third])).toEqual(['held', 'second', 'third']);
    expect(order).toEqual(['second', 'third']);
  });

  it('refuses a write that waited its whole allowance, and the next ones still keep the order', async () => {
    const handle = {};
    takeWritesInTurn(handle, { waitMs: 20 });
    const first = heldWrite();
    const running = inTurn(handle, first.run);
    await expect(inTurn(handle, async () => 'never')).rejects.toBeInstanceOf(WriteBusy);
    // Asked while the first still holds the turn: it waits for the first, not for the one refused.
    const later = inTurn(handle, async () => 'later');
    first.finish();
    expect(await running).toBe('held');
    expect(await later).toBe('later');
  });

  it('a failed write hands the turn on', async () => {
    const handle = {};
    takeWritesInTurn(handle, { waitMs: 0 });
    const failing = inTurn(handle, async () => {
      throw new Error('rolled back');
    });
    await expect(failing).rejects.toThrow('rolled back');
    expect(await inTurn(handle, async () => 'next')).toBe('next');
  });

  it('runs as many at once as the limit, and hands a turn that ends to the first waiting', async () => {
    const handle = {};
    takeWritesInTurn(handle, { waitMs: 0, limit: 2 });
    const [first, second] = [heldWrite(), heldWrite()];
    const running = [inTurn(handle, first.run), inTurn(handle, second.run)];
    let thirdRan = false;
    const third = inTurn(handle, async () => ((thirdRan = true), 'third'));
    await new Promise((resolve) => setImmediate(resolve));
    expect([first.started.value, second.started.value, thirdRan]).toEqual([true, true, false]);
    second.finish();
    expect(await third).toBe('third');
    first.finish();
    expect(await Promise.all(running)).toEqual(['held', 'held']);
  });

  it('a handle that takes no turns runs its writes at once', async () => {
    const first = heldWrite();
    const running = inTurn({}, first.run);
    expect(await inTurn({}, async () => 'at once')).toBe('at once');
    first.finish();
    await running;
  });
});
