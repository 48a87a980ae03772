// The Wi-Fi link's timing from published iw outputs; what macOS and Windows do not print.
import { describe, expect, it } from 'vitest';
import iwLinkAterm from './fixtures/linux-iw-dev-link-wlp3s0-aterm.txt?raw';
import iwLink3dr from './fixtures/linux-iw-dev-link-3drobotics.txt?raw';
import stationAterm from './fixtures/linux-iw-station-dump-wlp3s0-aterm.txt?raw';
import stationHe from './fixtures/linux-iw-station-dump-wlp0s20f3-he.txt?raw';
import psOn from './fixtures/linux-iw-get-power-save-on.txt?raw';
import psOff from './fixtures/linux-iw-get-power-save-off.txt?raw';
import profiler14 from './fixtures/macos-system-profiler-airport-14-en0-awdl0.txt?raw';
import netshAtheros from './fixtures/windows-netsh-wlan-show-interfaces-atheros.txt?raw';
import netshAx211 from './fixtures/windows-netsh-wlan-show-interfaces-ax211-ap-bssid-rssi-PARTIAL.txt?raw';
import { parseIwLink } from './wifi';
import { iwTiming, parseIwPowerSave, parseIwStationDump, timingNotShown } from './wifiTiming';

describe('Linux iw', () => {
  it('get power_save (published one-line outputs): on and off', () => {
    expect(parseIwPowerSave(psOn)).toBe(true);
    expect(parseIwPowerSave(psOff)).toBe(false);
    expect(parseIwPowerSave('command failed: Operation not supported (-95)')).toBeNull();
  });
  it('iw link (published, BSSID partly hidden): DTIM period 1 and beacon interval 100 TU are read, the hidden BSSID is not invented', () => {
    const l = parseIwLink('wlp3s0', iwLinkAterm);
    expect(l).toMatchObject({ connected: true, bssid: null, ssid: 'aterm-xxxxxx-a', beaconIntervalTu: 100, dtimPeriod: 1, frequencyMHz: 5500 });
  });
  it('station dump (published, the same machine): the access point, DTIM 1, beacon 100, no beacon lost', () => {
    expect(parseIwStationDump(stationAterm)).toEqual({ bssid: 'a4:12:42:xx:xx:xx', beaconIntervalTu: 100, dtimPeriod: 1, beaconLoss: 0 });
  });
  it('station dump (published, an 802.11ax client): 23 beacons lost', () => {
    expect(parseIwStationDump(stationHe)).toEqual({ bssid: 'c8:7f:54:38:0c:0c', beaconIntervalTu: 100, dtimPeriod: 1, beaconLoss: 23 });
  });
  it('no station (not associated) is null', () => {
    expect(parseIwStationDump('')).toBeNull();
  });
  it('the station dump fills a DTIM period the link does not know yet (iw link prints 0 until it has seen one)', () => {
    const link = parseIwLink('wlan0', iwLink3dr);
    const t = iwTiming('wlan0', { link, station: parseIwStationDump(stationHe), powerSave: parseIwPowerSave(psOn) }, 5);
    expect(t).toMatchObject({ iface: 'wlan0', beaconIntervalTu: 85, dtimPeriod: 1, powerSave: true, beaconLoss: 23, note: null, readAt: 5 });
    expect(t.source).toBe('iw link, iw station dump, iw get power_save');
  });
  it('what iw did not say is named, with why', () => {
    const t = iwTiming('wlan0', { link: parseIwLink('wlan0', iwLink3dr), failed: ['station dump: not permitted'] }, 0);
    expect(t).toMatchObject({ beaconIntervalTu: 85, dtimPeriod: null, powerSave: null });
    expect(t.note).toBe('iw did not say the DTIM period or power save for wlan0 (station dump: not permitted).');
  });
});

describe('macOS and Windows', () => {
  it('the published system_profiler and netsh outputs carry no beacon interval, DTIM period or power save field', () => {
    for (const text of [profiler14, netshAtheros, netshAx211]) expect(text).not.toMatch(/beacon|dtim|power ?sav/i);
  });
  it('so the reading says they are not shown, and gives no numbers', () => {
    const t = timingNotShown('Wi-Fi', 'netsh', 0);
    expect(t).toMatchObject({ beaconIntervalTu: null, dtimPeriod: null, powerSave: null });
    expect(t.note).toContain('Windows (netsh wlan show interfaces) does not show');
    expect(timingNotShown('en0', 'system_profiler', 0).note).toContain('macOS (system_profiler SPAirPortDataType, wdutil info)');
  });
});
