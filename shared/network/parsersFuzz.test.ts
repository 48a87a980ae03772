import { describe, expect, it } from 'vitest';
import addrJson from './fixtures/linux-ip-d-j-addr-lab-tun-bridge-veth.json?raw';
import iwLink from './fixtures/linux-iw-dev-link-3drobotics.txt?raw';
import airport from './fixtures/macos-airport-I-10.14.6.txt?raw';
import ifconfig from './fixtures/macos-ifconfig-10.14.6-5-utun.txt?raw';
import netstat from './fixtures/macos-netstat-rnl-10.14.6-PARTIAL.txt?raw';
import profiler from './fixtures/macos-system-profiler-airport-CONSTRUCTED.txt?raw';
import tcp from './fixtures/linux-proc-net-tcp-lab.txt?raw';
import netsh from './fixtures/windows-netsh-wlan-show-interfaces-atheros.txt?raw';
import routesJson from './fixtures/windows-get-netroute-json-CONSTRUCTED.json?raw';
import { parseIpAddrJson, parseIpRouteGetJson, parseIpRouteJson } from './linuxIp';
import { parseIfconfig, parseNetstatRn, parseRouteGet } from './macos';
import { countNetstatAn, countSockets } from './procNet';
import { parseAirportI, parseIwDev, parseIwLink, parseNetshWlanInterfaces, parseNmcliWifi, parseSystemProfilerAirPort } from './wifi';
import { parseFindNetRouteJson, parseGetNetRouteJson } from './windows';

// Seeded, so a failure repeats: slices of real outputs cut, shuffled and sprinkled with noise.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const TEXTS = [iwLink, airport, ifconfig, netstat, profiler, tcp, netsh];
const JSONS = [addrJson, routesJson];

function mangle(text: string, r: () => number): string {
  const a = Math.floor(r() * text.length);
  const b = a + Math.floor(r() * (text.length - a));
  const noise = Array.from({ length: Math.floor(r() * 40) }, () => String.fromCharCode(Math.floor(r() * 128))).join('');
  return r() < 0.5 ? text.slice(a, b) + noise : noise + text.slice(0, a) + text.slice(b);
}

/**
 * Pure CPU: on a 2-core machine at load 16 (nice 19) the 3000 text inputs took 4.4 s of vitest's
 * default 5 s limit (3.2 s of parsing, spread evenly over the parsers). The limit is the runner's,
 * not a promise of the parsers: they get one a busy machine cannot break.
 */
const CPU_BOUND_MS = 120_000;

describe('parsers never crash on damaged output', () => {
  it('text parsers return a value for 3000 damaged inputs', { timeout: CPU_BOUND_MS }, () => {
    const r = rng(7);
    for (let i = 0; i < 3000; i++) {
      const t = mangle(TEXTS[i % TEXTS.length] ?? '', r);
      expect(() => {
        parseIwLink('wlan0', t);
        parseIwDev(t);
        parseNmcliWifi(t);
        parseAirportI(t);
        parseSystemProfilerAirPort(t);
        parseNetshWlanInterfaces(t);
        parseIfconfig(t);
        parseNetstatRn(t);
        parseRouteGet('x', t, t);
        countSockets({ tcp: t, udp: t });
        countNetstatAn(t);
      }, `input ${i}`).not.toThrow();
    }
  });
  it('JSON parsers either parse or throw one clear error', { timeout: CPU_BOUND_MS }, () => {
    const r = rng(11);
    for (let i = 0; i < 2000; i++) {
      const t = mangle(JSONS[i % JSONS.length] ?? '', r);
      for (const f of [() => parseIpAddrJson(t), () => parseIpRouteJson(t, 'ipv4'), () => parseIpRouteGetJson('1.1.1.1', t), () => parseGetNetRouteJson(t), () => parseFindNetRouteJson('1.1.1.1', t)]) {
        try {
          f();
        } catch (e) {
          expect((e as Error).message).toMatch(/: (output is not JSON|expected a JSON array)$/);
        }
      }
    }
    // Valid JSON of the wrong shape is ignored, not a crash.
    expect(parseIpAddrJson('[1, null, "x", {"ifname": 5}]')).toEqual([]);
    expect(parseIpAddrJson('[{"ifname": "x", "flags": "UP", "linkinfo": null, "addr_info": [null, 3, {"family": "inet"}]}]')[0]).toMatchObject({ name: 'x', flags: [], addresses: [] });
    expect(parseGetNetRouteJson('{"DestinationPrefix": 3}')).toEqual([]);
  });
});
