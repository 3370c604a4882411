// Deterministic elementary functions in f64, built only from + − × ÷ √ and exact bit manipulation.
// IEEE 754 makes every one of those operations correctly rounded, so these functions return the same
// bits in every engine (Math.exp/log/pow/cos may differ in the last ulp between V8, JSC and
// SpiderMonkey). Accuracy is ~1–2 ulp, plenty for sweeps, schedules and initialisation; what matters
// is that the result never depends on the runtime.

const view = new DataView(new ArrayBuffer(8));

// fdlibm's split of ln 2: LN2_HI has 32 trailing zero bits, so k·LN2_HI is exact for |k| < 2^20.
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e0;
// π/2 split the same way (fdlibm pio2_1 / pio2_1t).
const PIO2_HI = 1.57079632673412561417e0;
const PIO2_LO = 6.07710050650619224932e-11;

/** 2^k for an integer k, exactly (no rounding unless the result is subnormal or overflows). */
export function exp2Int(k: number): number {
  let scale = 1;
  // Build in steps the exponent field can represent, each an exact power of two.
  while (k > 1023) {
    scale *= 8.98846567431158e307; // 2^1023
    k -= 1023;
  }
  while (k < -1022) {
    scale *= 2.2250738585072014e-308; // 2^-1022
    k += 1022;
  }
  view.setUint32(0, (k + 1023) << 20);
  view.setUint32(4, 0);
  return scale * view.getFloat64(0);
}

/** Natural logarithm. log(0) = −∞, log(x<0) = NaN, log(∞) = ∞. */
export function log(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  let e = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 18014398509481984; // 2^54: lift subnormals into the normal range
    e = -54;
  }
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  e += ((hi >>> 20) & 0x7ff) - 1023;
  view.setUint32(0, (hi & 0x000fffff) | 0x3ff00000);
  let f = view.getFloat64(0); // mantissa in [1, 2)
  if (f > Math.SQRT2) {
    f /= 2; // exact
    e += 1;
  }
  // ln f = 2·atanh(t), t = (f − 1)/(f + 1), |t| ≤ 0.1716: the odd series converges fast (t² ≤ 0.0295).
  const t = (f - 1) / (f + 1);
  const t2 = t * t;
  let s = 0;
  for (let k = 13; k >= 0; k--) s = s * t2 + 1 / (2 * k + 1);
  return e * LN2_HI + (2 * t * s + e * LN2_LO);
}

/** e^x. */
export function exp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  const k = Math.round(x * INV_LN2);
  const r = x - k * LN2_HI - k * LN2_LO; // |r| ≤ ~0.347
  // Taylor series of e^r to degree 16: the remainder is < 1e-18.
  let s = 1;
  for (let i = 16; i >= 1; i--) s = 1 + (s * r) / i;
  if (k < -1000) return (s * exp2Int(k + 200)) * exp2Int(-200); // keep subnormal results gradual
  return s * exp2Int(k);
}

/** a^b for a > 0 (and the usual a = 0 cases); integer b with |b| < 2^31 uses exact repeated squaring. */
export function pow(a: number, b: number): number {
  if (Number.isInteger(b) && Math.abs(b) < 2 ** 31) return powInt(a, b);
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (a === 0) return b > 0 ? 0 : Infinity;
  if (a < 0) return NaN;
  return exp(b * log(a));
}

/** a^k for an integer k by repeated squaring (each product correctly rounded, so deterministic). */
export function powInt(a: number, k: number): number {
  if (k < 0) return 1 / powInt(a, -k);
  let result = 1;
  let base = a;
  while (k > 0) {
    if (k & 1) result *= base;
    k = Math.floor(k / 2);
    if (k > 0) base *= base;
  }
  return result;
}

// Taylor polynomials on |r| ≤ π/4 (remainders < 1e-19).
function cosPoly(r: number): number {
  const r2 = r * r;
  let s = 1;
  for (let i = 22; i >= 2; i -= 2) s = 1 - (s * r2) / (i * (i - 1));
  return s;
}
function sinPoly(r: number): number {
  const r2 = r * r;
  let s = 1;
  for (let i = 21; i >= 3; i -= 2) s = 1 - (s * r2) / (i * (i - 1));
  return r * s;
}

/** cos x (argument reduction by π/2 in two parts; accurate for |x| up to ~1e6). */
export function cos(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  x = Math.abs(x);
  const k = Math.round(x / (PIO2_HI + PIO2_LO));
  const r = x - k * PIO2_HI - k * PIO2_LO;
  switch (((k % 4) + 4) % 4) {
    case 0:
      return cosPoly(r);
    case 1:
      return -sinPoly(r);
    case 2:
      return -cosPoly(r);
    default:
      return sinPoly(r);
  }
}
