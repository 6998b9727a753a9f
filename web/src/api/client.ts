/**
 * The interface's only way to the server: the public API under /api (SPEC section 11), so that
 * whatever a screen can do, any API client can do, and the access matrix covers it. Nothing here
 * writes a token or an answer to the console or to storage.
 */

/** A refusal from the API, with the stable `code` that the catalogue has words for. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
    readonly requestId: string | undefined,
  ) {
    super(message);
  }
}

/** The server could not be reached at all (network down, server stopped). */
export class NetworkError extends Error {}

export type Method = 'GET' | 'POST' | 'PATCH';

export interface ApiCall {
  method: Method;
  path: string;
  body?: unknown;
  token?: string;
  /** Further request headers, such as an allocation's Idempotency-Key. */
  headers?: Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sends one request; answers the Response when its status is 2xx, else throws ApiError. */
export async function send({
  method,
  path,
  body,
  token,
  headers: extra = {},
}: ApiCall): Promise<Response> {
  const headers: Record<string, string> = { ...extra };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new NetworkError('network');
  }
  if (response.ok) return response;
  const requestId = response.headers.get('X-Request-Id') ?? undefined;
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    parsed = undefined;
  }
  const code = isRecord(parsed) && typeof parsed.code === 'string' ? parsed.code : 'UNKNOWN';
  const message =
    isRecord(parsed) && typeof parsed.message === 'string' ? parsed.message : response.statusText;
  throw new ApiError(response.status, code, message, parsed, requestId);
}

/**
 * The 401s after which only a new sign-in helps. A refused electronic signature (a wrong password
 * re-entered at unblinding or review) is a 401 too, but the session is still good: the user
 * stays on the form and tries again.
 */
export function endsSession(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && error.code !== 'SIGNATURE_FAILED';
}
