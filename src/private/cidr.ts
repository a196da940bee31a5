/** A parsed IPv4 CIDR block: first address as an unsigned 32-bit number, and prefix length. */
export interface Ipv4Block {
  readonly network: number;
  readonly prefix: number;
  readonly text: string;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Parses `a.b.c.d/n`; returns undefined when it is not a CIDR block, or when
 * host bits are set (`10.0.0.1/16`): EC2 rejects such blocks at deployment.
 */
export function parseCidr(text: string): Ipv4Block | undefined {
  const m = CIDR.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return undefined;
  return { network: address, prefix, text };
}

function lastAddress(block: Ipv4Block): number {
  return block.network + 2 ** (32 - block.prefix) - 1;
}

/** True when `inner` lies wholly inside `outer`. */
export function cidrContains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return inner.network >= outer.network && lastAddress(inner) <= lastAddress(outer);
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.network <= lastAddress(b) && b.network <= lastAddress(a);
}
