import { describe, expect, it } from 'vitest';
import {
  Gdl90Id,
  decodeForeFlightAhrs,
  decodeForeFlightId,
  decodeGeometricAltitude,
  decodeHeartbeat,
  decodeHeightAboveTerrain,
  decodeInitialization,
  decodeReport,
  describeGdl90Message,
  encodeForeFlightAhrs,
  encodeForeFlightId,
  encodeGeometricAltitude,
  encodeHeartbeat,
  encodeOwnship,
  encodeReport,
  encodeTraffic,
  gdl90MessageName,
  heartbeatSeconds,
  type Gdl90Heartbeat,
  type Gdl90Report,
} from './gdl90Messages';

describe('Heartbeat', () => {
  it('reads the ICD example message 00 81 41 DB D0 08 02', () => {
    const m = Uint8Array.of(0x00, 0x81, 0x41, 0xdb, 0xd0, 0x08, 0x02);
    expect(decodeHeartbeat(m)).toMatchObject({
      gpsPositionValid: true, uatInitialized: true, csaRequested: true, utcOk: true,
      secondsSinceMidnight: 0xd0db, uplinkCount: 1, basicLongCount: 2,
    });
  });

  it('round-trips every field, including timestamp bit 16', () => {
    const h: Gdl90Heartbeat = {
      gpsPositionValid: true, maintenanceRequired: true, ident: false, addressTalkback: true, gpsBatteryLow: true, ratcs: false,
      uatInitialized: true, csaRequested: false, csaNotAvailable: true, utcOk: true, secondsSinceMidnight: 86_399, uplinkCount: 31, basicLongCount: 1023,
    };
    const m = encodeHeartbeat(h);
    expect(m[2]! & 0x80).toBe(0x80); // 86399 > 65535
    expect(decodeHeartbeat(m)).toEqual(h);
    expect(heartbeatSeconds(m, 7)).toBe(86_399);
  });

  it('rejects a wrong length', () => {
    expect(decodeHeartbeat(Uint8Array.of(0, 1, 2))).toBeNull();
  });
});

describe('Ownship and Traffic reports', () => {
  const grid = (deg: number) => (Math.round((deg * 2 ** 23) / 180) * 180) / 2 ** 23;
  const report: Gdl90Report = {
    alertStatus: 1, addressType: 0, address: 0xabcdef, latitude: grid(47.5), longitude: grid(-122.25), altitudeFt: 3500,
    airborne: true, extrapolated: false, trackType: 1, nic: 8, nacp: 9, horizontalVelocityKt: 120, verticalVelocityFpm: -640,
    trackDeg: 270, emitterCategory: 1, callsign: 'N12345', emergencyCode: 0,
  };

  it('reads the ICD traffic report example (§3.5.2, as many GDL90 implementations test it)', () => {
    const m = Uint8Array.of(0x14, 0x00, 0xab, 0x45, 0x49, 0x1f, 0xef, 0x15, 0xa8, 0x89, 0x78, 0x0f, 0x09, 0xa9, 0x07, 0xb0, 0x01, 0x20, 0x01, 0x4e, 0x38, 0x32, 0x35, 0x56, 0x20, 0x20, 0x20, 0x00);
    const r = decodeReport(m)!;
    expect(r).toMatchObject({
      alertStatus: 0, addressType: 0, address: 0o52642511, altitudeFt: 5000, airborne: true, extrapolated: false, trackType: 1,
      nic: 10, nacp: 9, horizontalVelocityKt: 123, verticalVelocityFpm: 64, trackDeg: 45, emitterCategory: 1, callsign: 'N825V', emergencyCode: 0,
    });
    expect(r.latitude).toBeCloseTo(44.90708, 4);
    expect(r.longitude).toBeCloseTo(-122.99488, 4);
    expect([...encodeTraffic(r)]).toEqual([...m]);
  });

  it('round-trips a traffic report (values on the format grid)', () => {
    expect(decodeReport(encodeReport(Gdl90Id.traffic, report))).toEqual(report);
    expect(decodeReport(encodeTraffic(report))).toEqual(report);
    expect(encodeOwnship(report)[0]).toBe(Gdl90Id.ownship);
  });

  it('quantizes position to 180/2^23 degrees and altitude to 25 ft', () => {
    const r = decodeReport(encodeReport(Gdl90Id.ownship, { latitude: 37.61234567, longitude: -122.38765432, altitudeFt: 1012, trackDeg: 91 }))!;
    expect(r.latitude).toBeCloseTo(37.61234567, 4);
    expect(r.longitude).toBeCloseTo(-122.38765432, 4);
    expect(r.altitudeFt).toBe(1000);
    expect(Math.abs(r.trackDeg - 91)).toBeLessThanOrEqual(360 / 512);
  });

  it('encodes invalid values as the ICD says and reads them back as null', () => {
    const r = decodeReport(encodeReport(Gdl90Id.ownship, { latitude: 0, longitude: 180, altitudeFt: null, horizontalVelocityKt: null, verticalVelocityFpm: null }))!;
    expect(r).toMatchObject({ altitudeFt: null, horizontalVelocityKt: null, verticalVelocityFpm: null, longitude: -180 });
  });

  it('strips spaces from the callsign and drops what the field cannot carry', () => {
    const m = encodeReport(Gdl90Id.traffic, { latitude: 0, longitude: 0, callsign: 'dal-123 abcdefgh' });
    expect(decodeReport(m)!.callsign).toBe('DAL123AB');
  });
});

