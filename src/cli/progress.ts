// A progress bar on stderr: redrawn in place on a terminal (at most 10 times a second), one line now
// and then (every ~2 s) with `--progress always` when stderr is not a terminal, nothing otherwise.
import { fmt } from "../report/svg.js";

export type ProgressMode = "auto" | "always" | "never";

export interface ProgressSink {
  update(step: number, steps: number, loss: number, stepsPerSecond: number): void;
  /** Clears the bar (terminal) so that the next output starts on a clean line. */
  done(): void;
}

const clock = () => performance.now();

function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "–";
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${String(r).padStart(2, "0")}` : `${m}:${String(r).padStart(2, "0")}`;
}

/** A progress sink writing to `write` (stderr), or a silent one. */
export function progressBar(write: (text: string) => void, options: { mode: ProgressMode; isTTY: boolean; json: boolean; label: string; columns?: number }): ProgressSink {
  const { mode, isTTY, json, label } = options;
  const live = mode === "always" || (mode === "auto" && isTTY && !json);
  if (!live) return { update() {}, done() {} };
  const inPlace = isTTY;
  let last = -Infinity;
  let drawn = false;
  const minGap = inPlace ? 100 : 2000;
  return {
    update(step, steps, loss, sps) {
      const t = clock();
      if (step < steps && t - last < minGap) return;
      last = t;
      const frac = steps > 0 ? step / steps : 1;
      const eta = sps > 0 ? (steps - step) / sps : NaN;
      const info = `${String(Math.floor(frac * 100)).padStart(3)}% step ${step}/${steps}${Number.isFinite(loss) ? ` · loss ${fmt(loss)}` : ""} · ${Math.round(sps)} steps/s · ETA ${duration(eta)}`;
      if (inPlace) {
        const width = Math.max(10, Math.min(30, (options.columns ?? 80) - info.length - label.length - 5));
        const full = Math.round(frac * width);
        write(`\r\x1b[2K${label} [${"#".repeat(full)}${".".repeat(width - full)}] ${info}`);
        drawn = true;
      } else write(`${label}: ${info}\n`);
    },
    done() {
      if (inPlace && drawn) write("\r\x1b[2K");
      drawn = false;
    },
  };
}
