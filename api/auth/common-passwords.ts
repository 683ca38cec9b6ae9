// New passwords are checked against the common-password list that zxcvbn-ts maintains (@zxcvbn-ts/language-common:
// about 49,000 passwords from public breach corpora, ranked by frequency), so "password123" or "1234567890" are
// refused even though they are long enough. Only the list is used, not zxcvbn's scoring: the rule is then
// explainable in one sentence to a citizen ("it is one of the most common passwords").
import { dictionary } from '@zxcvbn-ts/language-common';

let common: Set<string> | undefined;

export function isCommonPassword(password: string): boolean {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  const folded = password.toLowerCase();
  // "Password123!" is "password123" with a symbol on the end: strip what people tack on, then look again.
  return common.has(folded) || common.has(folded.replace(/[^a-z0-9]+$/, '')) || common.has(folded.replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, ''));
}
