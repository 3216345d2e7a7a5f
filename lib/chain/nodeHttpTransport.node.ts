import http from "node:http";
import { custom, HttpRequestError, RpcRequestError, TimeoutError, type CustomTransport } from "viem";

/** The whole answer to one POST. */
export interface PostedAnswer {
  status: number;
  body: Buffer;
}

/**
 * POSTs a JSON `body` to `url` over node:http (kept-alive connections of `agent`) and reads the
 * whole answer; rejects when the server cannot be reached, or after `timeoutMs` with an Error whose
 * code is "ETIMEDOUT". @default timeoutMs none
 */
export function postJson(
  url: string,
  body: string,
  options: { agent: http.Agent; timeoutMs?: number },
): Promise<PostedAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent: options.agent,
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 502, body: Buffer.concat(chunks) }));
        response.on("error", reject);
      },
    );
    if (options.timeoutMs !== undefined) {
      request.setTimeout(options.timeoutMs, () =>
        request.destroy(Object.assign(new Error("The request timed out."), { code: "ETIMEDOUT" })),
      );
    }
    request.on("error", reject);
    request.end(body);
  });
}

export interface NodeHttpTransportOptions {
  /** The longest one call may take, in ms. @default 10000 */
  timeoutMs?: number;
  /** Tries after the first, for a failure viem deems passing (connection refused, 5xx...). @default 1 */
  retryCount?: number;
}

/**
 * A viem transport for a JSON-RPC node over node:http with kept-alive connections, for the
 * service's own chain reads: viem's `http` transport goes through fetch, whose WebAssembly parser and
 * web streams were a fifth of a 1 KB upload's main-thread time. Its failures are the `http`
 * transport's own classes (HttpRequestError, TimeoutError, RpcRequestError with the node's code and
 * revert data), so viem retries, decodes reverts and reports them exactly as it does over fetch.
 */
export function nodeHttpTransport(url: string, options: NodeHttpTransportOptions = {}): CustomTransport {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const timeoutMs = options.timeoutMs ?? 10_000;
  let id = 0;
  return custom(
    {
      async request({ method, params }: { method: string; params?: unknown }) {
        const call = { jsonrpc: "2.0", id: ++id, method, params: params ?? [] };
        let answer: PostedAnswer;
        try {
          answer = await postJson(url, JSON.stringify(call), { agent, timeoutMs });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ETIMEDOUT") throw new TimeoutError({ body: call, url });
          throw new HttpRequestError({ body: call, url, cause: error as Error, details: (error as Error).message });
        }
        let reply: { result?: unknown; error?: { code: number; message: string; data?: unknown } } | undefined;
        try {
          reply = JSON.parse(answer.body.toString("utf8"));
        } catch {
          // not JSON: reported below with the status
        }
        if (answer.status !== 200 && !reply?.error) {
          throw new HttpRequestError({
            body: call,
            url,
            status: answer.status,
            details: answer.body.toString("utf8", 0, 200),
          });
        }
        if (!reply)
          throw new HttpRequestError({ body: call, url, status: answer.status, details: "The answer is not JSON." });
        if (reply.error) throw new RpcRequestError({ body: call, error: reply.error, url });
        return reply.result;
      },
    },
    { retryCount: options.retryCount ?? 1 },
  );
}
