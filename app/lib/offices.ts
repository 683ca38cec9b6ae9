import { ask, client, type Schemas } from './api.ts';
import type { Lang } from '../../i18n/index.ts';
import { placeName } from '../../i18n/glossary.ts';

export type Office = Schemas['Office'];

/** Every office, or none when the API cannot be reached: a page's load passes SvelteKit's `fetch`. */
export async function loadOffices(fetch?: typeof globalThis.fetch): Promise<Office[]> {
  const res = await ask(client.GET('/api/offices', { fetch }));
  return res.ok ? res.data.offices : [];
}

/** Place names in the reader's language: Bengali from the offices table, Hindi from the glossary (i18n/glossary.ts). */
export function officeName(office: Pick<Office, 'nameEn' | 'nameBn'>, lang: Lang): string {
  return placeName(office, lang);
}

/**
 * Blocks grouped under their subdivisions, then the municipal areas, each in the reader's alphabetical order: how a
 * person finds their own block in a select (the counter finder; the counters page's "serves").
 */
export function blockChoices<O extends Office>(offices: O[], lang: Lang): { groups: { id: string; name: string; blocks: O[] }[]; urban: O[] } {
  const collator = new Intl.Collator(lang);
  const byName = (a: O, b: O) => collator.compare(officeName(a, lang), officeName(b, lang));
  const groups = offices
    .filter((o) => o.kind === 'subdivision')
    .sort(byName)
    .map((sd) => ({ id: sd.id, name: officeName(sd, lang), blocks: offices.filter((b) => b.kind === 'block' && b.parentId === sd.id).sort(byName) }))
    .filter((g) => g.blocks.length > 0);
  return { groups, urban: offices.filter((o) => o.kind === 'urban').sort(byName) };
}
