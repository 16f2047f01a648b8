/** Compose accepts a command as a list or as one string split on whitespace (no shell). */
export function commandArgs(command: string | string[] | null | undefined): string[] {
  if (command === null || command === undefined) return [];
  return Array.isArray(command) ? command.map(String) : command.trim().split(/\s+/);
}

/** Finds the first http(s) URL in a healthcheck test, e.g. the one a `node -e "fetch(...)"` probe calls. */
export function healthcheckUrl(test: string | string[] | undefined): URL | null {
  const text = Array.isArray(test) ? test.join(' ') : (test ?? '');
  const match = /https?:\/\/[^\s'"`)]+/.exec(text);
  return match ? new URL(match[0]) : null;
}
