// The turn package's file recognisers, apart from the checks: triage runs every recogniser on
// every input, so this module imports no analyser (docs/decisions/lazy-loading.md).
import type { Recogniser } from '@cms-doctor/core';
import { captureFormat } from '../capture/pcap-reader.js';
import { looksLikePacketList } from '../capture/packet-list-text.js';
import { looksLikeDissection } from '../capture/packet-dissection-text.js';

/** pcap and pcapng by magic number (nDPI ships pcapng files named .pcap). */
export const captureRecognisers: Recogniser[] = [
  {
    kind: 'pcap',
    area: 'turn',
    description: 'libpcap capture (µs or ns, either byte order)',
    priority: 10,
    recognise: (head) => captureFormat(head) === 'pcap',
  },
  { kind: 'pcapng', area: 'turn', description: 'pcapng capture', priority: 10, recognise: (head) => captureFormat(head) === 'pcapng' },
];

export const packetListRecogniser: Recogniser = {
  kind: 'stun-packet-list',
  area: 'turn',
  description: 'Wireshark/tshark packet list or packet details (tshark -V, Export Packet Dissections) as text, with STUN',
  priority: 5,
  recognise: (head) => {
    const text = Buffer.from(head).toString('utf8');
    return !text.includes('\u0000') && (looksLikePacketList(text) || looksLikeDissection(text));
  },
};
