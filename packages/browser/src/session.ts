import type { Browser } from 'playwright-core';
import { browserHome, launchChromium, type BrowserHome } from './chromium.js';

interface Session {
  browser: Browser;
  home: BrowserHome;
  refs: number;
}

/**
 * One Chromium for the checks of one run that want the same browser (executable, host rules,
 * CAs): the page and media checks start together, and a launch costs about a second on a busy
 * machine. The last check to release it closes it and removes its private HOME.
 */
const sessions = new Map<string, Promise<Session>>();

export interface SessionOptions {
  executable: string;
  hostRules: string;
  caFiles: readonly string[];
  timeoutMs: number;
  signal?: AbortSignal;
}

async function acquire(key: string, o: SessionOptions): Promise<Session> {
  let pending = sessions.get(key);
  if (!pending) {
    pending = (async () => {
      const home = await browserHome(o.caFiles, o.signal);
      try {
        const browser = await launchChromium({ executable: o.executable, hostRules: o.hostRules, home: home.home, timeoutMs: o.timeoutMs });
        return { browser, home, refs: 0 };
      } catch (e) {
        await home.dispose();
        throw e;
      }
    })();
    sessions.set(key, pending);
    pending.catch(() => sessions.delete(key));
  }
  const s = await pending;
  s.refs += 1;
  return s;
}

async function release(key: string, s: Session): Promise<void> {
  s.refs -= 1;
  if (s.refs > 0) return;
  sessions.delete(key);
  await s.browser.close().catch(() => undefined);
  await s.home.dispose();
}

/** Runs `use` with a shared browser and the number of --ca certificates it trusts. */
export async function withBrowser<T>(o: SessionOptions, use: (browser: Browser, caLoaded: number | undefined) => Promise<T>): Promise<T> {
  const key = JSON.stringify([o.executable, o.hostRules, o.caFiles]);
  const s = await acquire(key, o);
  try {
    return await use(s.browser, s.home.caLoaded);
  } finally {
    await release(key, s);
  }
}
