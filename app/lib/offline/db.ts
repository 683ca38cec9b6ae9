// The device's own store (IndexedDB through idb): application drafts with their compressed photos, kept as the user
// types so a reload, a lost network or a closed app loses nothing; and, for an Enquiry Officer, the enquiries to
// visit with their document previews and the field reports waiting for a network. Everything here is personal
// data, so logout deletes the whole database (DESIGN §7).
import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Schemas } from '../api.ts';
import type { DocumentKind } from '$shared/application.ts';

export interface DraftFile {
  localId: string;
  kind: DocumentKind;
  proof: string;
  name: string;
  type: string;
  size: number;
  /** The bytes held on the device; absent for a document already on the server (a resubmission keeps it). */
  blob?: Blob;
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
  /** A correction of an application the BDO sent back (seed step 8), rather than a new application. */
  resubmit?: { ain: string; version: number; remarks: string | null };
  error?: { message: string; fields?: Record<string, string> };
  updatedAt: number;
}

/** An enquiry as last read from the server, so it opens in the field with no network. */
export interface CachedEnquiry {
  ain: string;
  ownerId: string;
  /** The server's answer as it came, so the page shows it offline as it would online. */
  detail: Schemas['ApplicationDetail'];
  savedAt: number;
}

export interface ReportPhoto {
  localId: string;
  blob: Blob;
  size: number;
  serverId?: string;
}

export type ReportState = 'editing' | 'queued' | 'sent' | 'conflict' | 'refused';

/** The Enquiry Officer's field report (seed step 4), written on the phone and synced when the network returns. */
export interface FieldReport {
  ain: string;
  ownerId: string;
  /** The application's version the officer read before the visit. */
  version: number;
  idempotencyKey: string;
  visitedAt: string;
  findings: string;
  recommendation: '' | 'recommend' | 'do_not_recommend';
  position: { latitude: number; longitude: number; accuracy: number } | null;
  locationNote: string;
  photos: ReportPhoto[];
  state: ReportState;
  error?: { message: string; fields?: Record<string, string> };
  updatedAt: number;
}

/** A citizen's or counter's list of applications as last read from the server, to show with no network. */
export interface CachedList<Row = unknown> {
  ownerId: string;
  rows: Row[];
  savedAt: number;
}

interface Schema extends DBSchema {
  lists: { key: string; value: CachedList };
  drafts: { key: string; value: Draft; indexes: { byOwner: string } };
  enquiries: { key: string; value: CachedEnquiry; indexes: { byOwner: string } };
  previews: { key: string; value: { id: string; blob: Blob } };
  reports: { key: string; value: FieldReport; indexes: { byOwner: string } };
}

const NAME = 'orc-device';
let dbPromise: Promise<IDBPDatabase<Schema>> | null = null;

function db() {
  dbPromise ??= openDB<Schema>(NAME, 3, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) database.createObjectStore('drafts', { keyPath: 'id' }).createIndex('byOwner', 'ownerId');
      if (oldVersion < 2) {
        database.createObjectStore('enquiries', { keyPath: 'ain' }).createIndex('byOwner', 'ownerId');
        database.createObjectStore('previews', { keyPath: 'id' });
        database.createObjectStore('reports', { keyPath: 'ain' }).createIndex('byOwner', 'ownerId');
      }
      if (oldVersion < 3) database.createObjectStore('lists', { keyPath: 'ownerId' });
    },
    // Another tab is deleting the database (logout there, clearDevice) or upgrading it: let go at once, or that tab
    // waits for this one forever. The next use here opens it afresh.
    blocking(_current, _blocked, event) {
      (event.target as IDBDatabase).close();
      dbPromise = null;
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

export async function enquiriesOf(ownerId: string): Promise<CachedEnquiry[]> {
  return (await db()).getAllFromIndex('enquiries', 'byOwner', ownerId);
}

export async function getEnquiry(ain: string): Promise<CachedEnquiry | undefined> {
  return (await db()).get('enquiries', ain);
}

export async function putEnquiry(enquiry: CachedEnquiry): Promise<void> {
  await (await db()).put('enquiries', enquiry);
}

/** Deletes all the phone holds on one enquiry: its copy, its document previews and the officer's report on it. */
export async function deleteEnquiry(ain: string, previewIds: string[]): Promise<void> {
  const tx = (await db()).transaction(['enquiries', 'previews', 'reports'], 'readwrite');
  await Promise.all([
    tx.objectStore('enquiries').delete(ain),
    ...previewIds.map((id) => tx.objectStore('previews').delete(id)),
    tx.objectStore('reports').delete(ain),
    tx.done
  ]);
}

export async function getPreview(id: string): Promise<Blob | undefined> {
  return (await (await db()).get('previews', id))?.blob;
}

export async function putPreview(id: string, blob: Blob): Promise<void> {
  await (await db()).put('previews', { id, blob });
}

export async function reportsOf(ownerId: string): Promise<FieldReport[]> {
  return (await db()).getAllFromIndex('reports', 'byOwner', ownerId);
}

export async function getReport(ain: string): Promise<FieldReport | undefined> {
  return (await db()).get('reports', ain);
}

export async function putReport(report: FieldReport): Promise<void> {
  await (await db()).put('reports', { ...report, updatedAt: Date.now() });
}

export async function getList<Row>(ownerId: string): Promise<CachedList<Row> | undefined> {
  return (await (await db()).get('lists', ownerId)) as CachedList<Row> | undefined;
}

export async function putList<Row>(ownerId: string, rows: Row[]): Promise<void> {
  await (await db()).put('lists', { ownerId, rows, savedAt: Date.now() });
}

/** Logout on a shared phone or a kiosk: nothing personal stays behind. */
export async function clearDevice(): Promise<void> {
  if (dbPromise) (await dbPromise).close();
  dbPromise = null;
  await deleteDB(NAME);
}
