/** Plain JSON-RPC over HTTP, with batches: the growth phase sends thousands of calls per request. */

export interface RpcCall {
  method: string;
  params: unknown[];
}

/** One JSON-RPC client bound to a URL. */
export interface Rpc {
  call<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Answers the results in call order; the first error rejects with its message and method. */
  batch<T = unknown>(calls: RpcCall[]): Promise<T[]>;
}

type Reply = { id: number; result?: unknown; error?: { message: string } };

export function createRpc(url: string): Rpc {
  let nextId = 1;
  const post = async (body: unknown): Promise<unknown> => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`JSON-RPC HTTP ${res.status}`);
    return res.json();
  };
  const unwrap = (reply: Reply, method: string) => {
    if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
    return reply.result;
  };
  return {
    async call<T>(method: string, params: unknown[] = []) {
      const reply = (await post({ jsonrpc: "2.0", id: nextId++, method, params })) as Reply;
      return unwrap(reply, method) as T;
    },
    async batch<T>(calls: RpcCall[]) {
      if (calls.length === 0) return [];
      const first = nextId;
      nextId += calls.length;
      const replies = (await post(calls.map((c, i) => ({ jsonrpc: "2.0", id: first + i, ...c })))) as Reply[];
      const byId = new Map(replies.map((r) => [r.id, r]));
      return calls.map(
        (c, i) => unwrap(byId.get(first + i) ?? { id: 0, error: { message: "no reply" } }, c.method) as T,
      );
    },
  };
}
