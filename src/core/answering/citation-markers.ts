const MARKER = /(\s*)\[(\d{1,3})\]/g;

/**
 * Keeps only `[n]` markers that point at a real source and renumbers them 1..k in order of
 * first appearance, so the citations list shows exactly the sources the text relies on.
 */
export const checkCitationMarkers = (
  text: string,
  sourceCount: number,
): { text: string; cited: number[] } => {
  const renumber = new Map<number, number>();
  const rewritten = text.replace(MARKER, (_marker, space: string, digits: string) => {
    const original = Number(digits);
    // A dropped marker takes its leading space with it: "socket [7]." becomes "socket.".
    if (original < 1 || original > sourceCount) return '';
    let assigned = renumber.get(original);
    if (assigned === undefined) {
      assigned = renumber.size + 1;
      renumber.set(original, assigned);
    }
    return `${space}[${assigned}]`;
  });
  // Drop duplicate adjacent markers ("[1][1]") a model sometimes writes.
  const deduplicated = rewritten.replace(/(\[\d+\])(?:\s*\1)+/g, '$1').replace(/[ \t]+\n/g, '\n').trim();
  return { text: deduplicated, cited: [...renumber.keys()] };
};
