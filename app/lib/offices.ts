import { ask, client, type Schemas } from './api.ts';
import type { Lang } from '$i18n/index.ts';
import { placeName } from '$i18n/glossary.ts';

export type Office = Schemas['Office'];

/**
 * Every office, one district's (`district`) or the districts alone (`kind`), or none when the API cannot be reached
 * (the service worker keeps the last answer of each for offline use). A page's load passes SvelteKit's `fetch`.
 */
export async function loadOffices(fetch?: typeof globalThis.fetch, query?: { district?: string; kind?: 'district' }): Promise<Office[]> {
  const res = await ask(client.GET('/api/offices', { fetch, params: { query } }));
  return res.ok ? res.data.offices : [];
}

/** The district an office id belongs to: ids start with the district's (api/offices/west-bengal.csv). */
export function districtOf(officeId: string): string {
  return officeId.split('/')[0]!;
}

/** Districts for a select: the likely one first (the operator's own, or North 24 Parganas), then the reader's alphabetical order. */
export function districtChoices<O extends Office>(districts: O[], lang: Lang, first: string): O[] {
  const collator = new Intl.Collator(lang);
  return districts
    .filter((d) => d.kind === 'district')
    .sort((a, b) => Number(b.id === first) - Number(a.id === first) || collator.compare(officeName(a, lang), officeName(b, lang)));
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
