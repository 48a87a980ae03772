/** An error from the back end as people need it: the sentence first, the stable code beside it. */
import type { ErrorInfo } from '../../shared/contract';
import { errorSentence } from '../app/errors';

/** Shows a refusal's sentence (renderer/app/errors.ts decides it) and code as an alert, in a card's banner. */
export function ErrorMessage({ error, testId }: { error: ErrorInfo; testId: string }) {
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
    <p className="field-error" role="alert" id={id} data-testid={testId} data-code={code}>
      {sentence}
    </p>
  );
}
