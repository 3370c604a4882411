// IEEE 754 binary16 (f16) and bfloat16 (bf16), exactly: every bit pattern decodes to the value it
// stands for (subnormals, signed zeros, ±Infinity, NaN), and encoding rounds to nearest, ties to even.
// Only + − × ÷ on powers of two, which IEEE 754 makes exact everywhere (no Math.pow).

// POW2[k + 30] = 2^k for k in [−30, 30], built by exact doubling/halving.
const POW2 = new Float64Array(61);
POW2[30] = 1;
for (let k = 1; k <= 30; k++) {
  POW2[30 + k] = POW2[29 + k] * 2;
  POW2[30 - k] = POW2[31 - k] / 2;
}
const pow2 = (k: number) => POW2[k + 30];

/** The value of the f16 with bit pattern `bits` (low 16 bits used). */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * pow2(-24); // zero and subnormals: mant · 2^−24
  if (exp === 31) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mant) * pow2(exp - 25); // (1 + mant/2^10) · 2^(exp−15)
}

/** The f16 bit pattern nearest to `x` (ties to even; overflow → ±Infinity; NaN → 0x7e00). */
export function toFloat16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00; // 65520 is halfway between 65504 (max) and 2^16: rounds to even = Infinity
  if (a < pow2(-14)) return sign | roundHalfEven(a * pow2(24)); // subnormal; 1024 carries into the smallest normal
  let e = -14;
  while (e < 15 && a >= pow2(e + 1)) e++;
  // a = (1 + f) · 2^e; the significand scaled to 11 bits, rounded, carries into the exponent by itself.
  const m = roundHalfEven(a * pow2(10 - e)); // in [1024, 2048]
  return sign | (((e + 15) << 10) + (m - 1024));
}

/** The value of the bfloat16 with bit pattern `bits` (the top half of an f32). */
export function fromBfloat16Bits(bits: number): number {
  F32_BITS[0] = (bits & 0xffff) << 16;
  return F32[0];
}

/** The bfloat16 bit pattern nearest to `Math.fround(x)` (ties to even; NaN → 0x7fc0). */
export function toBfloat16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7fc0;
  F32[0] = x;
  const bits = F32_BITS[0];
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

const F32 = new Float32Array(1);
const F32_BITS = new Uint32Array(F32.buffer);

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f; // exact: v has at most 53 significant bits and f is its integer part
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}
