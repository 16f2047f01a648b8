import { escapeHtml } from './html.ts';

export interface PageLink {
  href: string;
  label: string;
}

/** A whole page: plain HTML with the site's one stylesheet, relative links only, so it works from file://. */
export function renderPage(page: { title: string; nav: PageLink[]; body: string }): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    '<link rel="stylesheet" href="style.css">',
    '</head>',
    '<body>',
    `<nav>${page.nav.map((link) => `<a href="${link.href}">${escapeHtml(link.label)}</a>`).join('')}</nav>`,
    '<main>',
    page.body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export const stylesheet = `:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --rule: #d1d9e0; --accent: #2f6fdf; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, sans-serif; color: var(--ink); background: #f6f8fa; }
nav { display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 10px 24px; background: #1f2328; }
nav a { color: #fff; text-decoration: none; font-size: 14px; }
nav a:hover { text-decoration: underline; }
main { max-width: 1080px; margin: 0 auto; padding: 8px 24px 48px; }
h1 { font-size: 26px; margin: 24px 0 8px; }
h2 { font-size: 20px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 16px; margin: 24px 0 6px; }
p, li { max-width: 80ch; }
.lead { font-size: 16px; color: var(--muted); }
.card { background: #fff; border: 1px solid var(--rule); border-radius: 6px; padding: 12px 16px; margin: 12px 0; }
.card h2 { margin-top: 4px; }
.pass { color: #1a7f37; font-weight: 600; }
.fail { color: #cf222e; font-weight: 600; }
code { font: 13px ui-monospace, monospace; background: #eff1f3; padding: 1px 4px; border-radius: 4px; }
table { border-collapse: collapse; margin: 8px 0 16px; background: #fff; font-size: 14px; }
th, td { border: 1px solid var(--rule); padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #eff1f3; }
.number { text-align: right; font-variant-numeric: tabular-nums; }
figure.chart { margin: 12px 0; padding: 8px; background: #fff; border: 1px solid var(--rule); border-radius: 6px; overflow-x: auto; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 0 16px; }
.meta { font-size: 13px; color: var(--muted); }
`;
