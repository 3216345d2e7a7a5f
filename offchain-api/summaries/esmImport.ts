/**
 * A real dynamic `import()` for ESM-only packages (unpdf, @huggingface/transformers): this service
 * is compiled to CommonJS, where TypeScript would turn `import()` into `require()`. The same trick
 * as lib/storage/heliaBlobStore.node.ts.
 */
export const esmImport = new Function("specifier", "return import(specifier)") as <T>(specifier: string) => Promise<T>;
