/**
 * What makes an HTTP answer positively the CMS web app (3.x, Web Bridge 3) or the Cisco Meeting
 * App for WebRTC (2.x, Web Bridge 2). Kept as data with the source of each marker, so a reviewer
 * can check every one against its source: docs/decisions/web-app-markers.md tells the story.
 *
 * Only the page title is used: no public capture of either page's markup (scripts, /static/
 * paths, meta tags) was found, so nothing else is known to be on them.
 */
export interface WebAppMarker {
  id: string;
  /** Which client the marker identifies. */
  product: 'CMS 3.x web app' | 'CMS 2.x Cisco Meeting App for WebRTC';
  /** True when the exact text was seen on real pages; false when it rests on a documented product name only. */
  observed: boolean;
  /** Where the marker comes from. */
  source: string;
  test: (title: string) => boolean;
}

export const WEB_APP_MARKERS: readonly WebAppMarker[] = [
  {
    id: 'title-cms-web-app',
    product: 'CMS 3.x web app',
    observed: true,
    source:
      'A public web-login fingerprint script (Python, in the search index used for this project) recognises CMS by ' +
      '`<title>Cisco Meeting Server web app</title>`; the name is Cisco\'s: "Cisco Meeting Server web app" ' +
      '(Cisco Meeting Server web app User Guide 3.2; CMS 3.1 and 3.2 Customization Guidelines).',
    test: (t) => /^cisco meeting server web app$/i.test(t.trim()),
  },
  {
    id: 'title-cisco-meeting-app',
    product: 'CMS 2.x Cisco Meeting App for WebRTC',
    observed: false,
    source:
      'Product name only: "Cisco Meeting App for WebRTC (Web Bridge 2)" (CMS 3.2 Customization Guidelines, which ' +
      'say it was removed in 3.0). No capture of the 2.x page was found; that its title carries the name is a guess.',
    test: (t) => /\bcisco meeting app\b/i.test(t),
  },
];

/** The markers a page title carries. */
export const webAppMarkersOf = (title: string | undefined): WebAppMarker[] =>
  title === undefined ? [] : WEB_APP_MARKERS.filter((m) => m.test(title));
