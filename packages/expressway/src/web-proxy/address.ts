/** `host`, `host:port`, `[v6]`, `[v6]:port` -> host and port (default 443). */
export function parseHostPort(text: string, defaultPort = 443): { host: string; port: number } {
  const t = text.trim();
  const v6 = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(t);
  if (v6) return { host: v6[1] ?? '', port: v6[2] ? Number(v6[2]) : defaultPort };
  const colons = t.split(':').length - 1;
  if (colons === 1) {
    const [host, port] = t.split(':');
    const n = Number(port);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`invalid port in "${text}"`);
    return { host: host ?? '', port: n };
  }
  // A bare IPv6 address has several colons and no port.
  return { host: t, port: defaultPort };
}
