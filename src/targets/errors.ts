/**
 * Turns the SDK's errors into messages people can act on (status, what the API said, the request
 * id, and a hint), keeping the API key out of every message.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai/core/error';
import { ApiError } from '../errors.js';

const HINTS: Record<number, string> = {
  401: 'check OPENAI_API_KEY: the key is missing, mistyped or revoked (and OPENAI_BASE_URL, if you point at another server)',
  403: 'the key lacks permission for this project or endpoint; check OPENAI_PROJECT_ID / OPENAI_ORG_ID and the key\'s scopes',
  404: 'an object was deleted while the tool was running, or the target does not serve this endpoint; run plan again',
  409: 'another change to the same object was in progress; run the command again',
  429: 'the account hit a rate limit or quota; wait and run again (apply paces and retries on its own; lower --concurrency if it persists)',
};

export function describeApiError(error: unknown, what: string, baseUrl: string): ApiError | undefined {
  if (error instanceof APIConnectionTimeoutError) {
    return new ApiError(`${what}: the request to ${baseUrl} timed out`, undefined, null, null, 'check the network, or OPENAI_BASE_URL');
  }
  if (error instanceof APIConnectionError) {
    const cause = (error.cause as NodeJS.ErrnoException | undefined)?.code ?? (error.cause as Error | undefined)?.message ?? error.message;
    return new ApiError(`${what}: cannot reach ${baseUrl} (${cause})`, undefined, null, null, 'check the network, or OPENAI_BASE_URL');
  }
  if (error instanceof APIError) {
    const status = error.status;
    const detail = (error.error as { message?: string } | undefined)?.message ?? error.message;
    const id = error.requestID ? ` (request ${error.requestID})` : '';
    const hint = status !== undefined ? (HINTS[status] ?? (status >= 500 ? 'the API had a problem; run the command again (changes already made are kept, and the next run finishes the job)' : undefined)) : undefined;
    return new ApiError(`${what}: the API answered ${status ?? 'an error'}: ${detail}${id}`, status, error.code ?? null, error.requestID ?? null, hint);
  }
  return undefined;
}

/** The API answered 404: the object is gone, or the target does not serve the endpoint. */
export function isNotFound(error: unknown): boolean {
  return error instanceof APIError && error.status === 404;
}

/** One line for a failed step of apply: what the API answered (and the request id), or the error's message. */
export function errorText(error: unknown): string {
  if (error instanceof APIError) {
    const msg = (error.error as { message?: string } | undefined)?.message ?? error.message;
    return `the API answered ${error.status ?? 'an error'}: ${msg}${error.requestID ? ` (request ${error.requestID})` : ''}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
