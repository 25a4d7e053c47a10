import { describe, expect, it } from 'vitest';
import { parseHostPort } from './address.js';

describe('parseHostPort', () => {
  it('reads host, host:port and bracketed IPv6', () => {
    expect(parseHostPort('127.88.246.156')).toEqual({ host: '127.88.246.156', port: 443 });
    expect(parseHostPort('127.88.246.156:8443')).toEqual({ host: '127.88.246.156', port: 8443 });
    expect(parseHostPort('[::1]:444')).toEqual({ host: '::1', port: 444 });
    expect(parseHostPort('::1')).toEqual({ host: '::1', port: 443 });
    expect(() => parseHostPort('a:99999')).toThrow(/invalid port/);
  });
});
