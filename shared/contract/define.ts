/** Builders for contract entries, shared by the core contract and each feature's contract file. */
import type { z } from 'zod';

/** Declares a request: its argument tuple schema, and (as a type only) what it returns. */
export function request<A extends z.ZodTuple>(args: A) {
  return { returns: <R>() => ({ args, result: undefined as unknown as R }) };
}

/** Declares an event: what it carries (type only; the back end is its only producer). */
export function event<P>() {
  return { payload: undefined as unknown as P };
}
