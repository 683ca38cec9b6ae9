// postgres.js's internal queue, as patched (patches/postgres+3.4.9.patch): the pool keeps its connections in these
// queues and moves each one between them on every query. Unpatched, a queue that was never emptied by shift() kept
// one hole per item ever shifted, and every remove() searched them all, so CPU per query grew with the uptime of a
// busy server (test/bench/pool.ts has the figures).
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';

interface Queue<T> {
  readonly length: number;
  push(x: T): T;
  shift(): T | undefined;
  remove(x: T): T | null;
}
// Not among the package's exports; the path is a variable so that TypeScript does not look for its types.
const queuePath = '../../node_modules/postgres/src/queue.js';
const { default: Queue } = (await import(/* @vite-ignore */ queuePath)) as { default: <T>(initial?: T[]) => Queue<T> };

type Op = { op: 'push' } | { op: 'shift' } | { op: 'remove'; pick: number };

describe("postgres.js's connection queue (patched)", () => {
  /** Runs `ops` on the queue and on a plain list side by side: the first step where they disagree, or null. */
  function againstList(ops: Op[]): string | null {
    const queue = Queue<number>();
    const model: number[] = [];
    const shifted: number[] = [];
    let next = 0;
    for (const [step, o] of ops.entries()) {
      let got: unknown;
      let want: unknown;
      if (o.op === 'push') {
        model.push(next);
        [got, want] = [queue.push(next), next++];
      } else if (o.op === 'shift') {
        want = model.shift();
        if (want !== undefined) shifted.push(want as number);
        got = queue.shift();
      } else {
        // Half the time an item that is there; otherwise one shifted before (the pool removes a connection it has
        // just taken from the front), or one never pushed.
        const x = o.pick % 2 === 0 && model.length ? model[o.pick % model.length]! : shifted.length && o.pick % 3 !== 0 ? shifted[o.pick % shifted.length]! : next + o.pick;
        const at = model.indexOf(x);
        if (at !== -1) model.splice(at, 1);
        [got, want] = [queue.remove(x), at === -1 ? null : x];
      }
      if (got !== want || queue.length !== model.length) return `step ${step} (${o.op}): ${String(got)} for ${String(want)}, length ${queue.length} for ${model.length}`;
    }
    return null;
  }

  test('behaves as a list: push at the end, shift from the front, remove from anywhere, in any order of the three', () => {
    // More pushes than shifts, so the queue is seldom empty and its holes pile up past the 1,024 that are dropped.
    const op = fc.oneof(
      { arbitrary: fc.constant<Op>({ op: 'push' }), weight: 3 },
      { arbitrary: fc.constant<Op>({ op: 'shift' }), weight: 2 },
      { arbitrary: fc.nat(40).map<Op>((pick) => ({ op: 'remove', pick })), weight: 1 }
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1_000, maxLength: 5_000, size: 'max' }), (ops) => {
        const disagreement = againstList(ops);
        if (disagreement) throw new Error(disagreement);
      }),
      // Shrinking thousands of steps takes minutes; the step where the two disagree is named instead.
      { numRuns: 200, endOnFailure: true }
    );
  });

  test('keeps its order when the holes at the front are dropped', () => {
    const ops: Op[] = [
      ...Array.from({ length: 1_500 }, () => ({ op: 'push' }) as const),
      ...Array.from({ length: 1_100 }, () => ({ op: 'shift' }) as const),
      ...[3, 8, 1, 2].map((pick) => ({ op: 'remove', pick }) as const),
      ...Array.from({ length: 400 }, () => ({ op: 'shift' }) as const)
    ];
    expect(againstList(ops)).toBeNull();
  });

  const realIndexOf = Array.prototype.indexOf;
  afterEach(() => {
    Array.prototype.indexOf = realIndexOf;
  });

  test("a busy pool's queue stays as short as its connections: remove() never searches the items shifted long ago", () => {
    // What postgres.js does with ten connections and more queries than they can take: a query takes the busy
    // connection at the front and puts it back at the end (shift, remove, push); a connection whose queries are done
    // leaves the busy queue from the middle (remove) and an idle one joins it (push). The busy queue is never empty.
    const busy = Queue<number>();
    const idle: number[] = [];
    for (let c = 0; c < 10; c++) busy.push(c);
    let widest = 0;
    Array.prototype.indexOf = function (this: unknown[], ...args: Parameters<typeof realIndexOf>) {
      widest = Math.max(widest, this.length - (args[1] ?? 0));
      return realIndexOf.apply(this, args);
    };
    let seed = 1;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let query = 0; query < 100_000; query++) {
      if (random() < 0.8 || busy.length < 3) {
        const c = idle.length && random() < 0.5 ? idle.shift()! : busy.shift()!;
        busy.remove(c);
        busy.push(c);
      } else {
        const c = query % 10;
        if (busy.remove(c) !== null) idle.push(c);
      }
    }
    Array.prototype.indexOf = realIndexOf;
    // At most the ten connections. Unpatched, the holes of every shift() since the queue was last empty: 60,594 here.
    expect(widest).toBeLessThanOrEqual(10);
    expect(busy.length + idle.length).toBe(10);
  });
});