describe('other messages', () => {
  it('round-trips Ownship Geometric Altitude', () => {
    expect(decodeGeometricAltitude(encodeGeometricAltitude({ altitudeFt: -305, verticalWarning: true, vfomM: 10 }))).toEqual({ altitudeFt: -305, verticalWarning: true, vfomM: 10 });
    expect(decodeGeometricAltitude(encodeGeometricAltitude({ altitudeFt: 5000 }))!.vfomM).toBeNull();
  });

  it('reads Height Above Terrain and Initialization', () => {
    expect(decodeHeightAboveTerrain(Uint8Array.of(0x09, 0x04, 0xb0))).toEqual({ heightFt: 1200 });
    expect(decodeHeightAboveTerrain(Uint8Array.of(0x09, 0x80, 0x00))).toEqual({ heightFt: null });
    expect(decodeInitialization(Uint8Array.of(0x02, 0x41, 0x01))).toEqual({ audioTest: true, audioInhibit: false, cdtiOk: true, csaAudioDisable: false, csaDisable: true });
  });

  it('round-trips the ForeFlight ID and AHRS messages', () => {
    const id = decodeForeFlightId(encodeForeFlightId({ serial: 2 ** 40 + 3, name: 'Gapscope', longName: 'Gapscope sender', capabilities: 1 }))!;
    expect(id).toMatchObject({ version: 1, serial: 2 ** 40 + 3, name: 'Gapscope', longName: 'Gapscope sender', capabilities: 1 });
    expect(decodeForeFlightId(encodeForeFlightId({ name: 'X' }))!.serial).toBeNull();
    const ahrs = { rollDeg: -12.5, pitchDeg: 3.2, headingDeg: 271.4, magneticHeading: true, indicatedAirspeedKt: 110, trueAirspeedKt: 118 };
    expect(decodeForeFlightAhrs(encodeForeFlightAhrs(ahrs))).toEqual(ahrs);
    expect(decodeForeFlightAhrs(encodeForeFlightAhrs({}))).toEqual({ rollDeg: null, pitchDeg: null, headingDeg: null, magneticHeading: false, indicatedAirspeedKt: null, trueAirspeedKt: null });
  });

  it('recognizes uplink, basic and long reports by id', () => {
    expect(gdl90MessageName(Uint8Array.of(0x07), 1)).toBe('GDL90 Uplink');
    expect(gdl90MessageName(Uint8Array.of(0x1e), 1)).toBe('GDL90 Basic UAT Report');
    expect(gdl90MessageName(Uint8Array.of(0x1f), 1)).toBe('GDL90 Long UAT Report');
    expect(describeGdl90Message(new Uint8Array(436).fill(0x07, 0, 1))).toBe('GDL90 Uplink: 432-byte UAT uplink payload');
    expect(describeGdl90Message(Uint8Array.of(0x1e, 1))).toBe('GDL90 Basic UAT Report: 2 bytes, the ICD says 22');
  });
});

describe('descriptions', () => {
  it('says what a heartbeat says', () => {
    const m = encodeHeartbeat({ gpsPositionValid: true, uatInitialized: true, utcOk: true, secondsSinceMidnight: 12 * 3600 + 34 * 60 + 56 });
    expect(describeGdl90Message(m)).toBe('GDL90 Heartbeat: GPS valid, UAT initialized, UTC OK, UTC 12:34:56, 0 uplink / 0 basic+long messages');
  });

  it('says where traffic is', () => {
    const m = encodeReport(Gdl90Id.traffic, { latitude: 47.5, longitude: -122.25, altitudeFt: 3500, horizontalVelocityKt: 120, verticalVelocityFpm: 512, trackDeg: 270, callsign: 'N12345', address: 0xabcdef });
    expect(describeGdl90Message(m)).toBe('GDL90 Traffic N12345 (ICAO ABCDEF): 47.49999, -122.25000, 3500 ft, 120 kt, track 270°, +512 fpm, NIC 8 NACp 9, emitter 1');
  });

  it('says what the ForeFlight messages say', () => {
    expect(describeGdl90Message(encodeForeFlightAhrs({ rollDeg: 5, pitchDeg: -2.5, headingDeg: 270, indicatedAirspeedKt: 120, trueAirspeedKt: 130 }))).toBe(
      'GDL90 ForeFlight AHRS: roll 5.0°, pitch -2.5°, heading 270.0° true, IAS 120 kt, TAS 130 kt',
    );
  });
});
