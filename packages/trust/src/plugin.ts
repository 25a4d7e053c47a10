import type { Plugin } from '@cms-doctor/core';

export const plugin: Plugin = { name: 'trust', checks: [], fixes: [], codes: [], recognisers: [] };
