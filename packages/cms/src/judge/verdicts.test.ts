import { describe, expect, it } from 'vitest';
import { parseMmpLicense } from '../mmp/license.js';
import { judgeLicenseStatus, judgeVersion } from './api.js';
import { judgeCmsVersion } from './version.js';

describe('CMS version rule (CONTRACT.md cms/version-unsupported)', () => {
  const X = 'X12.6.1';
  it.each([
    ['2.1.3', X, 'too-old'],
    ['2.1.3', undefined, 'too-old'],
    ['2.1.4', X, 'expressway-incompatible'],
    ['2.8.3', X, 'expressway-incompatible'],
    ['2.8.4', X, 'ok'],
    ['2.8.5', X, 'ok'],
    ['2.9.0', X, 'expressway-incompatible'],
    ['2.9.2', X, 'expressway-incompatible'],
    ['2.9.3', X, 'ok'],
    ['2.9.10', X, 'ok'],
    ['3.0', X, 'ok'],
    ['3.8.1', 'X14.0', 'ok'],
    ['2.9.2', 'X12.6', 'ok'],
    ['2.8.3', 'X12.5.9', 'ok'],
    ['2.9.1', undefined, 'check-expressway'],
    ['2.8.3', undefined, 'check-expressway'],
    ['2.8.4', undefined, 'ok'],
    ['2.9.3', undefined, 'ok'],
    ['garbage', X, 'unknown'],
  ])('CMS %s with Expressway %s: %s', (cms, edge, verdict) => {
    expect(judgeCmsVersion(cms, edge).verdict).toBe(verdict);
  });

  it('an unknown Expressway version is said, and is never a pass for an affected CMS', () => {
    const f = judgeVersion('cms/system-status', '2.9.1', '/api/v1/system/status', []);
    expect(f.status).toBe('info');
    expect(f.title).toMatch(/Expressway version is unknown/);
    const bad = judgeVersion('cms/system-status', '2.9.1', '/api/v1/system/status', [], 'X12.7');
    expect(bad).toMatchObject({ code: 'cms/version-unsupported', status: 'fail', fixes: ['cms-upgrade'] });
    expect(bad.title).toBe('This CMS version is not supported for proxy WebRTC here');
    expect(bad.detail).toMatch(/CSCvv01243/);
  });
});

describe('licence: expiry date against today, the capture date and the counter', () => {
  const now = new Date('2026-11-30T12:00:00Z');
  const judge = (line: string, captured?: Date) => {
    const [f] = parseMmpLicense(line).features;
    return judgeLicenseStatus('cms/mmp-license', f, 'MMP license', [], now, captured);
  };

  it('counter and date that agree, date ahead: pass', () => {
    expect(judge('Feature: callbridge status: Activated expiry: 2027-Nov-30 (365 days remain)').status).toBe('pass');
  });

  it('the document-shaped output (690 days remain) whose date is long past is never a pass', () => {
    const f = judge('Feature: callbridge status: Activated expiry: 2017-Jul-09 (690 days remain)');
    expect(f).toMatchObject({ code: 'cms/license-inactive', status: 'warn' });
    expect(f.detail).toMatch(/2017-Jul-09/);
    expect(f.detail).toMatch(/690 days remain/);
    expect(f.detail).toMatch(/today \(2026-11-30\)/);
  });

  it('a date in the past at the capture date is a fail', () => {
    const f = judge('Feature: callbridge status: Activated expiry: 2017-Jul-09', new Date('2018-01-01T00:00:00Z'));
    expect(f).toMatchObject({ code: 'cms/license-inactive', status: 'fail' });
    expect(f.detail).toMatch(/capture date 2018-01-01/);
  });

  it('counter and date disagreeing, date still ahead: a warning naming both', () => {
    const f = judge('Feature: callbridge status: Activated expiry: 2028-Jul-09 (690 days remain)');
    expect(f).toMatchObject({ code: 'cms/license-date-mismatch', status: 'warn', fixes: [] });
    expect(f.detail).toMatch(/690 days remain/);
    expect(f.detail).toMatch(/2028-Jul-09 is 587 days after today/);
    expect(f.detail).toMatch(/output is old, or the CMS clock was wrong/);
  });

  it('compared with the capture date when the file has one', () => {
    const f = judge('Feature: callbridge status: Activated expiry: 2017-Jul-09 (690 days remain)', new Date('2015-08-19T00:00:00Z'));
    expect(f.status).toBe('pass');
  });
});
