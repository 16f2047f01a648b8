export interface DigestArticle {
  title: string;
  slug: string;
  description: string;
  body: string;
  author: string;
  favoritesCount: number;
  createdAt: Date;
}

export interface DigestInput {
  reader: string;
  /** The Monday the digest's week starts on, YYYY-MM-DD. */
  week: string;
  days: number;
  /** Most favorited first. */
  articles: DigestArticle[];
}

const lineWidth = 72;
const indent = '   ';
const excerptWords = 40;
const wordsPerMinute = 200;

/** Greedy word wrap: e-mail clients show plain text as is, so lines are kept short by hand. */
export function wrap(text: string, width: number, prefix = ''): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    if (line !== '' && prefix.length + line.length + 1 + word.length > width) {
      lines.push(prefix + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(prefix + line);
  return lines.join('\n');
}

export function readingMinutes(body: string): number {
  return Math.max(1, Math.round(countWords(body) / wordsPerMinute));
}

function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

function excerpt(body: string): string {
  const words = body.split(/\s+/).filter((word) => word !== '');
  const cut = words.slice(0, excerptWords).join(' ');
  return words.length > excerptWords ? `${cut} ...` : cut;
}

function renderArticle(article: DigestArticle, position: number): string {
  const favorites = `${article.favoritesCount} favorite${article.favoritesCount === 1 ? '' : 's'}`;
  const byline = `by ${article.author}, ${article.createdAt.toISOString().slice(0, 10)} - ${favorites} - ${readingMinutes(article.body)} min read`;
  return [
    `${position}. ${article.title}`,
    wrap(byline, lineWidth, indent),
    '',
    wrap(article.description, lineWidth, indent),
    '',
    wrap(`"${excerpt(article.body)}"`, lineWidth, indent),
    '',
    `${indent}Read it: /article/${article.slug}`,
  ].join('\n');
}

/** The plain-text digest a reader gets: their followed authors' most favorited recent articles, with excerpts. */
export function renderDigest(input: DigestInput): string {
  const count = input.articles.length;
  const intro = `Your digest for the week of ${input.week}: the ${count === 1 ? 'most favorited article' : `${count} most favorited articles`} by the authors you follow, from the last ${input.days} days.`;
  return [
    `Hello ${input.reader},`,
    '',
    wrap(intro, lineWidth),
    '',
    input.articles.map((article, index) => renderArticle(article, index + 1)).join('\n\n'),
    '',
    '--',
    wrap('You get this digest because you follow these authors on Conduit.', lineWidth),
    '',
  ].join('\n');
}
