import { api } from './api.ts';
import type { Lang } from '../../i18n/index.ts';

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

/** Place names exist in Bengali and English; Hindi readers get the English spelling. */
export function officeName(office: Pick<Office, 'nameEn' | 'nameBn'>, lang: Lang): string {
  return lang === 'bn' ? office.nameBn : office.nameEn;
}
