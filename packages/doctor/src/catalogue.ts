import type { Check, CodeInfo, Fix, Plugin, Recogniser } from '@cms-doctor/core';
import { mergeMeta } from './code-catalogue.js';

export interface Catalogue {
  checks: Check<unknown>[];
  fixes: Map<string, Fix>;
  codes: Map<string, CodeInfo>;
  recognisers: Recogniser[];
}

/** The order checks appear in reports: the order of this list, then each plugin's own order. */
const PLUGINS = ['dns', 'certs', 'turn', 'cms', 'trust', 'expressway'] as const;

async function importPlugin(name: (typeof PLUGINS)[number]): Promise<Plugin> {
  // Literal specifiers so bundlers and tsc see every import; loaded lazily to keep --help fast.
  switch (name) {
    case 'dns':
      return (await import('@cms-doctor/dns')).plugin;
    case 'certs':
      return (await import('@cms-doctor/certs')).plugin;
    case 'turn':
      return (await import('@cms-doctor/turn')).plugin;
    case 'cms':
      return (await import('@cms-doctor/cms')).plugin;
    case 'trust':
      return (await import('@cms-doctor/trust')).plugin;
    case 'expressway':
      return (await import('@cms-doctor/expressway')).plugin;
  }
}

export function mergePlugins(plugins: readonly Plugin[]): Catalogue {
  const { fixes, codes } = mergeMeta(plugins.map((p) => ({ codes: p.codes ?? [], fixes: p.fixes ?? [] })));
  const checks = plugins.flatMap((p) => p.checks);
  const recognisers = plugins.flatMap((p) => p.recognisers ?? []);
  // Stable sort: higher priority first, registration order otherwise.
  recognisers.sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0));
  return { checks, fixes, codes, recognisers };
}

let cached: Promise<Catalogue> | undefined;
export function loadCatalogue(): Promise<Catalogue> {
  cached ??= Promise.all(PLUGINS.map(importPlugin)).then(mergePlugins);
  return cached;
}
