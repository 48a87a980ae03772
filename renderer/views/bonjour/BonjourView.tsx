/** The Bonjour view (being built: see its issue). */

/** The Bonjour tab's content. */
export function BonjourView() {
  return (
    <section className="card" data-testid="bonjour-view">
      <h2>Bonjour</h2>
      <p className="muted">Not available yet in this build.</p>
    </section>
  );
}
