/**
 * A capture's UDP datagrams rewritten as a raw-IP pcapng, leaving some out and optionally moving a
 * flow to another destination (as NAT would): how tests make "the other side's capture" with known
 * missing packets from a real one. Pure: bytes in, bytes out.
 */
import { addressBytes, concatBytes, enhancedPacketBlock, interfaceDescriptionBlock, rawUdpPacket, sectionHeaderBlock } from '../../pcapng/write';
import { OfflineAnalysis } from '../offlineAnalysis';

/** Which datagrams to leave out (by flow and index within it) and where to send each flow instead. */
export interface CaptureCopyOptions {
  drop: (flowId: string, index: number) => boolean;
  dstOf?: (flowId: string) => { address: string; port: number } | null;
  appName?: string;
}

/** Copies the datagrams of a pcap/pcapng (plain bytes) into a new pcapng; returns it and the dropped count per flow. */
export function copyCaptureWithout(input: Uint8Array, options: CaptureCopyOptions): { bytes: Uint8Array; dropped: Map<string, number> } {
  const parts: Uint8Array[] = [sectionHeaderBlock({ userAppl: options.appName ?? 'Gapscope test copy' }), interfaceDescriptionBlock({ name: 'copy', tsresol: 6 })];
  const seen = new Map<string, number>();
  const dropped = new Map<string, number>();
  const analysis = new OfflineAnalysis({
    onDatagram: (d, flow) => {
      if (!flow) return;
      const i = seen.get(flow.id) ?? 0;
      seen.set(flow.id, i + 1);
      if (options.drop(flow.id, i)) {
        dropped.set(flow.id, (dropped.get(flow.id) ?? 0) + 1);
        return;
      }
      const dst = options.dstOf?.(flow.id) ?? { address: d.dstAddress, port: d.dstPort };
      parts.push(enhancedPacketBlock(0, d.timeMs, 6, rawUdpPacket({ address: addressBytes(d.srcAddress)!, port: d.srcPort }, { address: addressBytes(dst.address)!, port: dst.port }, d.payload)));
    },
  });
  analysis.reader().push(input);
  analysis.finish();
  const bytes = concatBytes(parts);
  return { bytes, dropped };
}
