/** The Network view (being built: see its issue). */

/** The Network tab's content. */
export function NetworkView() {
  return (
    <section className="card" data-testid="network-view">
      <h2>Network</h2>
      <p className="muted">Not available yet in this build.</p>
    </section>
  );
}
