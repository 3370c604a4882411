// Any other runtime with fetch and import.meta.url: the browser strategy.
export * from "./browser.js";
