import type { Plugin } from '@cms-doctor/core';

export const plugin: Plugin = { name: 'cms', checks: [], fixes: [], codes: [], recognisers: [] };
