/**
 * GDL90 messages (public ICD rev A, as cyoung/stratux main/gen_gdl90.go and NathanVaughn/gdl90py
 * implement them) and ForeFlight's 0x65 extension (foreflight.com/connect/spec): decoders for the
 * inspector, encoders for the traffic generator. Messages exclude flags and CRC; byte 0 is the id.
 */
import { asciiText, hex32, utcClock } from './bytes';

/** Message ids (ICD, ForeFlight, Stratux). */
export const Gdl90Id = {
  heartbeat: 0x00,
  initialization: 0x02,
  uplink: 0x07,
  heightAboveTerrain: 0x09,
  ownship: 0x0a,
  ownshipGeometricAltitude: 0x0b,
  traffic: 0x14,
  basicReport: 0x1e,
  longReport: 0x1f,
  stratuxStatus: 0x53,
  foreFlight: 0x65,
  stratuxHeartbeat: 0xcc,
} as const;

/** Message lengths the ICD fixes (id byte included, CRC excluded). */
export const GDL90_LENGTHS: ReadonlyMap<number, number> = new Map([
  [Gdl90Id.heartbeat, 7],
  [Gdl90Id.initialization, 3],
  [Gdl90Id.uplink, 436],
  [Gdl90Id.heightAboveTerrain, 3],
  [Gdl90Id.ownship, 28],
  [Gdl90Id.ownshipGeometricAltitude, 5],
  [Gdl90Id.traffic, 28],
  [Gdl90Id.basicReport, 22],
  [Gdl90Id.longReport, 38],
]);

const NAMES = new Map<number, string>([
  [Gdl90Id.heartbeat, 'GDL90 Heartbeat'],
  [Gdl90Id.initialization, 'GDL90 Initialization'],
  [Gdl90Id.uplink, 'GDL90 Uplink'],
  [Gdl90Id.heightAboveTerrain, 'GDL90 Height Above Terrain'],
  [Gdl90Id.ownship, 'GDL90 Ownship'],
  [Gdl90Id.ownshipGeometricAltitude, 'GDL90 Ownship Geometric Altitude'],
  [Gdl90Id.traffic, 'GDL90 Traffic'],
  [Gdl90Id.basicReport, 'GDL90 Basic UAT Report'],
  [Gdl90Id.longReport, 'GDL90 Long UAT Report'],
  [Gdl90Id.stratuxStatus, 'GDL90 Stratux Status'],
  [Gdl90Id.stratuxHeartbeat, 'GDL90 Stratux Heartbeat'],
]);

/** A constant label for a message (no allocation, for the hot path). */
export function gdl90MessageName(message: Uint8Array, length: number): string {
  length = Math.min(length, message.length);
  if (length < 1) return 'GDL90 (empty)';
  const id = message[0]!;
  if (id === Gdl90Id.foreFlight) {
    if (length >= 2 && message[1] === 0) return 'GDL90 ForeFlight ID';
    if (length >= 2 && message[1] === 1) return 'GDL90 ForeFlight AHRS';
    return 'GDL90 ForeFlight (other)';
  }
  return NAMES.get(id) ?? 'GDL90 (unknown id)';
}

// ---------------------------------------------------------------- Heartbeat

/** Heartbeat: the receiver's status once a second. */
export interface Gdl90Heartbeat {
  gpsPositionValid: boolean;
  maintenanceRequired: boolean;
  ident: boolean;
  addressTalkback: boolean;
  gpsBatteryLow: boolean;
  ratcs: boolean;
  uatInitialized: boolean;
  csaRequested: boolean;
  csaNotAvailable: boolean;
  utcOk: boolean;
  /** Seconds since 0000Z (17 bits: bit 16 is in status byte 2). */
  secondsSinceMidnight: number;
  /** UAT uplink messages received in the previous second (5 bits). */
  uplinkCount: number;
  /** Basic and Long messages received in the previous second (10 bits). */
  basicLongCount: number;
}

