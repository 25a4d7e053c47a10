import type { Report } from '@cms-doctor/core';

export const renderJson = (report: Report | Report[]): string => JSON.stringify(report, null, 2) + '\n';
