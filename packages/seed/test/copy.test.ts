import { describe, expect, it } from 'vitest';
import { copyText } from '../src/copy.ts';
import { renderProgress } from '../src/progress.ts';

describe('copyText', () => {
  it('When a value holds COPY delimiters, then they are escaped; null becomes \\N', () => {
    expect(copyText('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(copyText(null)).toBe('\\N');
    expect(copyText(12)).toBe('12');
  });
});

describe('renderProgress', () => {
  it('When half of a table is loaded, then the line shows the table, a half bar, 50%, rows and the rate', () => {
    const line = renderProgress({ table: 'articles', rows: 5_000, total: 10_000, done: false }, 2_500);
    expect(line).toMatch(/^articles +\[#{12}\.{12}\] +50% +5,000 rows +2,500 rows\/s$/);
  });

  it('When the total is unknown, then the percentage shows a question mark until done', () => {
    expect(renderProgress({ table: 'article_tags', rows: 10, total: undefined, done: false }, 1)).toContain(
      '?%',
    );
    expect(renderProgress({ table: 'article_tags', rows: 10, total: undefined, done: true }, 1)).toContain(
      '100%',
    );
  });
});