/** The heartbeat's timestamp alone, for the hot path; null unless it is a 7-byte heartbeat. */
export function heartbeatSeconds(m: Uint8Array, length: number): number | null {
  if (length !== 7 || m.length < 7 || m[0] !== Gdl90Id.heartbeat) return null;
  return ((m[2]! & 0x80) << 9) | (m[4]! << 8) | m[3]!;
}

/** Decodes a Heartbeat; null if the length is wrong. */
export function decodeHeartbeat(m: Uint8Array, length = m.length): Gdl90Heartbeat | null {
  if (length !== 7 || m.length < 7 || m[0] !== Gdl90Id.heartbeat) return null;
  const s1 = m[1]!;
  const s2 = m[2]!;
  return {
    gpsPositionValid: (s1 & 0x80) !== 0,
    maintenanceRequired: (s1 & 0x40) !== 0,
    ident: (s1 & 0x20) !== 0,
    addressTalkback: (s1 & 0x10) !== 0,
    gpsBatteryLow: (s1 & 0x08) !== 0,
    ratcs: (s1 & 0x04) !== 0,
    uatInitialized: (s1 & 0x01) !== 0,
    csaRequested: (s2 & 0x40) !== 0,
    csaNotAvailable: (s2 & 0x20) !== 0,
    utcOk: (s2 & 0x01) !== 0,
    secondsSinceMidnight: heartbeatSeconds(m, length)!,
    uplinkCount: m[5]! >> 3,
    basicLongCount: ((m[5]! & 0x03) << 8) | m[6]!,
  };
}

/** Encodes a Heartbeat; omitted flags are false, counts 0. */
export function encodeHeartbeat(h: Partial<Gdl90Heartbeat> & { secondsSinceMidnight: number }): Uint8Array {
  const t = Math.max(0, Math.min(0x1ffff, Math.floor(h.secondsSinceMidnight)));
  const up = Math.max(0, Math.min(31, h.uplinkCount ?? 0));
  const bl = Math.max(0, Math.min(1023, h.basicLongCount ?? 0));
  return Uint8Array.of(
    Gdl90Id.heartbeat,
    (h.gpsPositionValid ? 0x80 : 0) | (h.maintenanceRequired ? 0x40 : 0) | (h.ident ? 0x20 : 0) | (h.addressTalkback ? 0x10 : 0) |
      (h.gpsBatteryLow ? 0x08 : 0) | (h.ratcs ? 0x04 : 0) | (h.uatInitialized ? 0x01 : 0),
    (t & 0x10000 ? 0x80 : 0) | (h.csaRequested ? 0x40 : 0) | (h.csaNotAvailable ? 0x20 : 0) | (h.utcOk ? 0x01 : 0),
    t & 0xff,
    (t >> 8) & 0xff,
    (up << 3) | (bl >> 8),
    bl & 0xff,
  );
}

// ---------------------------------------------------------------- Ownship and Traffic

/** An ownship or traffic report: who, where, how fast. */
export interface Gdl90Report {
  /** Traffic alert status nibble (1 = alert). */
  alertStatus: number;
  /** 0 ADS-B ICAO, 1 ADS-B self-assigned, 2 TIS-B ICAO, 3 TIS-B track file, 4 surface vehicle, 5 ground station beacon. */
  addressType: number;
  /** 24-bit participant address. */
  address: number;
  latitude: number;
  longitude: number;
  /** Pressure altitude, ft (25 ft steps); null if invalid. */
  altitudeFt: number | null;
  airborne: boolean;
  extrapolated: boolean;
  /** 0 invalid, 1 true track, 2 magnetic heading, 3 true heading. */
  trackType: number;
  nic: number;
  nacp: number;
  /** Knots; null if unavailable. */
  horizontalVelocityKt: number | null;
  /** Feet per minute (64 fpm steps); null if unavailable. */
  verticalVelocityFpm: number | null;
  /** Degrees (360/256 steps). */
  trackDeg: number;
  emitterCategory: number;
  callsign: string;
  emergencyCode: number;
}

