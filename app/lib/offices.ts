import { ask, client, type Schemas } from './api.ts';
import type { Lang } from '../../i18n/index.ts';
import { placeName } from '../../i18n/glossary.ts';

export type Office = Schemas['Office'];

export async function loadOffices(): Promise<Office[]> {
  const res = await ask(client.GET('/api/offices'));
  return res.ok ? res.data.offices : [];
}

/** Place names in the reader's language: Bengali from the offices table, Hindi from the glossary (i18n/glossary.ts). */
export function officeName(office: Pick<Office, 'nameEn' | 'nameBn'>, lang: Lang): string {
  return placeName(office, lang);
}
