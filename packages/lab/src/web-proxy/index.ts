export { startWebProxy, startWebBridge, looksLikeStun, type WebProxy, type WebProxyMode, type WebProxyOptions } from './server.js';
export { WEB_APP_PAGE, WEB_APP_2X_PAGE, BAD_REQUEST_PAGE, ADMIN_LOGIN_PAGE } from './pages.js';