const LATLON = 180 / 2 ** 23;

function signed(v: number, bits: number): number {
  return v & (1 << (bits - 1)) ? v - (1 << bits) : v;
}

/** Decodes an Ownship (0x0A) or Traffic (0x14) report; null if the length is wrong. */
export function decodeReport(m: Uint8Array, length = m.length): Gdl90Report | null {
  if (length !== 28 || m.length < 28 || (m[0] !== Gdl90Id.ownship && m[0] !== Gdl90Id.traffic)) return null;
  const alt = (m[11]! << 4) | (m[12]! >> 4);
  const misc = m[12]! & 0x0f;
  const hv = (m[14]! << 4) | (m[15]! >> 4);
  const vv = ((m[15]! & 0x0f) << 8) | m[16]!;
  let callsign = '';
  for (let i = 19; i < 27; i++) {
    const c = m[i]!;
    if (c > 0x20 && c < 0x7f) callsign += String.fromCharCode(c);
  }
  return {
    alertStatus: m[1]! >> 4,
    addressType: m[1]! & 0x0f,
    address: (m[2]! << 16) | (m[3]! << 8) | m[4]!,
    latitude: signed((m[5]! << 16) | (m[6]! << 8) | m[7]!, 24) * LATLON,
    longitude: signed((m[8]! << 16) | (m[9]! << 8) | m[10]!, 24) * LATLON,
    altitudeFt: alt === 0xfff ? null : alt * 25 - 1000,
    airborne: (misc & 0x08) !== 0,
    extrapolated: (misc & 0x04) !== 0,
    trackType: misc & 0x03,
    nic: m[13]! >> 4,
    nacp: m[13]! & 0x0f,
    horizontalVelocityKt: hv === 0xfff ? null : hv,
    verticalVelocityFpm: vv === 0x800 ? null : signed(vv, 12) * 64,
    trackDeg: (m[17]! * 360) / 256,
    emitterCategory: m[18]!,
    callsign,
    emergencyCode: m[27]! >> 4,
  };
}

/** What the generator gives for a report; omitted fields take plausible defaults. */
export type Gdl90ReportInput = Partial<Gdl90Report> & Pick<Gdl90Report, 'latitude' | 'longitude'>;

function latLon(deg: number): number {
  return Math.round(deg / LATLON) & 0xffffff;
}

/** Encodes an Ownship (0x0A) or Traffic (0x14) report. */
export function encodeReport(id: typeof Gdl90Id.ownship | typeof Gdl90Id.traffic, r: Gdl90ReportInput): Uint8Array {
  const m = new Uint8Array(28);
  m[0] = id;
  m[1] = ((r.alertStatus ?? 0) << 4) | ((r.addressType ?? 0) & 0x0f);
  const address = (r.address ?? 0) & 0xffffff;
  m.set([address >> 16, (address >> 8) & 0xff, address & 0xff], 2);
  const lat = latLon(r.latitude);
  const lon = latLon(r.longitude);
  m.set([lat >> 16, (lat >> 8) & 0xff, lat & 0xff, lon >> 16, (lon >> 8) & 0xff, lon & 0xff], 5);
  const alt = r.altitudeFt === null || r.altitudeFt === undefined ? 0xfff : Math.max(0, Math.min(0xffe, Math.round((r.altitudeFt + 1000) / 25)));
  const misc = (r.airborne ?? true ? 0x08 : 0) | (r.extrapolated ? 0x04 : 0) | ((r.trackType ?? 1) & 0x03);
  m[11] = alt >> 4;
  m[12] = ((alt & 0x0f) << 4) | misc;
  m[13] = (((r.nic ?? 8) & 0x0f) << 4) | ((r.nacp ?? 9) & 0x0f);
  const hv = r.horizontalVelocityKt === null || r.horizontalVelocityKt === undefined ? 0xfff : Math.max(0, Math.min(0xffe, Math.round(r.horizontalVelocityKt)));
  const vv = r.verticalVelocityFpm === null || r.verticalVelocityFpm === undefined ? 0x800 : Math.max(-510, Math.min(510, Math.round(r.verticalVelocityFpm / 64))) & 0xfff;
  m[14] = hv >> 4;
  m[15] = ((hv & 0x0f) << 4) | (vv >> 8);
  m[16] = vv & 0xff;
  m[17] = Math.round((((r.trackDeg ?? 0) % 360) + 360) % 360 / (360 / 256)) & 0xff;
  m[18] = r.emitterCategory ?? 1;
  const cs = (r.callsign ?? '').toUpperCase().replace(/[^0-9A-Z]/g, '').slice(0, 8).padEnd(8, ' ');
  for (let i = 0; i < 8; i++) m[19 + i] = cs.charCodeAt(i);
  m[27] = ((r.emergencyCode ?? 0) & 0x0f) << 4;
  return m;
}

