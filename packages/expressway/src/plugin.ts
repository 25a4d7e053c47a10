import type { Plugin } from '@cms-doctor/core';

export const plugin: Plugin = { name: 'expressway', checks: [], fixes: [], codes: [], recognisers: [] };
