// The device's own store (IndexedDB through idb): application drafts with their compressed photos, kept as the user
// types so a reload, a lost network or a closed app loses nothing. Everything here is personal data, so logout
// deletes the whole database (DESIGN §7).
import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { DocumentKind } from '../../../forms/application.ts';

export interface DraftFile {
  localId: string;
  kind: DocumentKind;
  proof: string;
  name: string;
  type: string;
  size: number;
  blob: Blob;
  /** Set once uploaded, so a resumed submission does not upload it again. */
  serverId?: string;
}

export type DraftState = 'editing' | 'queued' | 'sent' | 'refused';

export interface Draft {
  id: string;
  ownerId: string;
  /** One key per draft, sent with every attempt, so no retry can make a second application. */
  idempotencyKey: string;
  fields: Record<string, unknown>;
  files: DraftFile[];
  state: DraftState;
  ain?: string;
  error?: { message: string; fields?: Record<string, string> };
  updatedAt: number;
}

interface Schema extends DBSchema {
  drafts: { key: string; value: Draft; indexes: { byOwner: string } };
}

const NAME = 'orc-device';
let dbPromise: Promise<IDBPDatabase<Schema>> | null = null;

function db() {
  dbPromise ??= openDB<Schema>(NAME, 1, {
    upgrade(database) {
      database.createObjectStore('drafts', { keyPath: 'id' }).createIndex('byOwner', 'ownerId');
    }
  });
  return dbPromise;
}

export async function draftsOf(ownerId: string): Promise<Draft[]> {
  return (await db()).getAllFromIndex('drafts', 'byOwner', ownerId);
}

export async function getDraft(id: string): Promise<Draft | undefined> {
  return (await db()).get('drafts', id);
}

export async function putDraft(draft: Draft): Promise<void> {
  await (await db()).put('drafts', { ...draft, updatedAt: Date.now() });
}

export async function deleteDraft(id: string): Promise<void> {
  await (await db()).delete('drafts', id);
}

/** Logout on a shared phone or a kiosk: nothing personal stays behind. */
export async function clearDevice(): Promise<void> {
  if (dbPromise) (await dbPromise).close();
  dbPromise = null;
  await deleteDB(NAME);
}
