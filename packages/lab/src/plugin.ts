import type { Plugin } from '@cms-doctor/core';

export const plugin: Plugin = { name: 'lab', checks: [], fixes: [], codes: [], recognisers: [] };
