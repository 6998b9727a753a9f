import { ApiError, NetworkError } from '../api/client';
import { useI18n } from '../i18n/i18n-context';

/** The words for an error, in the user's language: by the API's stable code, never by parsing English. */
export function useErrorText(): (error: unknown) => string {
  const { t, errorText } = useI18n();
  return (error) => {
    if (error instanceof ApiError) {
      const text = errorText(error.code, error.message);
      return error.status >= 500 && error.requestId
        ? `${text} ${t('app.requestId', { requestId: error.requestId })}`
        : text;
    }
    if (error instanceof NetworkError) return t('error.NETWORK');
    return t('error.UNKNOWN', { message: error instanceof Error ? error.message : String(error) });
  };
}

/** An error announced to screen readers as it appears. */
export function ErrorMessage({ error }: { error: unknown }) {
  const text = useErrorText();
  return (
    <p className="message message-error" role="alert">
      {text(error)}
    </p>
  );
}
