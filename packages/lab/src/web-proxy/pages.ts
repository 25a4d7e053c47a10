/**
 * The pages the emulated Expressway-E serves. The reference holds none of them
 * (see README.md): each is this lab's guess, kept minimal and labelled as such.
 */

/** Stands in for the CMS web bridge (WebRTC client) page. */
export const WEB_APP_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Cisco Meeting App</title></head>
<body><!-- cms-doctor lab: imitation of the CMS web bridge page, not Cisco's markup -->
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
