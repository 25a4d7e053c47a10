/**
 * The pages the emulated Expressway-E serves. The reference holds none of them
 * (see README.md): each is this lab's guess, kept minimal and labelled as such; the web app
 * pages carry the sourced markers of docs/decisions/web-app-markers.md.
 */

/**
 * Stands in for the CMS 3.x web app page. Its title is the one marker a public fingerprint has
 * seen on real web app pages (docs/decisions/web-app-markers.md); the body is this lab's guess,
 * not Cisco's markup.
 */
export const WEB_APP_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Cisco Meeting Server web app</title></head>
<body><!-- cms-doctor lab: imitation of the CMS 3.x web app page; only the title is sourced -->
<main><h1>Cisco Meeting Server web app</h1><button id="join">Join meeting</button><a href="/signin">Sign in</a></main>
</body></html>
`;

/**
 * Stands in for the CMS 2.x "Cisco Meeting App for WebRTC" page. Guessed: no capture of it was
 * found; the title carries the documented product name.
 */
export const WEB_APP_2X_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Cisco Meeting App</title></head>
<body><!-- cms-doctor lab: guessed imitation of the CMS 2.x WebRTC page, not Cisco's markup -->
<main><h1>Cisco Meeting App</h1><button id="join">Join call</button><a href="/signin">Sign in</a></main>
</body></html>
`;

/** What a guest sees when Expressway-C has the internal name as guest account client URI (guessed markup). */
export const BAD_REQUEST_PAGE = `<!DOCTYPE html>
<html><head><title>400 Bad Request</title></head>
<body><!-- cms-doctor lab: guessed; the document only names the symptom "Bad Request" -->
<h1>Bad Request</h1></body></html>
`;

/** The Expressway administration login when the admin port is still 443 (guessed markup). */
export const ADMIN_LOGIN_PAGE = `<!DOCTYPE html>
<html><head><title>Cisco Expressway-E - Login</title></head>
<body><!-- cms-doctor lab: guessed imitation of the Expressway administration login -->
<form method="post" action="/login"><h1>Cisco Expressway-E</h1>
<label>Username <input type="text" name="username"></label>
<label>Password <input type="password" name="password"></label>
<button type="submit">Log in</button></form>
</body></html>
`;
