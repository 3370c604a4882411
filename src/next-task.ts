// A macrotask, so the event loop can deliver aborts and UI work: setImmediate where it exists (Node,
// Bun), else a MessageChannel message (browsers, Deno, workerd). setTimeout(0) is clamped (1 ms in Node,
// 4 ms nested in browsers): with a yield every 16 ms it cost ~4% of one-thread throughput at small n.
export const nextTask = (): Promise<void> =>
  new Promise((resolve) => {
    if (typeof setImmediate === "function") return void setImmediate(resolve);
    if (typeof MessageChannel === "function") {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = () => {
        port1.close();
        resolve();
      };
      return port2.postMessage(null);
    }
    setTimeout(resolve, 0);
  });
