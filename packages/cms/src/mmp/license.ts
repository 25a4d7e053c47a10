import { CmsDoctorError } from '@cms-doctor/core';

export interface MmpLicenseFeature {
  name: string;
  status: string;
  expiry?: string;
  daysRemain?: number;
  line: number;
}
export interface MmpLicense {
  features: MmpLicenseFeature[];
}

const FEATURE = /^Feature:\s*(\S+)\s+status:\s*(\S+)(?:\s+expiry:\s*(\S+)(?:\s+\((-?\d+) days? remain(?:ing)?\))?)?\s*$/;

/** MMP `license`: `Feature: callbridge status: Activated expiry: 2017-Jul-09 (690 days remain)` lines. */
export function parseMmpLicense(text: string, firstLine = 1): MmpLicense {
  const features: MmpLicenseFeature[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    const m = FEATURE.exec(l.trim());
    if (!m) return;
    features.push({
      name: m[1]!,
      status: m[2]!,
      ...(m[3] ? { expiry: m[3] } : {}),
      ...(m[4] !== undefined ? { daysRemain: Number(m[4]) } : {}),
      line: firstLine + i,
    });
  });
  if (features.length === 0 && !/^\s*$/.test(text))
    throw new CmsDoctorError('CMSD_PARSE', 'MMP license: no "Feature: <name> status: <status>" line');
  return { features };
}
