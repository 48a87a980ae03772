/** The window's views, in tab order: reception is the default, each feature adds one entry. */

/** A view's stable name (also its data-testid suffix). */
export type ViewName = 'reception' | 'sessions' | 'import' | 'dns' | 'bonjour' | 'network';

/** Tabs as the user sees them. */
export const VIEWS: readonly { name: ViewName; label: string }[] = [
  { name: 'reception', label: 'Reception' },
  { name: 'sessions', label: 'Sessions' },
  { name: 'import', label: 'Import' },
  { name: 'dns', label: 'DNS' },
  { name: 'bonjour', label: 'Bonjour' },
  { name: 'network', label: 'Network' },
];