/** Encodes an Ownship report (0x0A): where the receiver itself is. */
export function encodeOwnship(r: Gdl90ReportInput): Uint8Array {
  return encodeReport(Gdl90Id.ownship, r);
}

/** Encodes a Traffic report (0x14): one other aircraft, once a second per target. */
export function encodeTraffic(r: Gdl90ReportInput): Uint8Array {
  return encodeReport(Gdl90Id.traffic, r);
}

// ---------------------------------------------------------------- Geometric altitude, HAT, Initialization

/** Ownship Geometric Altitude (0x0B): GPS altitude above the WGS-84 ellipsoid. */
export interface Gdl90GeometricAltitude {
  /** Feet (5 ft steps). */
  altitudeFt: number;
  verticalWarning: boolean;
  /** Vertical figure of merit, metres; null if not available. */
  vfomM: number | null;
}

/** Decodes an Ownship Geometric Altitude message. */
export function decodeGeometricAltitude(m: Uint8Array, length = m.length): Gdl90GeometricAltitude | null {
  if (length !== 5 || m.length < 5 || m[0] !== Gdl90Id.ownshipGeometricAltitude) return null;
  const vfom = ((m[3]! & 0x7f) << 8) | m[4]!;
  return { altitudeFt: signed((m[1]! << 8) | m[2]!, 16) * 5, verticalWarning: (m[3]! & 0x80) !== 0, vfomM: vfom === 0x7fff ? null : vfom };
}

/** Encodes an Ownship Geometric Altitude message. */
export function encodeGeometricAltitude(g: { altitudeFt: number; verticalWarning?: boolean; vfomM?: number | null }): Uint8Array {
  const alt = Math.max(-32768, Math.min(32767, Math.round(g.altitudeFt / 5))) & 0xffff;
  const vfom = g.vfomM === null || g.vfomM === undefined ? 0x7fff : Math.max(0, Math.min(0x7ffe, Math.round(g.vfomM)));
  return Uint8Array.of(Gdl90Id.ownshipGeometricAltitude, alt >> 8, alt & 0xff, (g.verticalWarning ? 0x80 : 0) | (vfom >> 8), vfom & 0xff);
}

/** Height Above Terrain (0x09): feet, null if invalid (0x8000). */
export function decodeHeightAboveTerrain(m: Uint8Array, length = m.length): { heightFt: number | null } | null {
  if (length !== 3 || m.length < 3 || m[0] !== Gdl90Id.heightAboveTerrain) return null;
  const v = (m[1]! << 8) | m[2]!;
  return { heightFt: v === 0x8000 ? null : signed(v, 16) };
}

/** Initialization (0x02): what the display asks of the receiver. */
export interface Gdl90Initialization {
  audioTest: boolean;
  audioInhibit: boolean;
  cdtiOk: boolean;
  csaAudioDisable: boolean;
  csaDisable: boolean;
}

