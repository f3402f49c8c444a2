const UNITS: [unit: string, milliseconds: number][] = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
];

/** "updated 3 months ago": how old a source is, in the largest whole unit. */
export const relativeAge = (isoTime: string, now: Date = new Date()): string => {
  const elapsed = now.getTime() - new Date(isoTime).getTime();
  if (!Number.isFinite(elapsed)) return 'at an unknown time';
  for (const [unit, milliseconds] of UNITS) {
    const count = Math.floor(elapsed / milliseconds);
    if (count >= 1) return `${count} ${unit}${count === 1 ? '' : 's'} ago`;
  }
  return 'just now';
};
