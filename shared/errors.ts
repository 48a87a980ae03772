/** Errors that cross the boundary between back end and UI: stable codes, and sentences for people. */

/** An error that crosses the boundary: a stable code for programs and a sentence for people. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
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
  | 'internal';


/** An error with a stable code and a sentence a person understands; it survives any transport. */
export class GapscopeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GapscopeError';
  }

  /** The plain form that crosses IPC and WebSocket. */
  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

/** Turns anything thrown into an ErrorInfo, hiding internals behind a generic sentence. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof GapscopeError) return err.toInfo();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `Internal error: ${message}` };
}
