/** Says plainly when the web page has lost its back end, so stale numbers are not mistaken for live ones. */
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store/store';

/** A banner while the connection to the back end is down or not yet up. */
export function ConnectionBanner() {
  const { connection, everConnected } = useApp(useShallow((s) => ({ connection: s.connection, everConnected: s.everConnected })));
  if (connection === 'open') return null;
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
