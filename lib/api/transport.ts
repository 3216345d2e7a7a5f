import type { z } from "zod";
import { FormatError, StorageError } from "../errors";
import { apiError, UNREACHABLE, type ApiErrorBody } from "./apiError";

export interface ApiTransportOptions {
  /** The service's base URL, e.g. "https://ehr.example.org" or "http://127.0.0.1:8787". */
  baseUrl: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

export interface ApiRequest {
  method: "GET" | "POST" | "DELETE";
  /** Path and query, starting with "/". */
  path: string;
  /** Sent as `application/json`. */
  json?: unknown;
  /** Sent as is, with `contentType`. */
  body?: Uint8Array | string;
  contentType?: string;
  headers?: Record<string, string>;
}

/**
 * The one place requests go out: adds the session's bearer token, and turns every failure (network,
 * non-2xx, an answer that is not JSON or not of its wire schema) into a library error
 * (./apiError.ts), so no caller sees a raw Response, a TypeError from fetch or a malformed answer.
 */
export class ApiTransport {
  /** The bearer token of the current session, if any. */
  token?: string;
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;

  constructor(options: ApiTransportOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch (error) {
      throw new FormatError("The storage service address is not a valid URL.", { cause: error });
    }
    this.baseUrl = base.href.replace(/\/+$/, "");
    const fetchFn = options.fetch ?? globalThis.fetch;
    if (typeof fetchFn !== "function") throw new FormatError("This environment has no fetch: pass one.");
    // Called unbound: browsers throw "Illegal invocation" when window.fetch is called on another object.
    this.fetch = (input, init) => fetchFn(input, init);
  }

  /** The response of a 2xx answer (`expected` narrows it); a library error otherwise. */
  async send(request: ApiRequest, expected?: number): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json, application/octet-stream" };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let body: BodyInit | undefined;
    if (request.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(request.json);
    } else if (request.body !== undefined) {
      headers["Content-Type"] = request.contentType ?? "application/octet-stream";
      body = request.body as BodyInit;
    }
    let response: Response;
    try {
      response = await this.fetch(`${this.baseUrl}${request.path}`, {
        method: request.method,
        headers: { ...headers, ...request.headers },
        body,
      });
    } catch (error) {
      throw new StorageError(UNREACHABLE, { cause: error, details: describe(request) });
    }
    const ok = expected === undefined ? response.status >= 200 && response.status < 300 : response.status === expected;
    if (ok) return response;
    if (response.status >= 200 && response.status < 300) {
      // e.g. a 204 where bytes were expected: never hand on an empty or partial answer.
      throw new StorageError("The storage service gave an unexpected answer.", {
        details: `HTTP ${response.status}, expected ${expected}`,
      });
    }
    let errorBody: ApiErrorBody | undefined;
    try {
      errorBody = ((await response.json()) as { error?: ApiErrorBody })?.error;
    } catch {
      // Not our error shape (a proxy's page, an empty body): the status decides.
    }
    throw apiError(response.status, errorBody, response.headers.get("Retry-After"));
  }

  /**
   * The JSON body of a 2xx answer, parsed with its wire schema (./wire/): an answer of another shape
   * (another version of the service, a proxy's page) is a StorageError naming the fields, never
   * handed on half-checked.
   */
  async json<S extends z.ZodType>(request: ApiRequest, schema: S, expected?: number): Promise<z.output<S>> {
    const response = await this.send(request, expected);
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new StorageError(NOT_UNDERSTOOD, { cause: error, details: `${describe(request)}: not JSON` });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".") || "the answer"))];
      throw new StorageError(NOT_UNDERSTOOD, {
        cause: parsed.error,
        details: `${describe(request)}: unexpected ${fields.slice(0, 5).join(", ")}`,
      });
    }
    return parsed.data;
  }

  /** The body of a 2xx answer as bytes. */
  async bytes(request: ApiRequest, expected?: number): Promise<Uint8Array> {
    const response = await this.send(request, expected);
    try {
      return new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw new StorageError(UNREACHABLE, { cause: error, details: "the answer was cut off" });
    }
  }
}

const NOT_UNDERSTOOD = "The storage service gave an answer this app does not understand.";

/** Method and path without the query, for details (a query may name a patient). */
function describe(request: ApiRequest): string {
  return `${request.method} ${request.path.split("?")[0]}`;
}
