import { describe, expect, it } from 'vitest';
import datafile from './fixtures/dnsperf/datafile?raw';
import absolute from './fixtures/dnsperf/datafile3?raw';
import escaped from './fixtures/dnsperf/datafile4?raw';
import typeNumbers from './fixtures/dnsperf/datafile5?raw';
import { MAX_LOAD_QUERIES, parseQueryFile } from './queryFile';

describe('parseQueryFile (dnsperf\u2019s input format)', () => {
  it('reads dnsperf\u2019s own query files: names and types in file order, absolute names and the root too', () => {
    expect(parseQueryFile(datafile)).toEqual([
      { name: 'google.com', type: 'A' },
      { name: 'google.com', type: 'AAAA' },
    ]);
    expect(parseQueryFile(absolute)).toEqual([
      { name: '.', type: 'A' },
      { name: 'google.com', type: 'A' },
    ]);
  });

  it('skips blank lines and ; comments, takes any spacing and CRLF, and spells types canonically', () => {
    expect(parseQueryFile('; a comment\r\n\r\n  example.com\t aaaa \r\n_sip._tcp.example.com SRV\nexample.org type65\n')).toEqual([
      { name: 'example.com', type: 'AAAA' },
      { name: '_sip._tcp.example.com', type: 'SRV' },
      { name: 'example.org', type: 'TYPE65' },
    ]);
  });

  it('refuses dnsperf\u2019s escaped labels with the line and the reason, and nothing of the file is loaded', () => {
    let error: unknown;
    try {
      parseQueryFile(escaped, 'datafile4');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'invalid-argument', field: 'queries' });
    const message = (error as Error).message;
    expect(message).toMatch(/^datafile4 has 3 lines that are not queries: line 1 \("api-read\.facebook\.com\.\\002/);
    expect(message).toContain('line 2 ("valid\\.quote.com A"): "valid\\.quote.com" is not a valid DNS name');
    expect(message).toContain('line 3 ("invalid\\0quote.com A")');
  });

  it('refuses TYPE0, a type number past 65535 and a third word, naming each line', () => {
    const run = (): unknown => parseQueryFile(typeNumbers, 'datafile5');
    expect(run).toThrow(/^datafile5 has 3 lines that are not queries: line 1 \("google.com TYPE0"\): "TYPE0" is not a DNS record type/);
    expect(run).toThrow(/line 4 \("google.com TYPE99999999"\): "TYPE99999999" is not a DNS record type/);
    expect(run).toThrow(/line 5 \("google.com TYPE99999999 ignored"\): expected a name and a record type \("www.example.com A"\), found 3 words\.$/);
  });

  it('names the first five bad lines and counts the rest; a name without a type is one word', () => {
    const text = Array.from({ length: 8 }, (_, i) => `host${i}.example`).join('\n');
    expect(() => parseQueryFile(text)).toThrow(/^the query file has 8 lines that are not queries: line 1 \("host0.example"\): expected a name and a record type \("www.example.com A"\), found one word; .*line 5 .*; and 3 more bad lines\.$/);
  });

  it('refuses a file with no query, and one with more queries than a load takes', () => {
    expect(() => parseQueryFile('; only a comment\n\n')).toThrow(/holds no query/);
    expect(() => parseQueryFile('')).toThrow(/holds no query/);
    const many = 'a.example A\n'.repeat(MAX_LOAD_QUERIES + 1);
    expect(() => parseQueryFile(many)).toThrow(/more than 100,000 queries/);
    expect(parseQueryFile('a.example A\n'.repeat(MAX_LOAD_QUERIES))).toHaveLength(MAX_LOAD_QUERIES);
  });
});
