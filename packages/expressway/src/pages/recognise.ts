import type { Recogniser } from '@cms-doctor/core';
import { PAGE_MARKERS } from './parse.js';

export const EXPRESSWAY_PAGE = 'expressway-page';

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Text copied from Expressway web pages: decided by the phrases those pages carry. */
export const expresswayPageRecogniser: Recogniser = {
  kind: EXPRESSWAY_PAGE,
  area: 'expressway',
  description: 'Text copied from Expressway web pages (Cisco Meeting Server, TURN, option keys, domains, SSH tunnels)',
  priority: 10,
  recognise(head) {
    // Binary files (captures, DER) have NUL bytes early; they are never page text.
    if (head.subarray(0, 512).includes(0)) return false;
    const text = decoder.decode(head);
    // Expressway diagnostic logs mention these labels inside key="value" records; they are logs, not pages.
    if (/\btvcs:|UTCTime="/.test(text)) return false;
    // Copied pages are tab-separated (or carry form widgets); prose or Markdown that merely
    // names a label, like a README, is not a page.
    const markers = PAGE_MARKERS.filter((m) => m.test(text)).length;
    if (/\t|<input/.test(text)) return markers >= 1;
    return markers >= 2 && /^[A-Z][A-Za-z ]+:\s+\S/m.test(text) && !/^#|^\|/m.test(text);
  },
};
