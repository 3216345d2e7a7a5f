/**
 * A real dynamic `import()` for ESM-only packages (@helia/*, kubo-rpc-client, unpdf,
 * @huggingface/transformers, vite): this project is compiled to CommonJS, where TypeScript would
 * turn `import()` into `require()`, which cannot load them. One copy for the library, the service,
 * the scripts and the tests.
 */
export const esmImport = new Function("specifier", "return import(specifier)") as <T = never>(
  specifier: string,
) => Promise<T>;
