import { describe, expect, it } from 'vitest';
import iwDev from './fixtures/linux-iw-dev-CONSTRUCTED.txt?raw';
import iwLink from './fixtures/linux-iw-dev-link-3drobotics.txt?raw';
import iwDevHwsim from './fixtures/linux-iw-dev-hwsim-monitor-p2p.txt?raw';
import nmcli from './fixtures/linux-nmcli-t-wifi-CONSTRUCTED.txt?raw';
import nmcliFritz from './fixtures/linux-nmcli-g-all-dev-wifi-fritzbox.txt?raw';
import airport from './fixtures/macos-airport-I-10.14.6.txt?raw';
import profiler from './fixtures/macos-system-profiler-airport-CONSTRUCTED.txt?raw';
import profilerReal from './fixtures/macos-system-profiler-airport-14-en0-awdl0.txt?raw';
import netshAtheros from './fixtures/windows-netsh-wlan-show-interfaces-atheros.txt?raw';
import netshAx211 from './fixtures/windows-netsh-wlan-show-interfaces-ax211-ap-bssid-rssi-PARTIAL.txt?raw';
import { channelFromFrequency, parseAirportI, parseIwDev, parseIwLink, parseNetshWlanInterfaces, parseNmcliWifi, parseSystemProfilerAirPort, splitNmcliTerse } from './wifi';

const pick = (s: ReturnType<typeof parseIwLink>) => ({ source: s.source, iface: s.iface, connected: s.connected, ssid: s.ssid, bssid: s.bssid, channel: s.channel, rssiDbm: s.rssiDbm, noiseDbm: s.noiseDbm, signalPercent: s.signalPercent, txRateMbps: s.txRateMbps });

describe('Linux', () => {
  it('iw dev link (published output): BSSID, SSID, channel from frequency, signal, rate', () => {
    expect(pick(parseIwLink('wlan0', iwLink))).toEqual({ source: 'iw', iface: 'wlan0', connected: true, ssid: '3DRobotics', bssid: 'd4:d7:48:81:68:a0', channel: 8, rssiDbm: -37, noiseDbm: null, signalPercent: null, txRateMbps: 48 });
  });
  it('iw dev link (published output): the beacon interval, and a DTIM period of 0 as not known yet', () => {
    expect(parseIwLink('wlan0', iwLink)).toMatchObject({ beaconIntervalTu: 85, dtimPeriod: null });
    expect(parseIwLink('wlan0', iwLink.replace('dtim period:    0', 'dtim period:    3'))).toMatchObject({ dtimPeriod: 3 });
  });
  it('iw dev link "Not connected." is a disconnected link, not an error', () => {
    expect(parseIwLink('wlan0', 'Not connected.\n')).toMatchObject({ available: true, connected: false, bssid: null });
  });
  it('iw dev lists the wireless interfaces', () => {
    expect(parseIwDev(iwDev)).toEqual([{ iface: 'wlp2s0', type: 'managed', ssid: 'HomeNet' }]);
  });
  it('iw dev (published output, three radios): a P2P device\'s type is not given to the interface before it', () => {
    expect(parseIwDev(iwDevHwsim)).toEqual([
      { iface: 'mon0', type: 'monitor', ssid: null },
      { iface: 'wlan2', type: 'managed', ssid: null },
      { iface: 'wlan1', type: 'managed', ssid: 'OpenWrt' },
      { iface: 'wlan0', type: 'AP', ssid: 'OpenWrt' },
    ]);
  });
  it('nmcli -t: escaped colons and the active line', () => {
    expect(splitNmcliTerse('a\\:b:c')).toEqual(['a:b', 'c']);
    expect(pick(parseNmcliWifi(nmcli))).toEqual({ source: 'nmcli', iface: 'wlp2s0', connected: true, ssid: 'Home:Net', bssid: 'd4:d7:48:81:68:a0', channel: 11, rssiDbm: null, noiseDbm: null, signalPercent: 72, txRateMbps: 130 });
  });
  it('nmcli -g with every field (published output): columns by name, the access point in use, not its 2.4 GHz twin', () => {
    const all = ['NAME', 'SSID', 'SSID-HEX', 'BSSID', 'MODE', 'CHAN', 'FREQ', 'RATE', 'SIGNAL', 'BARS', 'SECURITY', 'WPA-FLAGS', 'RSN-FLAGS', 'DEVICE', 'ACTIVE', 'IN-USE', 'DBUS-PATH'];
    const s = parseNmcliWifi(nmcliFritz, all);
    expect({ ...pick(s), frequencyMHz: s.frequencyMHz }).toEqual({ source: 'nmcli', iface: 'wlp58s0', connected: true, ssid: 'FRITZ!Box 7530 NT', bssid: '3c:37:12:79:85:1e', channel: 52, rssiDbm: null, noiseDbm: null, signalPercent: 87, txRateMbps: 270, frequencyMHz: 5260 });
    expect(parseNmcliWifi(nmcliFritz.split('\n')[0] ?? '', all)).toMatchObject({ available: true, connected: false });
  });
  it('channels from frequencies', () => {
    expect([2412, 2484, 5180, 5745, 5955, 4000].map(channelFromFrequency)).toEqual([1, 14, 36, 149, 1, null]);
  });
});