/** Decodes an Initialization message. */
export function decodeInitialization(m: Uint8Array, length = m.length): Gdl90Initialization | null {
  if (length !== 3 || m.length < 3 || m[0] !== Gdl90Id.initialization) return null;
  return {
    audioTest: (m[1]! & 0x40) !== 0,
    audioInhibit: (m[1]! & 0x20) !== 0,
    cdtiOk: (m[1]! & 0x01) !== 0,
    csaAudioDisable: (m[2]! & 0x02) !== 0,
    csaDisable: (m[2]! & 0x01) !== 0,
  };
}

// ---------------------------------------------------------------- ForeFlight 0x65

/** ForeFlight ID message (0x65, sub-id 0): which device is sending. */
export interface ForeFlightId {
  version: number;
  /** Serial number; null if 0xFFFFFFFFFFFFFFFF (invalid). Exact below 2^53; serialHex is always exact. */
  serial: number | null;
  serialHex: string;
  name: string;
  longName: string;
  /** Bit 0: geometric altitude datum (0 WGS-84 ellipsoid, 1 MSL). */
  capabilities: number;
}

function cString(m: Uint8Array, start: number, end: number): string {
  let stop = start;
  while (stop < end && m[stop] !== 0) stop++;
  return asciiText(m, start, stop).trim();
}

/** Decodes a ForeFlight ID message (39 bytes). */
export function decodeForeFlightId(m: Uint8Array, length = m.length): ForeFlightId | null {
  if (length !== 39 || m.length < 39 || m[0] !== Gdl90Id.foreFlight || m[1] !== 0) return null;
  let hex = '';
  let allFF = true;
  for (let i = 3; i < 11; i++) {
    hex += m[i]!.toString(16).padStart(2, '0');
    if (m[i] !== 0xff) allFF = false;
  }
  const hi = ((m[3]! << 24) | (m[4]! << 16) | (m[5]! << 8) | m[6]!) >>> 0;
  const lo = ((m[7]! << 24) | (m[8]! << 16) | (m[9]! << 8) | m[10]!) >>> 0;
  return {
    version: m[2]!,
    serial: allFF ? null : hi * 2 ** 32 + lo,
    serialHex: hex,
    name: cString(m, 11, 19),
    longName: cString(m, 19, 35),
    capabilities: ((m[35]! << 24) | (m[36]! << 16) | (m[37]! << 8) | m[38]!) >>> 0,
  };
}

/** Encodes a ForeFlight ID message; names are cut to 8 and 16 ASCII bytes. */
export function encodeForeFlightId(id: { serial?: number | null; name: string; longName?: string; capabilities?: number }): Uint8Array {
  const m = new Uint8Array(39);
  m[0] = Gdl90Id.foreFlight;
  m[1] = 0;
  m[2] = 1;
  if (id.serial === null || id.serial === undefined) m.fill(0xff, 3, 11);
  else {
    const hi = Math.floor(id.serial / 2 ** 32);
    const lo = id.serial - hi * 2 ** 32;
    m.set([(hi >>> 24) & 0xff, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, (lo >>> 24) & 0xff, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff], 3);
  }
  const put = (text: string, at: number, max: number): void => {
    for (let i = 0; i < Math.min(max, text.length); i++) m[at + i] = text.charCodeAt(i) & 0x7f;
  };
  put(id.name, 11, 8);
  put(id.longName ?? id.name, 19, 16);
  const caps = (id.capabilities ?? 0) >>> 0;
  m.set([caps >>> 24, (caps >>> 16) & 0xff, (caps >>> 8) & 0xff, caps & 0xff], 35);
  return m;
}

/** ForeFlight AHRS message (0x65, sub-id 1): attitude from the receiver's sensors. */
export interface ForeFlightAhrs {
  /** Degrees, right wing down positive (0.1° steps); null if invalid. */
  rollDeg: number | null;
  /** Degrees, nose up positive; null if invalid. */
  pitchDeg: number | null;
  /** Degrees; null if invalid. */
  headingDeg: number | null;
  magneticHeading: boolean;
  indicatedAirspeedKt: number | null;
  trueAirspeedKt: number | null;
}

