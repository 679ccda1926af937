/**
 * How the Azure SDK's requests leave the process: an `HttpClient` (the SDK's documented
 * `httpClient` option, @azure/core-rest-pipeline) that sends each request with the tool's own
 * fetch, so the agents operations pass through exactly what the openai SDK's requests pass
 * through (the request log of --verbose, the lease's fence, the stop's fence, the pacing budget).
 *
 * Plain http: the SDK's bearer policy refuses any non-https URL, whatever
 * `allowInsecureConnection` says (@azure/core-rest-pipeline 1.25.1,
 * `bearerTokenAuthenticationPolicy`). For a loopback endpoint (the emulator) the SDK is given the
 * https form of the endpoint and this client sends to the http origin the user named; any other
 * http endpoint is refused before a request is made (endpoint.ts). docs/API-DEVIATIONS.md F23.
 *
 * Errors leave as the openai SDK's (`APIError` with the status and the body, `APIConnectionError`,
 * `APIConnectionTimeoutError`), so retries, messages and "not found" are decided in one place for
 * every request the tool makes (src/targets/retry.ts, errors.ts).
 */
import { createHttpHeaders, RestError, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';

export interface TransportOptions {
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  /** `https://127.0.0.1:PORT` -> `http://127.0.0.1:PORT`: the origin the SDK is given, and the one requests go to. */
  downgrade?: { from: string; to: string };
}

function bodyOf(request: PipelineRequest): NonNullable<RequestInit['body']> | undefined {
  const b = request.body;
  if (b === undefined || b === null) return undefined;
  if (typeof b === 'string' || b instanceof Blob || b instanceof ArrayBuffer || ArrayBuffer.isView(b)) return b as NonNullable<RequestInit['body']>;
  throw new Error(`the Foundry transport sends text and byte bodies only (got ${typeof b})`);
}

export function fetchHttpClient(options: TransportOptions): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const headers = new Headers();
      for (const [name, value] of request.headers) headers.set(name, value);
      const url = options.downgrade && request.url.startsWith(options.downgrade.from) ? options.downgrade.to + request.url.slice(options.downgrade.from.length) : request.url;
      const signals = [AbortSignal.timeout(request.timeout > 0 ? request.timeout : options.timeoutMs)];
      if (request.abortSignal) signals.push(request.abortSignal as AbortSignal);
      let response: Response;
      let text: string;
      try {
        response = await options.fetch(url, { method: request.method, headers, body: bodyOf(request), signal: AbortSignal.any(signals) });
        text = await response.text();
      } catch (error) {
        throw Object.assign(new RestError((error as Error).message, { code: sendErrorCode(error), request }), { cause: error });
      }
      const responseHeaders = createHttpHeaders();
      response.headers.forEach((v, k) => responseHeaders.set(k, v));
      return { request, status: response.status, headers: responseHeaders, bodyAsText: text };
    },
  };
}

/**
 * The code the SDK's retry policy reads (a system error's: ECONNRESET, ETIMEDOUT, … are retried
 * where the SDK retries); a request aborted by its caller (the stop) is not retried.
 */
function sendErrorCode(error: unknown): string {
  const e = error as { name?: string; cause?: { code?: unknown } };
  if (e.name === 'TimeoutError') return 'ETIMEDOUT';
  if (e.name === 'AbortError') return RestError.REQUEST_SEND_ERROR;
  const code = e.cause?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : 'ECONNRESET';
}

function parsed(text: string | null | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** An error the Azure SDK threw, as the openai SDK would have thrown it for the same answer. */
export function asOpenAIError(error: unknown): unknown {
  if (!(error instanceof RestError) && !(error instanceof Error && error.name === 'RestError')) return error;
  const e = error as RestError;
  const status = e.statusCode ?? e.response?.status;
  if (status === undefined) {
    const cause = (e as { cause?: unknown }).cause;
    if (cause instanceof Error && cause.name === 'TimeoutError') return new APIConnectionTimeoutError({ message: 'Request timed out.' });
    return new APIConnectionError({ message: e.message, cause: cause instanceof Error ? cause : e });
  }
  const headers = new Headers();
  for (const [k, v] of e.response?.headers ?? []) headers.set(k, v);
  const body = parsed(e.response?.bodyAsText);
  const message = typeof body?.message === 'string' ? body.message : e.message;
  return APIError.generate(status, body ?? { error: { message } }, message, headers);
}

/** `fn`, with the Azure SDK's errors turned into the openai SDK's. */
export async function azure<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw asOpenAIError(error);
  }
}
