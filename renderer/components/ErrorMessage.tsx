/** An error from the back end as people need it: the sentence first, the stable code beside it. */
import type { ErrorInfo } from '../../shared/contract';
import { errorSentence, showError } from '../app/errors';

/** Request fields → the form fields they are typed in (see showError). */
type FieldMap = Readonly<Partial<Record<string, string>>>;

/**
 * Shows a refusal's sentence (renderer/app/errors.ts decides it) and code as an alert, in a card's
 * banner; nothing when `fieldOf` places it beside one of the form's fields (ErrorFor shows it there).
 */
export function ErrorMessage({ error, testId, fieldOf }: { error: ErrorInfo; testId: string; fieldOf?: FieldMap }) {
  if (fieldOf && showError(error, fieldOf).field !== null) return null;
  return (
    <div className="error" role="alert" data-testid={testId} data-code={error.code}>
      <span className="error-message">{errorSentence(error)}</span>
      <code className="error-code">{error.code}</code>
    </div>
  );
}

/** Shows a refusal's sentence beside the form field it is about (the field's aria-describedby names `id`). */
export function FieldError({ sentence, code, id, testId }: { sentence: string; code?: string; id?: string; testId: string }) {
  return (
    <span className="field-error" role="alert" id={id} data-testid={testId} data-code={code}>
      {sentence}
    </span>
  );
}

/** A refusal beside `field` when `fieldOf` places it there; nothing otherwise. */
export function ErrorFor({ error, fieldOf, field, testId }: { error: ErrorInfo | null | undefined; fieldOf: FieldMap; field: string; testId: string }) {
  if (!error) return null;
  const shown = showError(error, fieldOf);
  return shown.field === field ? <FieldError sentence={shown.sentence} code={shown.code} testId={testId} /> : null;
}
