// fast-check runs from a fixed seed so that CI is reproducible; FC_SEED=… explores other inputs.
import { fc } from "@fast-check/vitest";

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261121) });
