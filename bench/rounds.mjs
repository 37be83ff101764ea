// Plain JavaScript, so exported functions carry no type annotations.
/* eslint-disable @typescript-eslint/explicit-module-boundary-types */
/**
 * Figure 1 measured in rounds. On two cores shared with the load generator, one load run moves by a tenth or
 * more from the next (a slow stretch of the VM, a peer's gossip, a collection), so a ratio of two single runs
 * carries the noise of both. Each side is measured once per round, back to back, the side that goes first
 * alternating from round to round (a slow stretch at the end of a round falls on the gateway in one round and
 * on the baseline in the next); the figure is the median round, with the spread of all rounds beside it.
 */

/**
 * Runs `rounds` rounds of the two named measurements, e.g. `{ baseline, gateway }`: in even rounds in the
 * order given, in odd rounds the other way round. Each is called with the round's index.
 * @returns one object per round holding each measurement's result under its name.
 */
export async function pairedRounds(rounds, measures) {
  const names = Object.keys(measures);
  if (names.length !== 2) throw new TypeError('pairedRounds takes exactly two measurements');
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new RangeError('rounds must be an integer ≥ 1');
  const results = [];
  for (let i = 0; i < rounds; i++) {
    const round = {};
    for (const name of i % 2 === 0 ? names : [...names].reverse()) round[name] = await measures[name](i);
    results.push(round);
  }
  return results;
}

/**
 * The round whose `value` is the median (of an even count, the lower of the middle two: a real round, never an
 * average of two), and the smallest and largest value of all rounds.
 */
export function medianRound(rounds, value) {
  if (rounds.length === 0) throw new RangeError('no rounds to take the median of');
  const sorted = [...rounds].sort((x, y) => value(x) - value(y));
  return {
    median: sorted[Math.floor((sorted.length - 1) / 2)],
    value: value(sorted[Math.floor((sorted.length - 1) / 2)]),
    min: value(sorted[0]),
    max: value(sorted[sorted.length - 1]),
  };
}