/** Decodes a ForeFlight AHRS message (12 bytes). */
export function decodeForeFlightAhrs(m: Uint8Array, length = m.length): ForeFlightAhrs | null {
  if (length !== 12 || m.length < 12 || m[0] !== Gdl90Id.foreFlight || m[1] !== 1) return null;
  const roll = (m[2]! << 8) | m[3]!;
  const pitch = (m[4]! << 8) | m[5]!;
  const heading = (m[6]! << 8) | m[7]!;
  const ias = (m[8]! << 8) | m[9]!;
  const tas = (m[10]! << 8) | m[11]!;
  return {
    rollDeg: roll === 0x7fff ? null : signed(roll, 16) / 10,
    pitchDeg: pitch === 0x7fff ? null : signed(pitch, 16) / 10,
    headingDeg: heading === 0xffff ? null : signed(heading & 0x7fff, 15) / 10,
    magneticHeading: heading !== 0xffff && (heading & 0x8000) !== 0,
    indicatedAirspeedKt: ias === 0xffff ? null : ias,
    trueAirspeedKt: tas === 0xffff ? null : tas,
  };
}

/** Encodes a ForeFlight AHRS message; null values are sent as invalid. */
export function encodeForeFlightAhrs(a: Partial<ForeFlightAhrs>): Uint8Array {
  const tenth = (v: number | null | undefined, invalid: number, limit: number): number =>
    v === null || v === undefined || !Number.isFinite(v) ? invalid : Math.max(-limit, Math.min(limit, Math.round(v * 10))) & 0xffff;
  const roll = tenth(a.rollDeg, 0x7fff, 1800);
  const pitch = tenth(a.pitchDeg, 0x7fff, 1800);
  const heading =
    a.headingDeg === null || a.headingDeg === undefined ? 0xffff : (a.magneticHeading ? 0x8000 : 0) | (Math.max(-3600, Math.min(3600, Math.round(a.headingDeg * 10))) & 0x7fff);
  const kt = (v: number | null | undefined): number => (v === null || v === undefined ? 0xffff : Math.max(0, Math.min(0xfffe, Math.round(v))));
  const ias = kt(a.indicatedAirspeedKt);
  const tas = kt(a.trueAirspeedKt);
  return Uint8Array.of(Gdl90Id.foreFlight, 1, roll >> 8, roll & 0xff, pitch >> 8, pitch & 0xff, heading >> 8, heading & 0xff, ias >> 8, ias & 0xff, tas >> 8, tas & 0xff);
}

// ---------------------------------------------------------------- Descriptions

const ADDRESS_TYPES = ['ICAO', 'self-assigned', 'TIS-B ICAO', 'TIS-B track', 'surface vehicle', 'ground beacon'];

function fixed(v: number, digits: number): string {
  return v.toFixed(digits);
}

