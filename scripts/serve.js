#!/usr/bin/env node
// A tiny static file server for the explorable page: node:http on 127.0.0.1, serving the package root
// (so /dist/page/ can import ../entry/browser.js, which fetches /build/*.wasm). GET and HEAD only,
// correct MIME types (application/wasm for compileStreaming), no directory listings, no escape from
// the root (.. and symlinks out of it are refused), no hidden files, `/` redirects to the page.
//
//   node scripts/serve.js [--port 8080] [--host 127.0.0.1] [--root DIR]     (--port 0: any free port)
import { createReadStream, realpathSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, resolve, sep, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".pdf": "application/pdf",
};

/**
 * Starts the server; resolves with { server, url, close() } once it listens. `port` 0 picks a free port.
 * Requests outside `root` (after decoding and resolving symlinks) get 403, missing files 404.
 */
export function startServer({ root = ROOT, port = 8080, host = "127.0.0.1", log = () => {} } = {}) {
  const base = realpathSync(resolve(root));
  const server = createServer((req, res) => {
    const send = (code, text, headers = {}) => {
      res.writeHead(code, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers });
      res.end(req.method === "HEAD" ? undefined : text + "\n");
      log(`${code} ${req.method} ${req.url}`);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed", { allow: "GET, HEAD" });
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      return send(400, "bad request");
    }
    if (path.includes("\0")) return send(400, "bad request");
    // No hidden files (.git, .env …).
    if (path.split("/").some((seg) => seg.startsWith(".") && seg !== "." && seg !== "..")) return send(404, "not found");
    if (path === "/") return send(302, "see /dist/page/", { location: "/dist/page/" });
    let file = resolve(base, "." + path);
    if (file !== base && !file.startsWith(base + sep)) return send(403, "forbidden");
    let st;
    try {
      file = realpathSync(file);
      if (file !== base && !file.startsWith(base + sep)) return send(403, "forbidden");
      st = statSync(file);
      if (st.isDirectory()) {
        if (!path.endsWith("/")) return send(301, "moved", { location: `${path}/` });
        file = join(file, "index.html");
        st = statSync(file);
      }
    } catch {
      return send(404, "not found");
    }
    if (!st.isFile()) return send(404, "not found");
    res.writeHead(200, {
      "content-type": MIME[extname(file).toLowerCase()] ?? "application/octet-stream",
      "content-length": st.size,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
    });
    log(`200 ${req.method} ${req.url}`);
    if (req.method === "HEAD") return res.end();
    createReadStream(file).on("error", () => res.destroy()).pipe(res);
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      const addr = server.address();
      const url = `http://${host}:${addr.port}/`;
      done({ server, url, port: addr.port, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

function parseFlags(argv) {
  const out = { port: 8080, host: "127.0.0.1", root: ROOT };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => inline ?? argv[++i];
    if (flag === "--port" || flag === "-p") {
      const v = value();
      if (!/^\d+$/.test(v ?? "") || Number(v) > 65535) throw new Error(`--port must be 0…65535, got ${JSON.stringify(v)}`);
      out.port = Number(v);
    } else if (flag === "--host") out.host = value();
    else if (flag === "--root") out.root = resolve(value());
    else if (flag === "--help" || flag === "-h") {
      console.log("usage: node scripts/serve.js [--port 8080] [--host 127.0.0.1] [--root DIR]");
      process.exit(0);
    } else throw new Error(`unknown flag ${JSON.stringify(argv[i])} (flags: --port, --host, --root)`);
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (e) {
    console.error(`serve: ${e.message}`);
    process.exit(2);
  }
  startServer(flags).then(
    ({ url }) => console.log(`tegum page: ${url}dist/page/  (serving ${flags.root}; Ctrl-C to stop)`),
    (e) => {
      console.error(`serve: ${e.message}`);
      process.exit(1);
    },
  );
}
