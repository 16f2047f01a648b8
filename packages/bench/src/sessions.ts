/** How many of these tokens the API no longer accepts (GET /api/user answers 401). */
export async function rejectedTokens(
  baseUrl: string,
  tokens: string[],
): Promise<{ checked: number; rejected: number }> {
  let rejected = 0;
  for (const token of tokens) {
    const response = await fetch(new URL('/api/user', baseUrl), {
      headers: { authorization: `Token ${token}` },
    });
    await response.arrayBuffer();
    if (response.status === 401) rejected++;
  }
  return { checked: tokens.length, rejected };
}
