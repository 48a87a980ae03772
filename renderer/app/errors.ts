/**
 * The page's one converter from a refusal (the back end's ErrorInfo, or a form's own check) to what
 * it shows: a sentence about the user's input, beside the field it names or in the card's banner,
 * with no internals, no paths of the back end's machine and no schema library's words (#12 item 8).
 */
import type { RequestArgs, RequestName } from '../../shared/contract';
import { GapscopeError, INTERNAL_ERROR_MESSAGE, toErrorInfo, type ErrorCode, type ErrorInfo } from '../../shared/errors';
import { validateArgs } from '../../shared/rpc/dispatcher';
import { fieldWords } from '../../shared/rpc/inputErrors';
import { isConnectionFailure } from '../api/transport';

/** What the page says when the page and its back end are not the same version. */
export const VERSION_MISMATCH_MESSAGE = 'This page and the Gapscope back end are not the same version: reload the page.';

// Words of a stack trace, a module or a JavaScript failure: Gapscope's own bug, whatever the code says.
const INTERNALS = /\n|\bat \S+ \(|\.(?:[cm]?js|ts):\d+|^Internal error\b|\b(?:Type|Reference|Range|Syntax)Error\b|\bof (?:undefined|null)\b|\bis not a function\b|\bundefined is not\b/;
// The schema library's own wording, which the door turns into sentences; here only if a back end did not.
const SCHEMA_WORDS = /\bInvalid (?:input|arguments? for|option|enum value|type)\b|\bexpected [a-z]+, received [a-z]+|\bUnrecognized keys?\b/i;
// The system's error codes that reach sentences (a record's reason quotes the OS), in words.
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'not a folder',
  EISDIR: 'is a folder',
  EEXIST: 'already exists',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available',
  ENODEV: 'no such device',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
};
const ERRNO_CODES = Object.keys(ERRNO_WORDS).join('|');
// Node's "EACCES: permission denied, open '/x'": its words stay, the code and the system call go.
const ERRNO_MESSAGE = new RegExp(`\\b(?:${ERRNO_CODES}): ([a-z][^,.;:]*?)(?:, [a-z]+(?: '[^']*')*)?(?=[.;]|$)`, 'g');
// A code on its own ("… failed: ENOSPC").
const ERRNO_CODE = new RegExp(`\\b(${ERRNO_CODES})\\b`, 'g');
// An absolute path with at least two parts (/a/b, ~/a/b, C:\a\b, \\host\share), after a space, a quote or a bracket.
const POSIX_PATH = /(^|[\s"'(“‘])(~?\/(?:[^\s/"'()“”‘’]+\/)+[^\s/"'()“”‘’]*)/g;
const WINDOWS_PATH = /(^|[\s"'(“‘])((?:[A-Za-z]:|\\\\[^\s\\"']+)\\(?:[^\s\\"']+\\)*[^\s\\"']*)/g;

/** A path's last part: the file or folder the user knows; where it lives is in the field they typed it in, or none of the page's business. */
function lastPart(path: string): string {
  const [, body = path, punctuation = ''] = /^(.*?)([.,:;!?]*)$/.exec(path) ?? [];
  const parts = body.split(/[\\/]/).filter(Boolean);
  return (parts.at(-1) ?? body) + punctuation;
}

function fieldKey(field: string | undefined): string | undefined {
  return field?.split('.').at(-1);
}

/**
 * The sentence the page shows for a refusal or for a stream's or session's reason; the one place
 * that decides it. The code alone does not hide a sentence: the door already replaced every
 * internal refusal by INTERNAL_ERROR_MESSAGE, and a record's reason ("the recording was cut short")
 * is written for people even when its code is internal.
 */
export function errorSentence(error: ErrorInfo): string {
  if (error.code === 'unknown-method') return VERSION_MISMATCH_MESSAGE;
  const message = error.message.trim();
  if (message === '' || INTERNALS.test(message)) return INTERNAL_ERROR_MESSAGE;
  const key = fieldKey(error.field);
  if (SCHEMA_WORDS.test(message)) return key ? `The ${fieldWords(key)} is not valid.` : 'Something in what you entered is not valid.';
  return message
    .replace(ERRNO_MESSAGE, '$1')
    .replace(ERRNO_CODE, (code: string) => ERRNO_WORDS[code] ?? code)
    .replace(POSIX_PATH, (_m, before: string, path: string) => before + lastPart(path))
    .replace(WINDOWS_PATH, (_m, before: string, path: string) => before + lastPart(path));
}

/**
 * What the store keeps of anything a request threw: toErrorInfo's answer (an internal failure
 * becomes the generic sentence), except that a call the dropped connection failed says so, rather
 * than sending the user to a log that holds nothing about it.
 */
export function refusalOf(err: unknown): ErrorInfo {
  if (err instanceof GapscopeError && err.code === 'internal' && isConnectionFailure(err.message)) return { code: 'internal', message: err.message };
  return toErrorInfo(err);
}

/** A refusal as shown: its sentence and code, and the form field it goes beside (null: the banner). */
export interface ShownError<F extends string> {
  sentence: string;
  code: ErrorCode;
  field: F | null;
}

/**
 * Places a refusal: beside the form's field when the request field it names is one of the form's
 * (`fieldOf` maps request fields, e.g. "port" or "config.port", to the form's), else in the banner.
 */
export function showError<F extends string>(error: ErrorInfo, fieldOf: Readonly<Partial<Record<string, F>>> = {}): ShownError<F> {
  const f = error.field === undefined ? undefined : (fieldOf[error.field] ?? fieldOf[fieldKey(error.field) ?? '']);
  return { sentence: errorSentence(error), code: error.code, field: f ?? null };
}

/** A form's own check with the door's own words: null when the request would pass the door, else its refusal. */
export function checkRequest<K extends RequestName>(method: K, args: RequestArgs<K>): ErrorInfo | null {
  try {
    validateArgs(method, args);
    return null;
  } catch (e) {
    if (e instanceof GapscopeError) return e.toInfo();
    return toErrorInfo(e);
  }
}
