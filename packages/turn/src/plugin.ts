import type { Plugin } from '@cms-doctor/core';

export const plugin: Plugin = { name: 'turn', checks: [], fixes: [], codes: [], recognisers: [] };
