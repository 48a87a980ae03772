/** Builders for contract entries, shared by the core contract and each feature's contract file. */
import { z } from 'zod';

/** Declares a request: its argument tuple schema, and (as a type only) what it returns. */
export function request<A extends z.ZodTuple>(args: A) {
  return { returns: <R>() => ({ args, result: undefined as unknown as R }) };
}

/** Declares an event: what it carries (type only; the back end is its only producer). */
export function event<P>() {
  return { payload: undefined as unknown as P };
}

/**
 * A path on the back end's machine, for every request that names a file or folder: absolute (it
 * never depends on the back end's working folder), on its own disks (no \\server\share or
 * //server), and not a device or a system folder (/dev/zero would never end; /proc and /sys hold
 * nothing Gapscope reads or writes).
 */
export const localPath = z
  .string()
  .trim()
  .min(1, 'must be given')
  .max(4096)
  .refine((p) => !/^(\\\\|\/\/|[\\/]{2})/.test(p), { message: 'must be on this machine, not a network path (\\\\server\\share or //server/share)' })
  .refine((p) => /^(\/|[A-Za-z]:[\\/])/.test(p), { message: 'must be an absolute path (on the machine running Gapscope)' })
  .refine((p) => !p.includes('\0'), { message: 'must not contain NUL characters' })
  .refine((p) => !/^\/(dev|proc|sys)(\/|$)/.test(p) && !(/^[A-Za-z]:/.test(p) && /[\\/](CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\.[^\\/]*)?$/i.test(p)), { message: 'must not be a device or a system folder (/dev, /proc, /sys, CON, NUL…)' });

/** A pcapng file to write: a local path ending in .pcapng. */
export const pcapngOutputPath = localPath.refine((p) => /\.pcapng$/i.test(p), { message: 'must end in .pcapng' });

/** A stretch of a capture in seconds after its first frame (as Wireshark's frame.time_relative); an absent end is the file's. */
export const secondsRange = z
  .object({
    fromS: z.number().finite().min(0, 'must be 0 s or later').optional(),
    toS: z.number().finite().min(0, 'must be 0 s or later').optional(),
  })
  .strict()
  .refine((r) => r.fromS === undefined || r.toS === undefined || r.toS >= r.fromS, { message: 'the range must end after it starts', path: ['toS'] });

/** Whether a request may replace an existing file; without it, it never does. */
export const overwriteOptions = z.object({ overwrite: z.boolean().optional() }).strict();
