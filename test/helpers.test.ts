import { cidrContains, cidrsOverlap, parseCidr } from '../src/private/cidr';
import { FARGATE_CPU_VALUES, describeMemoryChoices, fargateMemoryFor } from '../src/private/fargate-sizes';

describe('parseCidr', () => {
  test('parses a block into its first address and prefix', () => {
    expect(parseCidr('192.168.1.0/24')).toEqual({ network: 0xc0a80100, prefix: 24, text: '192.168.1.0/24' });
    expect(parseCidr('0.0.0.0/0')).toEqual({ network: 0, prefix: 0, text: '0.0.0.0/0' });
  });

  test.each(['192.168.1.0', '192.168.1/24', '256.0.0.0/8', '10.0.0.0/33', '10.0.0.1/24', ' 10.0.0.0/24', '10.0.0.0/24x'])(
    'rejects %j', (text) => { expect(parseCidr(text)).toBeUndefined(); },
  );
});

describe('cidrContains and cidrsOverlap', () => {
  const block = (t: string) => parseCidr(t)!;
  test('containment includes the edges and excludes neighbours', () => {
    expect(cidrContains(block('10.0.0.0/16'), block('10.0.255.0/24'))).toBe(true);
    expect(cidrContains(block('10.0.0.0/16'), block('10.0.0.0/16'))).toBe(true);
    expect(cidrContains(block('10.0.0.0/16'), block('10.1.0.0/24'))).toBe(false);
    expect(cidrContains(block('10.0.1.0/24'), block('10.0.0.0/16'))).toBe(false);
  });
  test('overlap is symmetric and adjacent blocks do not overlap', () => {
    expect(cidrsOverlap(block('10.0.0.0/24'), block('10.0.0.128/25'))).toBe(true);
    expect(cidrsOverlap(block('10.0.0.128/25'), block('10.0.0.0/24'))).toBe(true);
    expect(cidrsOverlap(block('10.0.0.0/24'), block('10.0.1.0/24'))).toBe(false);
  });
});

describe('Fargate sizes', () => {
  test('match the table Fargate documents at its edges', () => {
    expect(FARGATE_CPU_VALUES).toEqual([256, 512, 1024, 2048, 4096, 8192, 16384]);
    expect(fargateMemoryFor(256)).toEqual([512, 1024, 2048]);
    expect(fargateMemoryFor(4096)[0]).toBe(8192);
    expect(fargateMemoryFor(4096).slice(-1)[0]).toBe(30720);
    expect(fargateMemoryFor(8192)).toContain(61440);
    expect(fargateMemoryFor(8192)).not.toContain(17408);
    expect(fargateMemoryFor(16384).slice(-1)[0]).toBe(122880);
    expect(fargateMemoryFor(300)).toEqual([]);
  });
  test('describe regular ranges compactly', () => {
    expect(describeMemoryChoices(fargateMemoryFor(1024))).toBe('2048-8192 in steps of 1024');
    expect(describeMemoryChoices(fargateMemoryFor(256))).toBe('512, 1024, 2048');
  });
});
