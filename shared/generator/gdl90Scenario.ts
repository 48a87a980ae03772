/**
 * A realistic GDL90 stream for the generator, as an ADS-B receiver such as a SkyEcho emits it: a
 * Heartbeat, the ForeFlight ID, an Ownship report and the Ownship Geometric Altitude every second,
 * a few Traffic targets that circle the ownship once a second each, and ForeFlight AHRS at 5 Hz.
 * One message per datagram, each framed with flags, escapes and a valid CRC. Pure and
 * deterministic: the same elapsed times give the same bytes, so tests can decode it back.
 */
import { encodeGdl90Datagram } from '../decoders/gdl90Frame';
import { encodeForeFlightAhrs, encodeForeFlightId, encodeGeometricAltitude, encodeHeartbeat, encodeOwnship, encodeTraffic } from '../decoders/gdl90Messages';

/** What to fly. */
export interface Gdl90ScenarioOptions {
  /** Wall-clock time of elapsed 0, ms since the epoch (for the Heartbeat's UTC seconds). */
  startUtcMs: number;
  /** Traffic targets, 0–20 (default 3). */
  traffic?: number;
  /** AHRS messages per second, 0–20 (default 5). */
  ahrsHz?: number;
}

const KT_TO_DEG_PER_S = 1 / 3600 / 60; // one knot is one minute of latitude per hour
const OWNSHIP = { latitude: 47.4502, longitude: -122.3088, altitudeFt: 3500, speedKt: 110, trackDeg: 90 };
const CALLSIGNS = ['N172SP', 'N525GS', 'DAL1207', 'N44TR', 'SKW5510', 'N911HP'];

/** The datagrams of a GDL90 receiver's stream, on demand by elapsed time. */
export class Gdl90Scenario {
  private readonly traffic: number;
  private readonly ahrsHz: number;
  /** Elapsed ms up to which datagrams were already handed out. */
  private doneUntil = -1;

  constructor(private readonly options: Gdl90ScenarioOptions) {
    this.traffic = Math.max(0, Math.min(20, Math.floor(options.traffic ?? 3)));
    this.ahrsHz = Math.max(0, Math.min(20, Math.floor(options.ahrsHz ?? 5)));
  }

  /** The datagrams due in (previous call, elapsedMs], in send order. */
  due(elapsedMs: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    const from = this.doneUntil;
    if (elapsedMs <= from) return out;
    // Events happen on a 1 ms grid: every 1000 ms the once-a-second burst, every 1000/ahrsHz ms an AHRS.
    const ahrsEvery = this.ahrsHz > 0 ? 1000 / this.ahrsHz : Infinity;
    const firstSecond = Math.floor(from / 1000) + 1;
    const lastSecond = Math.floor(elapsedMs / 1000);
    let nextAhrs = Number.isFinite(ahrsEvery) ? (Math.floor(from / ahrsEvery) + 1) * ahrsEvery : Infinity;
    for (let s = firstSecond; s <= lastSecond || nextAhrs <= elapsedMs; ) {
      const secondAt = s <= lastSecond ? s * 1000 : Infinity;
      if (secondAt <= nextAhrs) {
        for (const m of this.everySecond(s)) out.push(encodeGdl90Datagram([m]));
        s++;
        // The AHRS that falls on the same instant follows the burst.
        if (nextAhrs === secondAt) {
          out.push(encodeGdl90Datagram([this.ahrs(nextAhrs)]));
          nextAhrs += ahrsEvery;
        }
      } else {
        out.push(encodeGdl90Datagram([this.ahrs(nextAhrs)]));
        nextAhrs += ahrsEvery;
      }
    }
    this.doneUntil = elapsedMs;
    return out;
  }

  /** Where the ownship is at t seconds: flying its track at its speed. */
  ownshipAt(t: number): { latitude: number; longitude: number } {
    const dist = OWNSHIP.speedKt * KT_TO_DEG_PER_S * t * 60;
    const rad = (OWNSHIP.trackDeg * Math.PI) / 180;
    return {
      latitude: OWNSHIP.latitude + dist * Math.cos(rad),
      longitude: OWNSHIP.longitude + (dist * Math.sin(rad)) / Math.cos((OWNSHIP.latitude * Math.PI) / 180),
    };
  }

  private everySecond(s: number): Uint8Array[] {
    const utcSec = Math.floor((this.options.startUtcMs + s * 1000) / 1000) % 86_400;
    const own = this.ownshipAt(s);
    const msgs: Uint8Array[] = [
      encodeHeartbeat({ secondsSinceMidnight: utcSec, gpsPositionValid: true, uatInitialized: true, utcOk: true, uplinkCount: 2, basicLongCount: this.traffic }),
      encodeForeFlightId({ serial: 0x47617073, name: 'Gapscope', longName: 'Gapscope GDL90', capabilities: 0 }),
      encodeOwnship({ ...own, address: 0xa1b2c3, altitudeFt: OWNSHIP.altitudeFt, horizontalVelocityKt: OWNSHIP.speedKt, verticalVelocityFpm: 0, trackDeg: OWNSHIP.trackDeg, callsign: 'GAPSCOPE', emitterCategory: 1 }),
      encodeGeometricAltitude({ altitudeFt: OWNSHIP.altitudeFt + 120, vfomM: 10 }),
    ];
    for (let i = 0; i < this.traffic; i++) {
      // Each target circles the ownship at its own radius and speed, climbing or descending a little.
      const radiusDeg = 0.03 + 0.02 * i;
      const angle = ((s * (3 + i)) % 360) + (i * 360) / Math.max(1, this.traffic);
      const rad = (angle * Math.PI) / 180;
      msgs.push(
        encodeTraffic({
          latitude: own.latitude + radiusDeg * Math.cos(rad),
          longitude: own.longitude + radiusDeg * Math.sin(rad),
          address: 0xabc000 + i,
          altitudeFt: 2500 + 700 * i + ((s * 10 * (i % 2 ? -1 : 1)) % 500),
          horizontalVelocityKt: 90 + 25 * i,
          verticalVelocityFpm: i % 2 ? -320 : 256,
          trackDeg: (angle + 90) % 360,
          callsign: CALLSIGNS[i % CALLSIGNS.length]!,
          emitterCategory: i === 2 ? 3 : 1,
        }),
      );
    }
    return msgs;
  }

  private ahrs(atMs: number): Uint8Array {
    const t = atMs / 1000;
    return encodeForeFlightAhrs({ rollDeg: 8 * Math.sin(t / 4), pitchDeg: 2 * Math.sin(t / 7), headingDeg: OWNSHIP.trackDeg + 3 * Math.sin(t / 9), magneticHeading: false, indicatedAirspeedKt: 105, trueAirspeedKt: OWNSHIP.speedKt });
  }
}
