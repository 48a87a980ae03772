/** The DNS view (being built: see its issue). */

/** The DNS tab's content. */
export function DnsView() {
  return (
    <section className="card" data-testid="dns-view">
      <h2>DNS</h2>
      <p className="muted">Not available yet in this build.</p>
    </section>
  );
}
