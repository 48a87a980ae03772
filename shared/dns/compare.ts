/**
 * Comparing what several resolvers say about one name: split DNS and VPN-only names show up as
 * servers that disagree, and a short verdict per server says how it did.
 */
import type { AnswerComparison, AnswerGroup, DnsProbeResult } from './probeTypes';

export type { AnswerComparison, AnswerGroup } from './probeTypes';

/** One short verdict per probe, for lists and the timeline: "answers in 0.41 ms", "no answer within 2000 ms". */
export function probeVerdict(r: DnsProbeResult, timeoutMs?: number): string {
  switch (r.kind) {
    case 'answer':
      return `answers ${r.rcode === 'NOERROR' ? '' : `${r.rcode} `}in ${(r.rttMs ?? 0).toFixed(r.rttMs !== null && r.rttMs < 10 ? 2 : 0)} ms`;
    case 'refused':
      return 'refuses this query';
    case 'timeout':
      return timeoutMs !== undefined ? `no answer within ${timeoutMs} ms` : 'no answer';
    case 'port-unreachable':
      return 'no DNS server on that port (ICMP port unreachable)';
    case 'network-unreachable':
      return 'unreachable from here';
    case 'malformed':
      return 'answers with garbage';
    default:
      return `socket error ${r.errno ?? ''}`.trim();
  }
}

/** The outcome of one probe as a comparable text: rcode and sorted record data for replies, the kind otherwise. */
export function answerKey(r: DnsProbeResult): string {
  if (r.kind === 'refused') return 'REFUSED';
  if (r.kind !== 'answer') return r.kind;
  const data = r.answers.map((a) => `${a.type} ${a.data}`).sort();
  return data.length > 0 ? `${r.rcode} ${data.join(', ')}` : `${r.rcode} (no records)`;
}

/** Groups servers by what they answered; `agree` is true when there is one group. */
export function compareAnswers(results: readonly DnsProbeResult[]): AnswerComparison {
  const groups: AnswerGroup[] = [];
  for (const r of results) {
    const key = answerKey(r);
    const g = groups.find((x) => x.answer === key);
    if (g) g.servers.push(r.server);
    else groups.push({ answer: key, servers: [r.server] });
  }
  return { agree: groups.length <= 1, groups };
}
