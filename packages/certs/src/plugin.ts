import type { Plugin } from '@cms-doctor/core';

export const plugin: Plugin = { name: 'certs', checks: [], fixes: [], codes: [], recognisers: [] };
