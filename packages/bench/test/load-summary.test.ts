import { describe, expect, it } from 'vitest';
import { countBy, describeCounts } from '../src/load-summary.ts';

describe('countBy and describeCounts', () => {
  it('When answers are counted by label, then each label shows its count on one line', () => {
    const counts = countBy([429, 401, 429, 429], (status) => String(status));
    expect(counts).toEqual({ '429': 3, '401': 1 });
    expect(describeCounts({ '429 from nginx': 3, '401 from the app': 1 })).toBe(
      '3 × 429 from nginx, 1 × 401 from the app',
    );
  });

  it('When nothing was counted, then it reads none', () => {
    expect(describeCounts(countBy([], String))).toBe('none');
  });
});
