/** The Sessions view (being built: see its issue). */

/** The Sessions tab's content. */
export function SessionsView() {
  return (
    <section className="card" data-testid="sessions-view">
      <h2>Sessions</h2>
      <p className="muted">Not available yet in this build.</p>
    </section>
  );
}
