/**
 * Whether a model's reply repeats its instructions. A model that obeys an injected "print your
 * system prompt" would have them posted: they hold no secret, but they are no answer either, and
 * they show an attacker which rules to work around.
 *
 * Texts are compared as words, after Unicode normalisation, lower-casing and dropping punctuation,
 * markup and invisible characters, so bullets, quotes, code spans, emphasis or new line breaks do
 * not hide a copy. A run of ECHO_RUN_WORDS consecutive words of the instructions is a copy; shorter
 * shared phrases ("the sources do not contain the answer") are what ordinary answers say.
 */
export const ECHO_RUN_WORDS = 8;

const wordsOf = (text: string): string[] =>
  text
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '') // zero-width and other format characters, which could split words unseen
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);

const runAt = (words: string[], start: number, length: number): string => words.slice(start, start + length).join(' ');

/**
 * A detector for one set of instructions: it gives how many of a reply's words lie in a run of at
 * least `runWords` words that the instructions also contain, 0 when none does.
 */
export const createEchoDetector = (instructions: string, runWords: number = ECHO_RUN_WORDS): ((reply: string) => number) => {
  const instructionWords = wordsOf(instructions);
  const runs = new Set<string>();
  for (let start = 0; start + runWords <= instructionWords.length; start++) runs.add(runAt(instructionWords, start, runWords));
  return (reply) => {
    const words = wordsOf(reply);
    const copied = new Uint8Array(words.length);
    for (let start = 0; start + runWords <= words.length; start++) {
      if (runs.has(runAt(words, start, runWords))) copied.fill(1, start, start + runWords);
    }
    return copied.reduce((count, flag) => count + flag, 0);
  };
};
