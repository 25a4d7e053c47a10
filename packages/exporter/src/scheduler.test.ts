import { describe, expect, it } from 'vitest';
import { ProbeScheduler, QueueDeadlineError } from './scheduler.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ProbeScheduler', () => {
  it('runs at most `limit` jobs at once', async () => {
    const s = new ProbeScheduler<number>(3);
    let running = 0;
    let peak = 0;
    const job = (i: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(10);
      running--;
      return i;
    };
    const all = Array.from({ length: 20 }, (_, i) => s.run(`k${i}`, AbortSignal.timeout(5000), job(i)).promise);
    expect(await Promise.all(all)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
    expect(s.active).toBe(0);
    expect(s.keys).toBe(0);
  });

  it('joins a job of the same key in flight instead of starting it twice; nothing is kept afterwards', async () => {
    const s = new ProbeScheduler<number>(2);
    let calls = 0;
    const job = async () => {
      calls++;
      await sleep(20);
      return calls;
    };
    const a = s.run('t', AbortSignal.timeout(5000), job);
    const b = s.run('t', AbortSignal.timeout(5000), job);
    expect([a.joined, b.joined]).toEqual([false, true]);
    expect(await Promise.all([a.promise, b.promise])).toEqual([1, 1]);
    const c = s.run('t', AbortSignal.timeout(5000), job);
    expect(c.joined).toBe(false);
    expect(await c.promise).toBe(2);
  });

  it('a waiter whose deadline passes leaves the queue without running', async () => {
    const s = new ProbeScheduler<number>(1);
    let ran = false;
    const long = s.run('a', AbortSignal.timeout(5000), async () => {
      await sleep(100);
      return 1;
    });
    const late = s.run('b', AbortSignal.timeout(20), async () => {
      ran = true;
      return 2;
    });
    await expect(late.promise).rejects.toBeInstanceOf(QueueDeadlineError);
    expect(s.waiting).toBe(0);
    await long.promise;
    expect(ran).toBe(false);
  });
});
