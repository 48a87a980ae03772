/** The back end's door: finds the method, validates its arguments, runs it, and wraps the outcome. */
import { contract, type GapscopeService, type RequestName } from '../contract';
import { GapscopeError, isInternalError, toErrorInfo } from '../errors';
import type { Outcome } from './envelope';
import { defaultFragment, describeInputError } from './inputErrors';

/** One function per transport to call: (method, raw args) → outcome. Transports add no glue. */
export type Dispatch = (method: string, rawArgs: unknown) => Promise<Outcome>;

/** Where the details of internal failures go (the back end's stderr by default): never to the page. */
export interface DispatcherOptions {
  log?: (line: string) => void;
}

function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(contract.requests, name);
}

/** Validates a request's arguments against the contract, throwing a GapscopeError that names the field in the user's words. */
export function validateArgs<K extends RequestName>(method: K, rawArgs: unknown): unknown[] {
  const schema = contract.requests[method].args;
  const parsed = schema.safeParse(rawArgs, { error: defaultFragment });
  if (!parsed.success) {
    const { message, field } = describeInputError(schema, parsed.error.issues);
    throw new GapscopeError('invalid-argument', message, field);
  }
  return parsed.data as unknown[];
}

/** Builds the dispatcher for a service implementation. */
export function createDispatcher(service: GapscopeService, options: DispatcherOptions = {}): Dispatch {
  // shared/ has no Node types: the console of whatever runs the door (Node's goes to stderr).
  const log = options.log ?? ((line: string) => (globalThis as { console?: { error(s: string): void } }).console?.error(line));
  return async (method, rawArgs) => {
    try {
      if (!isRequestName(method)) throw new GapscopeError('unknown-method', `Unknown request "${String(method).slice(0, 64)}"`);
      const args = validateArgs(method, rawArgs);
      const fn = service[method] as (...a: unknown[]) => unknown;
      const value = await fn.apply(service, args);
      return { ok: true, value: value === undefined ? null : value };
    } catch (err) {
      if (isInternalError(err)) log(`gapscope: internal error in ${String(method).slice(0, 64)}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return { ok: false, error: toErrorInfo(err) };
    }
  };
}
