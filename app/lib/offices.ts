import { api } from './api.ts';
import type { Lang } from '../../i18n/index.ts';
import { placeName } from '../../i18n/glossary.ts';

export interface Office {
  id: string;
  kind: 'district' | 'subdivision' | 'block' | 'kiosk' | 'csc' | 'urban';
  code: string;
  nameEn: string;
  nameBn: string;
  parentId: string | null;
}

export async function loadOffices(): Promise<Office[]> {
  const res = await api<{ offices: Office[] }>('/offices');
  return res.ok ? res.data.offices : [];
}

/** Place names in the reader's language: Bengali from the offices table, Hindi from the glossary (i18n/glossary.ts). */
export function officeName(office: Pick<Office, 'nameEn' | 'nameBn'>, lang: Lang): string {
  return placeName(office, lang);
}
