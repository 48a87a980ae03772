/** The back end's door: finds the method, validates its arguments, runs it, and wraps the outcome. */
import { contract, type GapscopeService, type RequestName } from '../contract';
import { GapscopeError, toErrorInfo } from '../errors';
import type { Outcome } from './envelope';

/** One function per transport to call: (method, raw args) → outcome. Transports add no glue. */
export type Dispatch = (method: string, rawArgs: unknown) => Promise<Outcome>;

function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(contract.requests, name);
}

/** Formats a schema failure as one sentence naming the field: "port: port must be 1–65535". */
function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => {
      const path = i.path.filter((p) => typeof p !== 'number' || i.path.length === 1).join('.');
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
}

/** Validates a request's arguments against the contract, throwing a GapscopeError if they are wrong. */
export function validateArgs<K extends RequestName>(method: K, rawArgs: unknown): unknown[] {
  const schema = contract.requests[method].args;
  const parsed = schema.safeParse(rawArgs);
  if (!parsed.success) {
    throw new GapscopeError('invalid-argument', `Invalid arguments for ${method}: ${describeIssues(parsed.error.issues)}`);
  }
  return parsed.data as unknown[];
}

/** Builds the dispatcher for a service implementation. */
export function createDispatcher(service: GapscopeService): Dispatch {
  return async (method, rawArgs) => {
    try {
      if (!isRequestName(method)) throw new GapscopeError('unknown-method', `Unknown request "${method}"`);
      const args = validateArgs(method, rawArgs);
      const fn = service[method] as (...a: unknown[]) => unknown;
      const value = await fn.apply(service, args);
      return { ok: true, value: value === undefined ? null : value };
    } catch (err) {
      return { ok: false, error: toErrorInfo(err) };
    }
  };
}
