/**
 * The in-page part of the media check, run by Chromium's own WebRTC stack in about:blank (no
 * network besides the TURN server). Per transport, two RTCPeerConnections that may use only
 * relay candidates (`iceTransportPolicy: 'relay'`) connect through the TURN server, open an
 * unreliable, unordered data channel, and exchange pings, in the manner of STUNner's icetest:
 * N pings, each answered or lost, round-trip times measured by the sender.
 *
 * It is a string, not a function of this module: the package builds without the DOM library,
 * and the browser runs exactly this text. The credentials arrive as the evaluate argument,
 * never inside the text.
 */
export interface IceArgs {
  transports: { transport: 'udp' | 'tcp' | 'tls'; url: string }[];
  username: string;
  credential: string;
  gatherMs: number;
  connectMs: number;
  pings: number;
  pingTimeoutMs: number;
}

export interface IceTransportResult {
  transport: 'udp' | 'tcp' | 'tls';
  url: string;
  /** Relay candidates of the offering peer: `ip:port` as the TURN server allocated them. */
  relays: string[];
  /** onicecandidateerror events: STUN error code (or 701: no answer / no connection) and text. */
  errors: { code: number; text: string }[];
  gatheringComplete: boolean;
  channelOpen: boolean;
  sent: number;
  rttsMs: number[];
  /** Milliseconds from the offer to the first relay candidate and to the open data channel. */
  firstRelayMs?: number;
  openMs?: number;
  /** The nominated pair's local and remote candidate types, from getStats. */
  pair?: { local: string; remote: string; relayProtocol?: string };
}

export const ICE_PAGE_BODY = String.raw`
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function one(t) {
  const cfg = { iceServers: [{ urls: [t.url], username: args.username, credential: args.credential }], iceTransportPolicy: 'relay' };
  const a = new RTCPeerConnection(cfg);
  const b = new RTCPeerConnection(cfg);
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  const out = { transport: t.transport, url: t.url, relays: [], errors: [], gatheringComplete: false, channelOpen: false, sent: 0, rttsMs: [] };
  let gathered, relayed;
  const done = new Promise((r) => (gathered = r));
  const firstRelay = new Promise((r) => (relayed = r));
  a.onicecandidate = (e) => {
    if (!e.candidate) { out.gatheringComplete = true; gathered(); return; }
    const c = e.candidate;
    if (c.type === 'relay' && out.firstRelayMs === undefined) out.firstRelayMs = ms();
    if (c.type === 'relay') { out.relays.push((c.address || '') + ':' + (c.port || '')); relayed(); }
    b.addIceCandidate(c).catch(() => undefined);
  };
  b.onicecandidate = (e) => { if (e.candidate) a.addIceCandidate(e.candidate).catch(() => undefined); };
  a.onicecandidateerror = (e) => out.errors.push({ code: e.errorCode, text: String(e.errorText || '') });
  const dc = a.createDataChannel('icetest', { ordered: false, maxRetransmits: 0 });
  const open = new Promise((r) => (dc.onopen = () => r(true)));
  b.ondatachannel = (e) => { e.channel.onmessage = (m) => { try { e.channel.send(m.data); } catch {} }; };
  try {
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription);
    // The first relay candidate (or the end of gathering) ends the wait for relays; then the channel has connectMs to open.
    await Promise.race([firstRelay, done, sleep(args.gatherMs)]);
    if (out.relays.length > 0) out.channelOpen = await Promise.race([open, sleep(args.connectMs).then(() => false)]);
    if (out.channelOpen) {
      out.openMs = ms();
      const waiting = new Map();
      dc.onmessage = (m) => { const w = waiting.get(String(m.data)); if (w) w(); };
      for (let i = 0; i < args.pings; i++) {
        const id = 'ping-' + i;
        const t0 = performance.now();
        const got = new Promise((r) => { waiting.set(id, () => r(true)); setTimeout(() => r(false), args.pingTimeoutMs); });
        try { dc.send(id); out.sent++; } catch { break; }
        if (await got) out.rttsMs.push(Math.round((performance.now() - t0) * 100) / 100);
        waiting.delete(id);
      }
      const stats = await a.getStats();
      stats.forEach((s) => {
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
          const l = stats.get(s.localCandidateId), r = stats.get(s.remoteCandidateId);
          out.pair = { local: l ? l.candidateType : '?', remote: r ? r.candidateType : '?', relayProtocol: l ? l.relayProtocol : undefined };
        }
      });
    }
  } finally {
    a.close();
    b.close();
  }
  return out;
}
return Promise.all(args.transports.map(one));
`;
