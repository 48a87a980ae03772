// docs/grafana/gapscope.json is importable as is: it parses, every panel asks the dashboard's own
// Prometheus data source, uses only variables it defines (or Grafana's own), and queries only
// metrics the exposition has. (The lab test runs every query against a real Prometheus.)
import { describe, expect, it } from 'vitest';
import { GapscopeMetrics } from '../../shared/metrics/gapscopeMetrics';
import { dashboardQueries, readDashboard } from './testing/dashboard';

const GRAFANA_VARIABLES = new Set(['__rate_interval', '__interval', '__range']);

describe('the Grafana dashboard', () => {
  const d = readDashboard();

  it('has what an import needs: a uid, a title, panels laid out with unique ids, one data source variable', () => {
    expect(d.uid).toBe('gapscope');
    expect(d.title).toBe('Gapscope');
    expect(d.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = d.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const ds = d.templating.list.filter((v) => v.type === 'datasource');
    expect(ds).toEqual([expect.objectContaining({ name: 'datasource', query: 'prometheus' })]);
    for (const p of d.panels.filter((x) => x.type !== 'row')) {
      expect(p.gridPos.w, p.title).toBeGreaterThan(0);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) expect(t.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(new Set(p.targets?.map((t) => t.refId)).size, p.title).toBe(p.targets?.length);
    }
  });

  it('shows throughput with gap annotations, loss, the per-stream gap histogram and the DNS probe round trip', () => {
    const titles = d.panels.map((p) => p.title);
    expect(titles).toEqual(expect.arrayContaining(['Throughput', 'Loss', 'Gap durations: $stream', 'DNS probe round trip']));
    expect(d.panels.find((p) => p.title === 'Gap durations: $stream')).toMatchObject({ type: 'heatmap', repeat: 'stream' });
    expect(d.annotations.list.find((a) => a.name === 'Gaps')?.expr).toMatch(/gapscope_stream_gaps_total/);
  });

  it('queries only metrics the exposition has, and only variables it defines', () => {
    const metrics = new GapscopeMetrics('test', () => 0);
    const exposed = new Set<string>();
    for (const f of metrics.families()) {
      if (f.type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exposed.add(`${f.name}${suffix}`);
      else exposed.add(f.name);
    }
    const defined = new Set(d.templating.list.map((v) => v.name));
    const queries = dashboardQueries(d);
    expect(queries.length).toBeGreaterThan(10);
    const used = new Set<string>();
    for (const { where, expr } of queries) {
      const names = expr.match(/\bgapscope_[a-z0-9_]+/g) ?? [];
      expect(names.length, where).toBeGreaterThan(0);
      for (const n of names) {
        expect(exposed.has(n), `${where} asks for ${n}, which the exposition does not have`).toBe(true);
        used.add(n);
      }
      for (const v of expr.match(/\$(\w+)/g) ?? []) {
        const name = v.slice(1);
        expect(defined.has(name) || GRAFANA_VARIABLES.has(name), `${where} uses ${v}`).toBe(true);
      }
    }
    expect([...used]).toEqual(expect.arrayContaining(['gapscope_stream_received_bytes_total', 'gapscope_stream_lost_packets_total', 'gapscope_stream_gap_seconds_bucket', 'gapscope_dns_probe_rtt_seconds_bucket']));
  });
});
