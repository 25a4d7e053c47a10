/**
 * The MMP status screens the lab's CMS shows, from the source document's own MMP output
 * (fixtures/cms/mmp/doc-*.txt: `callbridge`, `webbridge`, `xmpp`, `xmpp multi_domain list`,
 * `license`), with the lab's licence date (the document's expired in 2017) and a scenario's
 * overrides. Commands the document does not show answer as an unknown command would.
 */
export const DOCUMENT_SCREENS: Readonly<Record<string, string>> = {
  callbridge: `Listening interfaces : a
Preferred interface : none
Key file             : callbridge.key
Certificate file     : callbridge.cer
Address              : none
CA Bundle file      : root.cer
`,
  webbridge: `Enabled              : true
Interface whitelist : a:443
Key file             : webbridge.key
Certificate file     : webbridge.cer
CA Bundle file      : root.cer
Trust bundle        : callbridge.cer
HTTP redirect       : Enabled
Clickonce URL       : none
MSI download URL    : none
DMG download URL    : none
iOS download URL    : none
`,
  xmpp: `Enabled              : true
Clustered            : false
Domain               : cms.octavio.local
Listening interfaces : a
Key file             : xmpp.key
Certificate file     : xmpp.cer
CA Bundle file      : root.cer
Max sessions per user : unlimited
STATUS               : XMPP server running
`,
  'xmpp multi_domain list': `***
Domain               : octavio.com
Key file             : xmppmu.key
Certificate file     : xmppmu.cer
Bundle file         : root.cer
`,
  // The files the screens above name, in the layout of TAC 217320's `pki list` (guessed for this host).
  'pki list': `User supplied certificates and keys:
callbridge.key
callbridge.cer
webbridge.key
webbridge.cer
xmpp.key
xmpp.cer
xmppmu.key
xmppmu.cer
root.cer
`,
  // The lab CMS API reports the same licence (expiry 2030-Aug-08).
  license: 'Feature: callbridge status: Activated expiry: 2030-Aug-08\n',
};

/** A pasted MMP transcript (`host> command` lines) as screens by command. */
export function screensOfTranscript(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let command: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const prompt = /^[A-Za-z0-9][A-Za-z0-9._-]*> ?(.*)$/.exec(line);
    if (prompt) {
      command = prompt[1]?.trim() || undefined;
      if (command) out[command] = '';
    } else if (command) out[command] += `${line}\n`;
  }
  return out;
}
