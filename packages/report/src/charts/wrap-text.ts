/** Splits text at spaces into lines of about `lineLength` characters: Vega draws an array of lines one under another. */
export function wrapText(text: string, lineLength: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + word.length < lineLength)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}
