import { test } from "vitest";
import { thomson } from "../src/thomson.js";
test("x", () => {
  for (let N = 2; N <= 12; N++) {
    const t0 = performance.now();
    const r = thomson(N, 3, { seed: 1 });
    console.log(N, r.energy.toFixed(9), r.gradientNorm.toExponential(2), r.iterations, r.hits, (performance.now() - t0).toFixed(1));
  }
});
