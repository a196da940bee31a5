import type { CostEstimate } from './estimate';
import { HOURS_PER_MONTH, LEFT_OUT, PRICES, PRICES_DATE, PRICES_REGION } from './prices';

function money(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

/** The estimate as the `cost` command prints it. */
export function formatEstimate(estimate: CostEstimate, title: string): string {
  const out: string[] = [];
  out.push(`Idle monthly cost of ${title}`);
  out.push(`${PRICES_REGION} list prices of ${PRICES_DATE}, ${HOURS_PER_MONTH} hours, minimum task counts, no traffic (USD)`);
  out.push('');
  const width = Math.max(...estimate.lines.map((l) => l.logicalId.length), 10);
  for (const l of estimate.lines) {
    out.push(`${money(l.monthlyUsd).padStart(9)}  ${l.logicalId.padEnd(width)}  ${l.description}`);
  }
  out.push(`${'-'.repeat(9)}`);
  out.push(`${money(estimate.totalMonthlyUsd).padStart(9)}  total a month`);
  out.push('');
  out.push(`Fargate Spot is assumed ${Math.round(PRICES.fargateSpotDiscount.usd * 100)} % below on-demand; Container Insights is an estimate. Other regions: prices differ, often by 5-20 %.`);

  const free = Object.entries(estimate.freeAtRest).sort(([a], [b]) => a.localeCompare(b));
  if (free.length > 0) {
    const total = free.reduce((sum, [, n]) => sum + n, 0);
    out.push(`No charge at rest (billed by use only, or free): ${total} resources of ${free.length} types`);
    out.push(...wrap(free.map(([type, n]) => (n > 1 ? `${type} x${n}` : type)), 100).map((l) => `  ${l}`));
  }
  if (estimate.unpriced.length > 0) {
    out.push(`Unpriced, not in the total: ${estimate.unpriced.length}`);
    for (const u of estimate.unpriced) out.push(`  ${u.logicalId} (${u.type}): ${u.reason}`);
  }
  out.push('Left out:');
  for (const item of LEFT_OUT) out.push(`  - ${item}`);
  return out.join('\n');
}

/** Comma-separated items in lines of at most `width` characters (longer items get a line each). */
function wrap(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const item of items) {
    const next = current ? `${current}, ${item}` : item;
    if (current && next.length > width) {
      lines.push(`${current},`);
      current = item;
    } else {
      current = next;
    }
  }
  if (current) lines.push(current);
  return lines;
}
