import { createRequire } from "node:module";
import path from "node:path";

/**
 * Makes @libp2p/pnet's cipher (xsalsa20 1.2.0, WebAssembly) safe for a long-running service that
 * moves multi-MiB blocks. Two defects of that package, together, crash the whole process with an
 * uncaught `RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded` (measured here:
 * three nodes replicating a 10 MiB blob, after a few smaller ones):
 *
 * - every cipher copies its whole input into one WebAssembly memory shared by the process, growing
 *   it to the largest chunk pnet passes (a coalesced write can be megabytes);
 * - a cipher keeps a view of that memory taken before another cipher grew it; the view is then
 *   detached (length 0), so its next `update` grows the memory again by the whole input, and the
 *   memory (64 MiB at most) runs out.
 *
 * The fix, until a @libp2p/pnet release carries js-libp2p's own (PR #3585, "bound xsalsa20 wasm
 * memory per message and per connection"): `update` works through its input in 64 KiB windows,
 * which fit the memory xsalsa20 starts with (the keystream is continuous across calls, so the
 * bytes are the same as one call's), and a stale view is refreshed before growing, growing only by
 * what is missing. Call {@link patchPnetCipher} before @libp2p/pnet is first imported.
 */

/** 64 KiB: well inside the 640 KiB xsalsa20's memory starts with. */
const WINDOW = 64 * 1024;

interface CipherPrototype {
  update(input: Uint8Array, output?: Uint8Array): Uint8Array;
}
interface WasmCipherPrototype {
  realloc(size: number): void;
}
interface WasmModule {
  memory: WebAssembly.Memory;
}

let patched = false;

export function patchPnetCipher(): void {
  if (patched) return;
  patched = true;
  // The copy of xsalsa20 that @libp2p/pnet loads at run time from node_modules (a runtime require,
  // so a bundler does not inline a second copy). Its WebAssembly instance is private to its
  // index.js, made by the factory in ./xsalsa20.js when index.js loads: the factory is wrapped in
  // the module cache first.
  const load = createRequire(__filename);
  const indexFile = load.resolve("xsalsa20");
  const factoryFile = path.join(path.dirname(indexFile), "xsalsa20.js");
  let wasm: WasmModule | undefined;
  if (!load.cache[indexFile]) {
    const factory = load(factoryFile) as () => WasmModule;
    const cached = load.cache[factoryFile];
    if (cached) cached.exports = () => (wasm = factory());
  }
  const XSalsa20 = load(indexFile) as {
    (nonce: Uint8Array, key: Uint8Array): { _xor: object };
    prototype: CipherPrototype;
  };

  const update = XSalsa20.prototype.update;
  XSalsa20.prototype.update = function (input: Uint8Array, output = new Uint8Array(input.length)): Uint8Array {
    for (let offset = 0; offset < input.length; offset += WINDOW) {
      const end = Math.min(offset + WINDOW, input.length);
      update.call(this, input.subarray(offset, end), output.subarray(offset, end));
    }
    return output;
  };

  const memory = wasm?.memory;
  if (!memory) return; // loaded before us, or no WebAssembly (its pure-JS fallback has neither defect)
  const probe = XSalsa20(new Uint8Array(24), new Uint8Array(32));
  const wasmCipher = Object.getPrototypeOf(probe._xor) as WasmCipherPrototype & { finalize?: () => void };
  wasmCipher.realloc = function (this: { _memory: Uint8Array }, size: number): void {
    const missing = size + 1 - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    this._memory = new Uint8Array(memory.buffer);
  };
  (probe._xor as { finalize(): void }).finalize();
}
