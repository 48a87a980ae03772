/** The wire format both transports carry: a call, its outcome, and pushed events. */
import { z } from 'zod';
import type { ErrorInfo } from '../errors';

/** A request from the UI: which method, its arguments, and an id to match the reply. */
export const CallMessageSchema = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(64),
  args: z.array(z.unknown()).max(16),
});

/** The outcome of a call: a value or an error; never a thrown exception across the boundary. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: ErrorInfo };

/** A reply to a call. */
export interface ReplyMessage {
  type: 'reply';
  id: number;
  outcome: Outcome;
}

/** An event pushed by the back end. */
export interface EventMessage {
  type: 'event';
  name: string;
  payload: unknown;
}

/** Anything the back end sends to a client. */
export type ServerMessage = ReplyMessage | EventMessage;
