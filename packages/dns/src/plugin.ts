import type { Plugin } from '@cms-doctor/core';

export const plugin: Plugin = { name: 'dns', checks: [], fixes: [], codes: [], recognisers: [] };
