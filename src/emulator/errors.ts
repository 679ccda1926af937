/**
 * The API's error body: `{error: {message, type, param, code}}`, all four always present.
 * Handlers throw ApiError; the server turns it into the response.
 */
export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function invalid(message: string, param: string | null = null, code: string | null = null): ApiError {
  return new ApiError(400, message, 'invalid_request_error', param, code);
}

/** 404 in the wording the API uses for most objects: `No assistant found with id 'asst_x'.` */
export function notFound(kind: string, id: string, param: string | null = null): ApiError {
  return new ApiError(404, `No ${kind} found with id '${id}'.`, 'invalid_request_error', param, null);
}

/** Files answer 404 with Stripe-style wording: `No such File object: file-x`. */
export function fileNotFound(id: string): ApiError {
  return new ApiError(404, `No such File object: ${id}`, 'invalid_request_error', 'id', null);
}

export function invalidUrl(method: string, path: string): ApiError {
  return new ApiError(404, `Invalid URL (${method} ${path})`, 'invalid_request_error', null, null);
}

export function missingParam(param: string): ApiError {
  return invalid(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
}

export const BAD_JSON_MESSAGE =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)";

export const NO_KEY_MESSAGE =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.";

export function badKey(key: string): ApiError {
  const shown = key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(Math.min(20, key.length - 7))}${key.slice(-4)}` : key.replace(/./g, '*');
  return new ApiError(
    401,
    `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    null,
    'invalid_api_key',
  );
}

export function serverError(): ApiError {
  return new ApiError(500, 'The server had an error while processing your request. Sorry about that!', 'server_error', null, null);
}

/**
 * A Foundry project's error body (the agents operations): `{error: {code, message, param, type,
 * details, additionalInfo: {request_id}}}`, with `param` left out when there is none, as the service
 * leaves it out (../shared/azure-foundry/recordings/08; docs/API-DEVIATIONS.md, F3).
 */
export interface FoundryErrorBody {
  error: { code: string | null; message: string; param?: string; type: string; details: unknown[]; additionalInfo: { request_id: string } };
}

export class FoundryError extends ApiError {
  override body(): ErrorBody {
    const requestId = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
    const error: FoundryErrorBody['error'] = {
      code: this.code,
      message: this.message,
      ...(this.param !== null ? { param: this.param } : {}),
      type: this.type,
      details: [],
      additionalInfo: { request_id: requestId },
    };
    return { error } as unknown as ErrorBody;
  }

  /** Any error of the emulator in the Foundry shape (status, message, param and code kept). */
  static from(e: ApiError): FoundryError {
    if (e instanceof FoundryError) return e;
    return new FoundryError(e.status, e.message, e.type, e.param, e.code, e.headers);
  }
}

export function foundryInvalid(message: string, param: string | null = null, code: string | null = 'invalid_payload'): FoundryError {
  return new FoundryError(400, message, 'invalid_request_error', param, code);
}

export function foundryNotFound(message: string): FoundryError {
  return new FoundryError(404, message, 'invalid_request_error', null, 'not_found');
}

/**
 * What the gateway in front of a Foundry project answers without a usable bearer token: not the
 * service's error shape but `{statusCode, message}` (docs/API-DEVIATIONS.md, F4).
 */
export const GATEWAY_401_MESSAGE = 'Unauthorized. Access token is missing, invalid, audience is incorrect (https://ai.azure.com), or have expired.';

export class GatewayError extends ApiError {
  override body(): ErrorBody {
    return { statusCode: this.status, message: this.message } as unknown as ErrorBody;
  }
}
