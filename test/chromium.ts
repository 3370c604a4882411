// Debian's Chromium for the browser tests (runtime matrix, report, demo report, page): one path, one
// set of flags (headless as root, no background traffic on this closed network).
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = process.env.TEGUM_CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A browser with a fresh temporary profile (playwright-core makes one). */
export const launch = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

/** Collects a page's console errors/warnings and uncaught errors (into `problems`, if given), and every URL it requests. */
export function watch(page: Page, problems: string[] = []): { problems: string[]; requests: string[] } {
  const requests: string[] = [];
  page.on("console", (msg) => { if (msg.type() === "error" || msg.type() === "warning") problems.push(`${msg.type()}: ${msg.text()}`); });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("request", (req) => requests.push(req.url()));
  return { problems, requests };
}

/** Every `figure[data-figure]` of a page: its box, the number of visible SVGs in it, whether it has a caption. */
export function figureBoxes(page: Page) {
  return page.$$eval("figure[data-figure]", (els) => els.map((el) => {
    const r = el.getBoundingClientRect();
    const svgs = [...el.querySelectorAll("svg")].map((s) => s.getBoundingClientRect()).filter((b) => b.width > 10 && b.height > 10);
    return { id: el.id, width: r.width, height: r.height, svgs: svgs.length, caption: !!el.querySelector("figcaption") };
  }));
}
