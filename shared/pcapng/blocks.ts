/**
 * pcapng constants (draft-ietf-opsawg-pcapng): block types, option codes and link types, shared by
 * the writer and the reader so that both speak the same numbers. Pure: no code, only names.
 */

/** Block types. */
export const BLOCK = {
  sectionHeader: 0x0a0d0d0a,
  interfaceDescription: 0x00000001,
  simplePacket: 0x00000003,
  nameResolution: 0x00000004,
  interfaceStatistics: 0x00000005,
  enhancedPacket: 0x00000006,
  decryptionSecrets: 0x0000000a,
  custom: 0x00000bad,
  customNoCopy: 0x40000bad,
} as const;

/** The section header's byte-order magic, as written in the writer's (little-endian) order. */
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Options valid in every block. */
export const OPT = { endOfOptions: 0, comment: 1 } as const;
/** Section header options. */
export const SHB_OPT = { hardware: 2, os: 3, userAppl: 4 } as const;
/** Interface description options. */
export const IDB_OPT = { name: 2, description: 3, tsresol: 9, os: 12 } as const;

/** Link types (tcpdump.org/linktypes.html) the writer and reader use. */
export const LINKTYPE = { null: 0, ethernet: 1, raw: 101, loop: 108, linuxSll: 113, linuxSll2: 276, ipv4: 228, ipv6: 229 } as const;

/** Bytes of a block's fixed frame: type, leading length and trailing length. */
export const BLOCK_FRAME_BYTES = 12;
