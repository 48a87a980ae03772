/** Says plainly when the web page has lost its back end, so stale numbers are not mistaken for live ones. */
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store/store';

/** A banner while the connection to the back end is down or not yet up, with the back end's own reason when it gave one. */
export function ConnectionBanner() {
  const { connection, everConnected, detail } = useApp(useShallow((s) => ({ connection: s.connection, everConnected: s.everConnected, detail: s.connectionDetail })));
  if (connection === 'open') return null;
  const retry = detail.retryInS !== null ? `This page tries again in ${detail.retryInS} s.` : 'Trying again…';
  if (detail.reason) {
    // E.g. the server is at its --max-clients: what happened and what to do, in the server's words.
    return (
      <div className="banner bad" role="alert" data-testid="connection-banner" data-state={connection} data-reason="server">
        <strong>The Gapscope back end closed the connection:</strong> <span data-testid="connection-reason">{detail.reason}</span> {retry}
      </div>
    );
  }
  if (!everConnected && detail.failures > 0) {
    // Refused without a reason a page can read (wrong token, another origin) or nothing listening.
    return (
      <div className="banner bad" role="alert" data-testid="connection-banner" data-state={connection} data-reason="unreachable">
        <strong>Gapscope&apos;s back end does not answer this page.</strong> Open the address <code>gapscope serve</code> printed (it carries the token), and check that it still runs. {retry}
      </div>
    );
  }
  if (!everConnected) {
    return (
      <div className="banner info" role="status" data-testid="connection-banner" data-state={connection}>
        Connecting to the Gapscope back end…
      </div>
    );
  }
  return (
    <div className="banner bad" role="alert" data-testid="connection-banner" data-state={connection}>
      <strong>Connection to the Gapscope back end lost.</strong> Reconnecting… The numbers below are as they were at the drop; streams may still be running on the back end.
    </div>
  );
}
