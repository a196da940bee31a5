/** Memory sizes (MiB) Fargate offers for each CPU value (Linux tasks). */
const FARGATE_MEMORY: { readonly [cpu: number]: readonly number[] } = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** CPU values Fargate offers. */
export const FARGATE_CPU_VALUES: readonly number[] = Object.keys(FARGATE_MEMORY).map(Number);

/** Memory sizes Fargate offers with `cpu`; empty when `cpu` is not a Fargate value. */
export function fargateMemoryFor(cpu: number): readonly number[] {
  return FARGATE_MEMORY[cpu] ?? [];
}

/** Short description of a list of memory sizes, e.g. `1024-4096 in steps of 1024`. */
export function describeMemoryChoices(sizes: readonly number[]): string {
  if (sizes.length < 3) return sizes.join(', ');
  const step = sizes[1] - sizes[0];
  const regular = sizes.every((s, i) => i === 0 || s - sizes[i - 1] === step);
  return regular ? `${sizes[0]}-${sizes[sizes.length - 1]} in steps of ${step}` : sizes.join(', ');
}
