import { describe, expect, it } from 'vitest';
import { defineCheck, type Check } from './check.js';
import { runChecks } from './runner.js';
import { Secret } from './secret.js';
import { memoryFile } from './memory-file.js';
import { linkSignals } from './deadline.js';

const pass = (id: string, extra: Partial<Check> = {}): Check =>
  defineCheck({
    id,
    title: id,
    area: 'dns',
    modes: ['live'],
    needs: [],
    run: async () => [{ code: id.replace('.', '/'), status: 'pass', title: 'ok' }],
    ...extra,
  });

describe('linkSignals', () => {
  it('aborts with the first reason and unlinks on release, so the sources keep no listener', () => {
    const a = new AbortController();
    const b = new AbortController();
    const { signal, release } = linkSignals(a.signal, b.signal, undefined);
    b.abort('b went first');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('b went first');
    const c = new AbortController();
    const linked = linkSignals(c.signal, new AbortController().signal);
    linked.release();
    c.abort('late');
    expect(linked.signal.aborted).toBe(false);
    release();
  });
});

describe('runChecks', () => {
  it('hands what a live collector gathered to the checks after it, as triage inputs', async () => {
    const collector = pass('cms.collect', {
      run: async () => ({ findings: [], files: [memoryFile('mmp://cms/webbridge', 'cms-mmp-transcript', 'cms> webbridge\n')] }),
    });
    const judge = pass('cms.judge', {
      after: ['cms.collect'],
      needs: ['file:cms-mmp-transcript'],
      run: async (ctx) => [{ code: 'cms/judge', status: 'pass', title: await ctx.files('cms-mmp-transcript')[0]!.text() }],
    });
    const early = pass('cms.early', { needs: ['file:cms-mmp-transcript'] });
    const { findings } = await runChecks([collector, judge, early], { target: {}, mode: 'live' });
    expect(findings.map((f) => [f.check, f.status, f.title])).toEqual([
      ['cms.judge', 'pass', 'cms> webbridge\n'],
      ['cms.early', 'skip', 'cms.early: skipped'],
    ]);
  });

  it('turns a throwing check into one error finding and runs the others', async () => {
    const boom = pass('dns.boom', {
      run: async () => {
        throw new Error('kaboom');
      },
    });
    const { findings, checks } = await runChecks([boom, pass('dns.fine')], { target: {}, mode: 'live' });
    expect(findings.map((f) => [f.check, f.status, f.code])).toEqual([
      ['dns.boom', 'error', 'dns/check-error'],
      ['dns.fine', 'pass', 'dns/fine'],
    ]);
    expect(findings[0]?.detail).toContain('kaboom');
    expect(checks.map((c) => c.status)).toEqual(['error', 'pass']);
  });

  it('ends a check that ignores its signal at its deadline', async () => {
    const hang = pass('dns.hang', { timeoutMs: 50, run: () => new Promise(() => undefined) });
    const { findings } = await runChecks([hang, pass('dns.fine')], { target: {}, mode: 'live' });
    expect(findings[0]).toMatchObject({ status: 'error', code: 'dns/check-error' });
    expect(findings[0]?.detail).toMatch(/no decision within [0-9.]+ s/);
    expect(findings[1]?.status).toBe('pass');
  });

  it('aborts the signal it hands a check at the deadline', async () => {
    let aborted = false;
    const polite = pass('dns.polite', {
      timeoutMs: 30,
      run: (ctx) =>
        new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            reject(ctx.signal.reason);
          }),
        ),
    });
    await runChecks([polite], { target: {}, mode: 'live' });
    expect(aborted).toBe(true);
  });

  it('runs 50 independent checks concurrently and reports them in catalogue order', async () => {
    let inFlight = 0;
    let peak = 0;
    const checks = Array.from({ length: 50 }, (_, i) =>
      pass(`dns.c${i}`, {
        run: async () => {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          // Later checks finish first, so completion order is the reverse of catalogue order.
          await new Promise((r) => setTimeout(r, 100 - i));
          inFlight -= 1;
          return [{ code: `dns/c${i}`, status: 'pass', title: 'ok' }];
        },
      }),
    );
    const { findings } = await runChecks(checks, { target: {}, mode: 'live' });
    expect(peak).toBe(50);
    expect(findings.map((f) => f.check)).toEqual(checks.map((c) => c.id));
  });

  it('starts a check after the checks it depends on and hands it their data', async () => {
    const order: string[] = [];
    const producer = defineCheck({
      id: 'dns.producer',
      title: 'p',
      area: 'dns',
      modes: ['live'],
      needs: [],
      run: async () => {
        await new Promise((r) => setTimeout(r, 20));
        order.push('producer');
        return { findings: [], data: { addresses: ['127.0.0.1'] } };
      },
    });
    const consumer = defineCheck({
      id: 'cert.consumer',
      title: 'c',
      area: 'cert',
      modes: ['live'],
      needs: [],
      after: ['dns.producer'],
      run: async (ctx) => {
        order.push('consumer');
        return [{ code: 'cert/consumer', status: 'info', title: String(ctx.get<{ addresses: string[] }>('dns.producer')?.addresses) }];
      },
    });
    const { findings } = await runChecks([consumer, producer], { target: {}, mode: 'live' });
    expect(order).toEqual(['producer', 'consumer']);
    expect(findings[0]?.title).toBe('127.0.0.1');
  });

  it('survives a dependency cycle', async () => {
    const a = pass('dns.a', { after: ['dns.b'] });
    const b = pass('dns.b', { after: ['dns.a'] });
    const { findings } = await runChecks([a, b], { target: {}, mode: 'live' });
    expect(findings).toHaveLength(2);
  });

  it('skips a check whose inputs are missing and names them, every alternative of a needsAny', async () => {
    const needy = pass('turn.allocate', { needs: ['turnPassword'], needsAny: [['turn'], ['edge']] });
    const { findings } = await runChecks([needy], { target: {}, mode: 'live' });
    expect(findings[0]).toMatchObject({ status: 'skip', code: 'turn/allocate', needs: ['turnPassword', 'turn|edge'] });
  });

  it('runs only the checks of the mode', async () => {
    const offline = pass('dns.offline', { modes: ['offline'] });
    const { findings } = await runChecks([offline, pass('dns.live')], { target: {}, mode: 'live' });
    expect(findings.map((f) => f.check)).toEqual(['dns.live']);
  });

  it('removes secrets from evidence by field name', async () => {
    const leaky = pass('turn.leaky', {
      run: async () => [
        {
          code: 'turn/leaky',
          status: 'info',
          title: 'cisco is a word',
          evidence: [{ kind: 'x', password: 'cisco', key: 'abc', nested: { secret: new Secret('s3') }, user: 'turnuser' }],
        },
      ],
    });
    const { findings } = await runChecks([leaky], { target: {}, mode: 'live' });
    const json = JSON.stringify(findings);
    expect(json).not.toContain('abc');
    expect(json).not.toContain('s3');
    // Redaction is by field: the same word in text is left alone.
    expect(findings[0]?.title).toBe('cisco is a word');
    expect(findings[0]?.evidence[0]).toMatchObject({ password: '[redacted]', user: 'turnuser' });
  });

  it('stops starting checks once the run is cancelled', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const { findings } = await runChecks([pass('dns.late')], { target: {}, mode: 'live', signal: ctl.signal });
    expect(findings[0]).toMatchObject({ status: 'error', code: 'triage/run-deadline' });
  });
});

