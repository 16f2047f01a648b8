import { describe, expect, it } from 'vitest';
import { compareLsn, lsnBytesBetween, maxLsn } from '../src/index.ts';

describe('LSN arithmetic', () => {
  it('When two positions differ in the high half, then the higher half wins whatever the text order says', () => {
    expect(compareLsn('10/0', '9/FFFFFFFF')).toBeGreaterThan(0);
    expect(compareLsn('9/FFFFFFFF', '10/0')).toBeLessThan(0);
  });

  it('When two positions differ only in the low half, then they compare by its value, not its length', () => {
    expect(compareLsn('16/B374D848', '16/B374D849')).toBeLessThan(0);
    expect(compareLsn('0/10000000', '0/FFFFFFF')).toBeGreaterThan(0);
  });

  it('When one position is written in another case or with leading zeros, then it compares equal', () => {
    expect(compareLsn('16/b374d848', '016/B374D848')).toBe(0);
  });

  it('When the positions are past 2^53 bytes, then they still compare and subtract exactly', () => {
    expect(compareLsn('FFFFFFFF/FFFFFFFF', 'FFFFFFFF/FFFFFFFE')).toBeGreaterThan(0);
    expect(lsnBytesBetween('FFFFFFFF/FFFFFF00', 'FFFFFFFF/FFFFFFFF')).toBe(255);
  });

  it('When the bytes between two positions are asked, then they cross the high half and are never negative', () => {
    expect(lsnBytesBetween('1/FFFFFFFF', '2/1')).toBe(2);
    expect(lsnBytesBetween('2/1', '1/FFFFFFFF')).toBe(0);
  });

  it('When the latest of several positions is asked, then nulls are skipped and none given is null', () => {
    expect(maxLsn('9/FFFFFFFF', null, '10/0', undefined, '0/1')).toBe('10/0');
    expect(maxLsn(null, undefined)).toBeNull();
    expect(maxLsn()).toBeNull();
  });

  it('When a position is not an LSN, then the error names it and shows the expected form', () => {
    expect(() => compareLsn('16-B374D848', '0/0')).toThrow(
      /"16-B374D848" is not a PostgreSQL LSN.*16\/B374D848/,
    );
    expect(() => compareLsn('0/123456789', '0/0')).toThrow(/not a PostgreSQL LSN/);
  });
});
