import { app, session, type WebContents } from 'electron';
import { contentSecurityPolicy } from '../host';

/**
 * Hospital-grade defaults: no navigation away from the app, no new windows, no permissions, no
 * network at all from the renderer (only the app's own file:// bundle and devtools).
 */
export function lockDown(isAppUrl: (url: string) => boolean): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (e, url) => {
      if (!isAppUrl(url)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAppUrl(details.url) || details.url.startsWith('devtools://');
    callback({ cancel: !allowed });
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        // Port 0: the Electron page has no loopback WebSocket to reach.
        'Content-Security-Policy': [contentSecurityPolicy(0).replace(/ ws:\/\/\S+/g, '')],
      },
    });
  });
}
