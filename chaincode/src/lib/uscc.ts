/**
 * Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character alphabet
 * (no I, O, Z, S, V); the last is a check character over the first 17 with fixed weights.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i]!) * WEIGHTS[i]!;
  const check = 31 - (sum % 31);
  return ALPHABET[check === 31 ? 0 : check]!;
}

/** Why a credit code is invalid, or undefined when it is valid. */
export function usccProblem(code: string): string | undefined {
  if (typeof code !== 'string' || code.length !== 18) return 'must be 18 characters';
  for (const ch of code) {
    if (!ALPHABET.includes(ch))
      return `contains "${ch}", which a credit code cannot (digits and capitals except I, O, Z, S, V)`;
  }
  if (usccCheckCharacter(code.slice(0, 17)) !== code[17]) return 'has a wrong check character';
  return undefined;
}
