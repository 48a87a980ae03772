/**
 * GET /sessions/<id>/capture.pcapng[?from=S&to=S]&token=T: a session's capture, whole or a time
 * range, as an attachment. The link carries the token because a download is a plain navigation.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GapscopeService } from '../../shared/contract';
import { GapscopeError } from '../../shared/errors';
import { writeCaptureRange } from '../capture/captureRange';
import { findSessionCapture, parseCaptureDownload } from '../sessions/captureDownload';
import { tokenMatches } from './access';
import { sendText } from './staticFiles';

/** Returns the handler of capture downloads for one back end and token. */
export function createCaptureDownloads(service: GapscopeService, token: string): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  return async (req, res, url) => {
    if (!tokenMatches(url.searchParams.get('token'), token)) {
      sendText(res, 403, 'Forbidden: this link needs the token of the current Gapscope window.');
      return;
    }
    const m = /^\/sessions\/([^/]*)\/capture\.pcapng$/.exec(url.pathname);
    if (!m) {
      sendText(res, 404, 'Not found: a session capture is at /sessions/<id>/capture.pcapng.');
      return;
    }
    let file;
    let range;
    try {
      let id: string;
      try {
        id = decodeURIComponent(m[1]!);
      } catch {
        throw new GapscopeError('invalid-argument', 'The session id is not valid URL encoding.');
      }
      const wanted = parseCaptureDownload(id, url.searchParams.get('from'), url.searchParams.get('to'));
      range = wanted.range;
      file = await findSessionCapture(service, wanted);
    } catch (e) {
      const err = e instanceof GapscopeError ? e : new GapscopeError('internal', `Cannot read the session: ${(e as Error).message}`);
      sendText(res, err.code === 'invalid-argument' ? 400 : err.code === 'not-found' ? 404 : err.code === 'permission-denied' ? 403 : 500, err.message);
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'application/vnd.tcpdump.pcap',
      'Content-Disposition': `attachment; filename="${file.downloadName}"`,
      ...(range ? {} : { 'Content-Length': file.bytes }),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (!range) {
      if (file.bytes === 0) res.end();
      else createReadStream(file.path, { end: file.bytes - 1 }).on('error', () => res.destroy()).pipe(res);
      return;
    }
    try {
      const r = file.record;
      const comment = `${r.name}: ${range.fromMs / 1000} s to ${range.toMs / 1000} s after its first packet (session ${r.id})`;
      await writeCaptureRange(file.path, range, res, r.app || 'Gapscope', comment);
      res.end();
    } catch {
      // The headers are gone: cutting the connection tells the browser the download failed.
      res.destroy();
    }
  };
}
