/**
 * Node globals that dependencies (not the library) reach for in the browser, injected by esbuild
 * into the Chromium test bundle: eth-crypto 4.1 calls the global `Buffer` in
 * encryptWithPublicKey, decryptWithPrivateKey and cipher.stringify/parse. A web build of the
 * library needs the same (the `buffer` package). "buffer/" names the package, not Node's module.
 */
export { Buffer } from "buffer/";
