/**
 * A channel in the policy: an id ("C01NETOPS", a Teams conversation id) or, after "#", a name with
 * `*` and `?` wildcards ("#netops-*"). Names compare case-insensitively.
 */
export type ChannelPattern = { source: string; test(channel: { id: string; name?: string }): boolean };

const UNSUPPORTED = /[[\]{}!]/;

/** Returns a description of what is wrong with a pattern, or undefined when it is valid. */
export const channelPatternProblem = (pattern: string): string | undefined => {
  if (pattern.trim() === '' || pattern === '#') return 'is empty';
  if (/\s$|^\s/.test(pattern)) return 'has leading or trailing spaces';
  if (!pattern.startsWith('#')) return /[*?]/.test(pattern) ? 'has wildcards but no "#": wildcards apply to channel names, written "#name-*"' : undefined;
  if (UNSUPPORTED.test(pattern)) return 'uses unsupported glob syntax: only * and ? wildcards are allowed';
  if (pattern.includes('**')) return 'has "**": use a single * (names have no path separators)';
  return undefined;
};

const escapeRegExp = (text: string) => text.replace(/[.+^${}()|[\]\\]/g, '\\$&');

export const compileChannelPattern = (pattern: string): ChannelPattern => {
  if (!pattern.startsWith('#')) return { source: pattern, test: (channel) => channel.id === pattern };
  const expression = new RegExp(`^${escapeRegExp(pattern.slice(1)).replaceAll('*', '.*').replaceAll('?', '.')}$`, 'i');
  return {
    source: pattern,
    test: (channel) => channel.name !== undefined && expression.test(channel.name.replace(/^#/, '')),
  };
};