/** A sentence for one message, e.g. 'GDL90 Heartbeat: GPS valid, UTC 12:34:56'. */
export function describeGdl90Message(m: Uint8Array, length = m.length): string {
  length = Math.max(0, Math.min(length, m.length));
  const name = gdl90MessageName(m, length);
  const id = length > 0 ? m[0]! : -1;
  const expectedLength = GDL90_LENGTHS.get(id);
  if (expectedLength !== undefined && expectedLength !== length) return `${name}: ${length} bytes, the ICD says ${expectedLength}`;
  if (id === Gdl90Id.heartbeat) {
    const h = decodeHeartbeat(m, length)!;
    const status = [h.gpsPositionValid ? 'GPS valid' : 'GPS not valid', h.uatInitialized ? 'UAT initialized' : 'UAT not initialized', h.utcOk ? 'UTC OK' : 'UTC not OK'];
    if (h.maintenanceRequired) status.push('maintenance required');
    if (h.gpsBatteryLow) status.push('GPS battery low');
    if (h.ident) status.push('IDENT');
    if (h.csaNotAvailable) status.push('CSA not available');
    return `${name}: ${status.join(', ')}, UTC ${utcClock(h.secondsSinceMidnight * 1000, false)}, ${h.uplinkCount} uplink / ${h.basicLongCount} basic+long messages`;
  }
  if (id === Gdl90Id.ownship || id === Gdl90Id.traffic) {
    const r = decodeReport(m, length)!;
    const parts = [
      `${fixed(r.latitude, 5)}, ${fixed(r.longitude, 5)}`,
      r.altitudeFt === null ? 'altitude invalid' : `${r.altitudeFt} ft`,
      r.horizontalVelocityKt === null ? 'speed n/a' : `${r.horizontalVelocityKt} kt`,
      `${r.trackType === 2 || r.trackType === 3 ? 'heading' : 'track'} ${Math.round(r.trackDeg)}°`,
      r.verticalVelocityFpm === null ? 'vertical speed n/a' : `${r.verticalVelocityFpm >= 0 ? '+' : ''}${r.verticalVelocityFpm} fpm`,
      `NIC ${r.nic} NACp ${r.nacp}`,
      `emitter ${r.emitterCategory}`,
    ];
    if (r.alertStatus) parts.push('TRAFFIC ALERT');
    if (r.emergencyCode) parts.push(`emergency code ${r.emergencyCode}`);
    if (!r.airborne) parts.push('on ground');
    const who = `${r.callsign || '(no callsign)'} (${ADDRESS_TYPES[r.addressType] ?? `type ${r.addressType}`} ${r.address.toString(16).padStart(6, '0').toUpperCase()})`;
    return `${name} ${who}: ${parts.join(', ')}`;
  }
  if (id === Gdl90Id.ownshipGeometricAltitude) {
    const g = decodeGeometricAltitude(m, length)!;
    return `${name}: ${g.altitudeFt} ft, VFOM ${g.vfomM === null ? 'n/a' : `${g.vfomM} m`}${g.verticalWarning ? ', vertical warning' : ''}`;
  }
  if (id === Gdl90Id.heightAboveTerrain) {
    const h = decodeHeightAboveTerrain(m, length)!;
    return `${name}: ${h.heightFt === null ? 'invalid' : `${h.heightFt} ft`}`;
  }
  if (id === Gdl90Id.initialization) {
    const i = decodeInitialization(m, length)!;
    const on = Object.entries(i).filter(([, v]) => v).map(([k]) => k);
    return `${name}${on.length ? `: ${on.join(', ')}` : ''}`;
  }
  if (id === Gdl90Id.uplink) return `${name}: ${length - 4}-byte UAT uplink payload`;
  if (id === Gdl90Id.basicReport || id === Gdl90Id.longReport) return `${name}: ${length - 4}-byte UAT payload`;
  if (id === Gdl90Id.foreFlight) {
    const ff = decodeForeFlightId(m, length);
    if (ff) {
      const datum = ff.capabilities & 1 ? 'MSL' : 'WGS-84 ellipsoid';
      return `${name}: ${ff.name || '(no name)'} ("${ff.longName}"), serial ${ff.serial === null ? 'invalid' : ff.serial}, capabilities ${hex32(ff.capabilities)} (geometric altitude datum ${datum})`;
    }
    const a = decodeForeFlightAhrs(m, length);
    if (a) {
      const deg = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(1)}°`);
      const kt = (v: number | null): string => (v === null ? 'n/a' : `${v} kt`);
      return `${name}: roll ${deg(a.rollDeg)}, pitch ${deg(a.pitchDeg)}, heading ${deg(a.headingDeg)}${a.headingDeg === null ? '' : a.magneticHeading ? ' magnetic' : ' true'}, IAS ${kt(a.indicatedAirspeedKt)}, TAS ${kt(a.trueAirspeedKt)}`;
    }
    return `${name}: ${length} bytes`;
  }
  return `${name} (id 0x${id.toString(16).padStart(2, '0')}, ${length} bytes)`;
}
