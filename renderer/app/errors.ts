/**
 * The page's one converter from a refusal (the back end's ErrorInfo, or a form's own check) to what
 * it shows: a sentence about the user's input, beside the field it names or in the card's banner,
 * with no internals, no paths of the back end's machine and no schema library's words (#12 item 8).
 */
import type { RequestArgs, RequestName } from '../../shared/contract';
import { GapscopeError, INTERNAL_ERROR_MESSAGE, toErrorInfo, type ErrorCode, type ErrorInfo } from '../../shared/errors';
import { validateArgs } from '../../shared/rpc/dispatcher';
import { fieldWords } from '../../shared/rpc/inputErrors';

/** What the page says when the page and its back end are not the same version. */
export const VERSION_MISMATCH_MESSAGE = 'This page and the Gapscope back end are not the same version: reload the page.';

// Words of a stack trace or of a module: a failure inside Gapscope, whatever its code says.
const INTERNALS = /\n|\bat \S+ \(|\.(?:[cm]?js|ts):\d+|^Internal error\b|\bTypeError\b|\bundefined is not\b/;
// The schema library's own wording, which the door turns into sentences; here only if a back end did not.
const SCHEMA_WORDS = /\bInvalid (?:input|arguments? for|option|enum value|type)\b|\bexpected [a-z]+, received [a-z]+|\bUnrecognized keys?\b/i;
// Node's "EACCES: permission denied, open '/x'": the words stay, the code and the system call go.
const ERRNO = /\bE[A-Z]{2,}: ([a-z][^,.;:]*?)(?:, [a-z]+(?: '[^']*')+)?(?=[.;]|$)/g;
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

/** The sentence the page shows for a refusal; the one place that decides it. */
export function errorSentence(error: ErrorInfo): string {
  if (error.code === 'internal') return INTERNAL_ERROR_MESSAGE;
  if (error.code === 'unknown-method') return VERSION_MISMATCH_MESSAGE;
  const message = error.message.trim();
  if (message === '' || INTERNALS.test(message)) return INTERNAL_ERROR_MESSAGE;
  const key = fieldKey(error.field);
  if (SCHEMA_WORDS.test(message)) return key ? `The ${fieldWords(key)} is not valid.` : 'Something in what you entered is not valid.';
  return message
    .replace(ERRNO, '$1')
    .replace(POSIX_PATH, (_m, before: string, path: string) => before + lastPart(path))
    .replace(WINDOWS_PATH, (_m, before: string, path: string) => before + lastPart(path));
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
