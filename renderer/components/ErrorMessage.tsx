/** An error from the back end as people need it: the sentence first, the stable code beside it. */
import type { ErrorInfo } from '../../shared/contract';

/** Shows a GapscopeError's message and code as an alert. */
export function ErrorMessage({ error, testId }: { error: ErrorInfo; testId: string }) {
  return (
    <div className="error" role="alert" data-testid={testId} data-code={error.code}>
      <span className="error-message">{error.message}</span>
      <code className="error-code">{error.code}</code>
    </div>
  );
}
