// A bump arena over linear memory. The JS side keeps operands resident between calls
// (see src/arena.ts); kernels that need scratch take it from here and give it back.

let top: usize = (__heap_base + 15) & ~(<usize>15);

/** Current top of the arena (a mark to release to later). */
export function arenaTop(): usize {
  return top;
}

/** Allocates `bytes` (16-byte aligned), growing memory when needed. Returns 0 if memory cannot grow. */
export function arenaAlloc(bytes: usize): usize {
  const ptr = top;
  const end = (ptr + bytes + 15) & ~(<usize>15);
  const have = (<usize>memory.size()) << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >>> 16);
    if (memory.grow(pages) < 0) return 0;
  }
  top = end;
  return ptr;
}

/** Releases everything allocated after `mark`. */
export function arenaRelease(mark: usize): void {
  if (mark >= ((__heap_base + 15) & ~(<usize>15)) && mark <= top) top = mark;
}

/** 1 when this module was built with SIMD. */
export function simdEnabled(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}
