/**
 * Runs inside the report page (as text: the repository is type-checked for Node, without the DOM's types). Reads the
 * page's title and links, and per chart its drawn size and how many mark items (bars, points, lines, rules) have a
 * non-zero extent: a chart Vega laid out but drew nothing for has an SVG and no sized marks.
 */
export const probePage = `(() => {
  const charts = [...document.querySelectorAll('figure.chart')].map((figure) => {
    const box = figure.querySelector('svg')?.getBoundingClientRect();
    const marks = [...figure.querySelectorAll('.role-mark > *')];
    return {
      id: figure.id,
      width: box?.width ?? 0,
      height: box?.height ?? 0,
      sizedMarks: marks.filter((mark) => {
        const extent = mark.getBBox();
        return extent.width > 0 || extent.height > 0;
      }).length,
    };
  });
  return {
    title: document.title,
    heading: document.querySelector('main h1')?.textContent ?? '',
    links: [...document.querySelectorAll('a[href$=".html"]')].map((link) => link.href),
    charts,
  };
})()`;