describe('run budget', () => {
  it('ends a stalled check early enough for the checks that wait on it', async () => {
    const stalled = pass('dns.root', { run: () => new Promise(() => undefined) });
    const waiter = pass('cert.leaf', {
      after: ['dns.root'],
      run: async (ctx) => [{ code: 'cert/leaf', status: 'pass', title: `had ${ctx.deadline - Date.now() > 300 ? 'time' : 'no time'}` }],
    });
    const t0 = Date.now();
    const { findings } = await runChecks([stalled, waiter], { target: {}, mode: 'live', budgetMs: 1000 });
    expect(findings[0]).toMatchObject({ status: 'error', code: 'dns/check-error' });
    expect(findings[1]).toMatchObject({ status: 'pass', title: 'had time' });
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('keeps back at most levelReserveMs per level: a slow prerequisite may use the rest of the budget', async () => {
    // A parser that needs 70% of the budget (a loaded machine), and a cheap dependent.
    const slow = pass('dns.parse', {
      run: async (ctx) => {
        await new Promise((r) => setTimeout(r, 700));
        return [{ code: 'dns/parse', status: 'pass', title: `done, ${ctx.signal.aborted ? 'aborted' : 'in time'}` }];
      },
    });
    const combine = pass('cert.combine', { after: ['dns.parse'] });
    const equalShare = await runChecks([slow, combine], { target: {}, mode: 'live', budgetMs: 1000 });
    expect(equalShare.findings[0]).toMatchObject({ status: 'error', code: 'dns/check-error' });
    const capped = await runChecks([slow, combine], { target: {}, mode: 'live', budgetMs: 1000, levelReserveMs: 200 });
    expect(capped.findings.map((f) => f.status)).toEqual(['pass', 'pass']);
  });

  it('counts the levels of checks waiting on each check', async () => {
    const { dependentLevels } = await import('./runner.js');
    const levels = dependentLevels([
      pass('dns.a'),
      pass('cert.b', { after: ['dns.a'] }),
      pass('turn.c', { after: ['cert.b', 'dns.a'] }),
      pass('cms.d'),
    ]);
    expect(Object.fromEntries(levels)).toEqual({ 'dns.a': 3, 'cert.b': 2, 'turn.c': 1, 'cms.d': 1 });
  });
});
