import type { LabRecord } from './dns-server/index.js';

/**
 * The document's deployment (Cisco, proxy WebRTC for CMS over Expressway, dual domain)
 * and its remapping onto loopback. Every address keeps its last three octets and gets
 * 127 as first octet, so 172.16.85.180 becomes 127.16.85.180 and the lab reads like the
 * document. Every 127.x address is local on Linux; nothing leaves the host.
 */
export const DOCUMENT = {
  external: 'cmsweb.octavio.com',
  externalDomain: 'octavio.com',
  internalDomain: 'cms.octavio.local',
  internalWebBridge: 'cmsweb.cms.octavio.local',
  cms: '172.16.85.180',
  expresswayC: '172.16.85.167',
  edgeLan1: '172.16.85.168',
  edgeLan2: '192.168.245.61',
  edgeNat: '10.88.246.156',
  internalDns: '172.16.85.162',
  turnUser: 'turnuser',
  turnPassword: 'cisco',
  turnRealm: 'turnuser',
  cmsUser: 'admin',
} as const;

/** 172.16.85.180 -> 127.16.85.180. */
export const remap = (ipv4: string): string => {
  const parts = ipv4.split('.');
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${ipv4}`);
  return ['127', ...parts.slice(1)].join('.');
};

/** The public resolver is not in the document; the lab puts it beside the edge's public address. */
export const EXTERNAL_DNS_HOST = '127.88.246.53';

export const LAB = {
  cms: remap(DOCUMENT.cms),
  edgeLan1: remap(DOCUMENT.edgeLan1),
  edgeLan2: remap(DOCUMENT.edgeLan2),
  edgeNat: remap(DOCUMENT.edgeNat),
  internalDns: remap(DOCUMENT.internalDns),
  externalDns: EXTERNAL_DNS_HOST,
} as const;

/** Internal (Active Directory) view of the document, remapped. */
export function internalRecords(): LabRecord[] {
  const d = DOCUMENT;
  return [
    { name: d.external, type: 'A', value: LAB.cms },
    { name: `vcse.${d.externalDomain}`, type: 'A', value: LAB.edgeLan1 },
    { name: d.internalWebBridge, type: 'A', value: LAB.cms },
    { name: `admin.${d.internalDomain}`, type: 'A', value: LAB.cms },
    { name: `xmpp.${d.internalDomain}`, type: 'A', value: LAB.cms },
    { name: `vcsc.octavio.local`, type: 'A', value: remap(d.expresswayC) },
    {
      name: `_xmpp-client._tcp.${d.internalDomain}`,
      type: 'SRV',
      priority: 10,
      weight: 10,
      port: 5222,
      target: `xmpp.${d.internalDomain}`,
    },
    // The document shows 5209 here, a typo for the standard 5269: the healthy lab uses 5269,
    // the scenario `xmpp-server-srv-typo` keeps the document's value.
    {
      name: `_xmpp-server._tcp.${d.internalDomain}`,
      type: 'SRV',
      priority: 10,
      weight: 10,
      port: 5269,
      target: `xmpp.${d.internalDomain}`,
    },
  ];
}

/** External (public) view of the document, remapped. */
export function externalRecords(): LabRecord[] {
  return [
    { name: DOCUMENT.external, type: 'A', value: LAB.edgeNat },
    { name: `vcse.${DOCUMENT.externalDomain}`, type: 'A', value: LAB.edgeNat },
  ];
}

/** The SANs the document lists for the Expressway-E certificate. */
export const EDGE_SANS = [
  'vcse.octavio.com',
  'vcsc.octavio.local',
  'cmsweb.octavio.com',
  'cmsweb.octavio.local',
  'octavio.local',
  'cms.octavio.local',
  'octavio.com',
];
