import type { Check, CodeInfo, Fix, Plugin, Recogniser } from '@cms-doctor/core';
import { mergeMeta } from './code-catalogue.js';

export interface Catalogue {
  checks: Check<unknown>[];
  fixes: Map<string, Fix>;
  codes: Map<string, CodeInfo>;
  recognisers: Recogniser[];
}

/** The order checks appear in reports: the order of this list, then each plugin's own order. */
const PLUGINS = ['dns', 'certs', 'turn', 'cms', 'trust', 'expressway', 'browser'] as const;

async function importPlugin(name: (typeof PLUGINS)[number]): Promise<Plugin> {
  // Literal specifiers so bundlers and tsc see every import. Each package's `light` entry is its
  // plugin as metadata: a check's code (and the libraries it needs) loads when the check first
  // runs, so `checks` loads none and `triage` only what its inputs need
  // (docs/decisions/lazy-loading.md). The package index still exports the full plugin.
  switch (name) {
    case 'dns':
      return (await import('@cms-doctor/dns/light')).plugin;
    case 'certs':
      return (await import('@cms-doctor/certs/light')).plugin;
    case 'turn':
      return (await import('@cms-doctor/turn/light')).plugin;
    case 'cms':
      return (await import('@cms-doctor/cms/light')).plugin;
    case 'trust':
      return (await import('@cms-doctor/trust/light')).plugin;
    case 'expressway':
      return (await import('@cms-doctor/expressway/light')).plugin;
    case 'browser':
      return (await import('@cms-doctor/browser/light')).plugin;
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
