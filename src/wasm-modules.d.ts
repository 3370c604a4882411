// Static wasm imports as workerd (and wrangler) and Vercel Edge (`?module`) provide them.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
declare module "*.wasm?module" {
  const module: WebAssembly.Module;
  export default module;
}
