// One digest of a training result, for bit-for-bit comparisons between runs.
import { digest, type TrainResult } from "../src/index.js";

/** digest(W, W2 (untied models only), b, loss) over the instances in order. */
export const resultDigest = (r: TrainResult): string =>
  digest(...r.instances.flatMap((x) => (x.W2 ? [x.W, x.W2, x.b, x.loss] : [x.W, x.b, x.loss])));