describe('macOS', () => {
  it('airport -I (real output, 10.14.6): RSSI, noise, rate, channel', () => {
    expect(pick(parseAirportI(airport))).toEqual({ source: 'airport', iface: 'en0', connected: true, ssid: 'SnazzleDazzle', bssid: '3c:37:86:15:ad:f9', channel: 48, rssiDbm: -66, noiseDbm: -90, signalPercent: null, txRateMbps: 195 });
  });
  it('system_profiler SPAirPortDataType: the current network only, not the neighbours', () => {
    expect(pick(parseSystemProfilerAirPort(profiler))).toEqual({ source: 'system_profiler', iface: 'en0', connected: true, ssid: 'HomeNet', bssid: null, channel: 149, rssiDbm: -56, noiseDbm: -94, signalPercent: null, txRateMbps: 864 });
    expect(parseSystemProfilerAirPort(profiler.replace('HomeNet:', '<redacted>:')).ssid).toBeNull();
  });
  it('system_profiler (published output, macOS 14): en0\'s network, not a neighbour of the same name, and awdl0\'s empty block is passed over', () => {
    expect(pick(parseSystemProfilerAirPort(profilerReal))).toEqual({ source: 'system_profiler', iface: 'en0', connected: true, ssid: 'G-HOME', bssid: null, channel: 64, rssiDbm: -53, noiseDbm: -90, signalPercent: null, txRateMbps: 206 });
  });
  it('system_profiler of older macOS lists a BSSID in the current network block: it is read', () => {
    const older = profilerReal.replace('              PHY Mode: 802.11ax\n', '              PHY Mode: 802.11ax\n              BSSID: 18:64:72:57:32:03\n');
    expect(parseSystemProfilerAirPort(older)).toMatchObject({ ssid: 'G-HOME', bssid: '18:64:72:57:32:03' });
  });
  it('system_profiler with en0 not associated: awdl0\'s block is not a connection, and the Wi-Fi interface is still named', () => {
    const cut = profilerReal.replace(/ {10}Current Network Information:\n {12}G-HOME:\n( {14}.*\n)+/, '').replace('Status: Connected', 'Status: On');
    expect(cut).not.toContain('Transmit Rate');
    expect(parseSystemProfilerAirPort(cut)).toMatchObject({ available: true, iface: 'en0', connected: false, ssid: null, rssiDbm: null });
  });
});

describe('Windows netsh wlan show interfaces (published outputs)', () => {
  it('an older driver: BSSID, percentage signal, rates', () => {
    expect(pick(parseNetshWlanInterfaces(netshAtheros))).toEqual({ source: 'netsh', iface: 'Wi-Fi', connected: true, ssid: 'LUO-PC_Network', bssid: 'd8:15:0d:72:8c:18', channel: 1, rssiDbm: null, noiseDbm: null, signalPercent: 100, txRateMbps: 150 });
  });
  it('Windows 11: "AP BSSID" and "Rssi"', () => {
    expect(pick(parseNetshWlanInterfaces(netshAx211))).toEqual({ source: 'netsh', iface: 'Wi-Fi', connected: true, ssid: 'eduroam', bssid: '14:16:9d:2b:45:ae', channel: 132, rssiDbm: -70, noiseDbm: null, signalPercent: 72, txRateMbps: 344 });
  });
  it('no wireless interface is said plainly', () => {
    expect(parseNetshWlanInterfaces('There is no wireless interface on the system.\r\n')).toMatchObject({ available: false, reason: 'netsh reports no wireless interface' });
  });
});
