/** The Grafana dashboard's file and its queries, for the tests that check it (unit and lab). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The dashboard file, as Grafana imports it. */
export const DASHBOARD_PATH = join(__dirname, '..', '..', '..', 'docs', 'grafana', 'gapscope.json');

/** A panel's query. */
export interface Target {
  expr: string;
  refId: string;
  datasource: { type: string; uid: string };
}
/** A panel as the tests read it. */
export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
}
/** The dashboard as the tests read it. */
export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string | { query: string } }[] };
  annotations: { list: { name: string; expr?: string }[] };
}

/** Every PromQL expression in the dashboard: panels, annotations, variable queries. */
export function dashboardQueries(d: Dashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const p of d.panels) for (const t of p.targets ?? []) out.push({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr });
  for (const a of d.annotations.list) if (a.expr) out.push({ where: `annotation "${a.name}"`, expr: a.expr });
  for (const v of d.templating.list) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : v.query.query;
    // label_values(METRIC{…}, label) asks for the metric's series.
    const inner = /^label_values\((.*),\s*\w+\)$/.exec(q)?.[1];
    out.push({ where: `variable $${v.name}`, expr: inner ?? q });
  }
  return out;
}

/** The dashboard as parsed. */
export function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard;
}

