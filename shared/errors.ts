/** Errors that cross the boundary between back end and UI: stable codes, and sentences for people. */

/** An error that crosses the boundary: a stable code for programs and a sentence for people. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** The request field the sentence is about (e.g. "port", "server", "txt"), so that a form can show it beside that field. */
  field?: string;
}

/** The stable error codes the back end returns. */
export type ErrorCode =
  | 'invalid-argument'
  | 'unknown-method'
  | 'not-found'
  | 'port-in-use'
  | 'permission-denied'
  | 'address-not-available'
  | 'no-such-interface'
  | 'join-failed'
  | 'interface-lost'
  | 'socket-error'
  | 'unsupported'
  /** The disk (or the user's quota) is full: something the user can fix, so its sentence reaches the page. */
  | 'disk-full'
  | 'internal';

/** What the page is told about a failure inside Gapscope; the details go to the log. */
export const INTERNAL_ERROR_MESSAGE = 'Something went wrong inside Gapscope (not in what you entered); the details are in its log.';

/** An error with a stable code and a sentence a person understands; it survives any transport. */
export class GapscopeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The request field it concerns, when it is about the user's input. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'GapscopeError';
  }

  /** The plain form that crosses IPC and WebSocket. */
  toInfo(): ErrorInfo {
    return this.field === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, field: this.field };
  }
}

/** True when the failure is Gapscope's own (a bug, an unexpected OS error), not something the user can fix: its details belong in the log. */
export function isInternalError(err: unknown): boolean {
  return !(err instanceof GapscopeError) || err.code === 'internal';
}

/** Turns anything thrown into an ErrorInfo; an internal failure becomes one generic sentence (log it first). */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (!isInternalError(err)) return (err as GapscopeError).toInfo();
  return { code: 'internal', message: INTERNAL_ERROR_MESSAGE };
}
