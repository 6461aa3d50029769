import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32, portableCrc32 } from '../../src/store/pack.js';

describe('crc32', () => {
  it('is the IEEE CRC-32 (check value of "123456789")', () => {
    const check = Buffer.from('123456789', 'ascii');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(portableCrc32(check)).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('gives the same answer natively and in JavaScript', () => {
    for (const n of [1, 7, 64, 1000, 65537]) {
      const buf = randomBytes(n);
      expect(crc32(buf)).toBe(portableCrc32(buf));
    }
  });
});
