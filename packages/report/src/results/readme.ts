/** A block of a README's prose: what the report quotes of a stage's lesson. Code blocks and tables are left out. */
export type ProseBlock = { kind: 'paragraph'; text: string } | { kind: 'list'; ordered: boolean; items: string[] };

export interface Readme {
  /** The `# ` heading. */
  title: string;
  /** The prose before the first `## ` heading. */
  intro: ProseBlock[];
  /** Each `## ` section's prose, by its heading. */
  sections: Map<string, ProseBlock[]>;
}

const listItem = /^(\s*)(-|\d+\.)\s+(.*)$/;

/** Reads the headings, paragraphs and lists of a README in the subset of Markdown the stage READMEs use. */
export function parseReadme(markdown: string): Readme {
  let title = '';
  const intro: ProseBlock[] = [];
  const sections = new Map<string, ProseBlock[]>();
  let blocks = intro;
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;
  let inCode = false;

  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
    if (list) blocks.push({ kind: 'list', ...list });
    paragraph = [];
    list = undefined;
  };

  for (const line of markdown.split('\n')) {
    if (line.trimStart().startsWith('```')) {
      flush();
      inCode = !inCode;
      continue;
    }
    if (inCode) continue;
    if (line.startsWith('# ')) {
      flush();
      title = line.slice(2).trim();
      continue;
    }
    if (line.startsWith('## ')) {
      flush();
      blocks = [];
      sections.set(line.slice(3).trim(), blocks);
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('|') || trimmed.startsWith('![')) {
      flush();
      continue;
    }
    const item = listItem.exec(line);
    if (item && (item[1] as string).length === 0) {
      if (paragraph.length > 0) flush();
      const ordered = (item[2] as string) !== '-';
      if (list && list.ordered !== ordered) flush();
      list ??= { ordered, items: [] };
      list.items.push(item[3] as string);
    } else if (list) {
      list.items[list.items.length - 1] += ` ${trimmed}`;
    } else {
      paragraph.push(trimmed);
    }
  }
  flush();
  return { title, intro, sections };
}

/** The bold lead-in of a list item ("**Sessions in Redis** (`packages/sessions`): ..."), else its first sentence. */
export function leadIn(item: string): string {
  const bold = /^\*\*(.+?)\*\*/.exec(item);
  if (bold) return (bold[1] as string).replace(/\.$/, '');
  return (item.split(/(?<=\.)\s/)[0] as string).replace(/\.$/, '');
}
