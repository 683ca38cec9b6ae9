// What was flushed to the disk while a test watched, in order (api/storage/storage.ts, writeFileDurably): every
// FileHandle shares one prototype, so its datasync (a file's bytes) and sync (used on folders) are watched there and
// then carried out. Each flush is written down by the path its descriptor names (Linux's /proc/self/fd), with the
// random part of a temporary name shown as `random`: `data /…/ab/<sha>.random.tmp`, `sync /…/ab`.
import { readlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { vi } from 'vitest';

interface Flushable {
  fd: number;
  // Properties, not methods: they are taken off the prototype and called on each handle.
  datasync: (this: Flushable) => Promise<void>;
  sync: (this: Flushable) => Promise<void>;
}

export async function fileHandlePrototype(): Promise<Flushable> {
  const probe = await open('.', 'r');
  await probe.close();
  return Object.getPrototypeOf(probe) as Flushable;
}

export async function watchFlushes(): Promise<{ flushes: string[]; stop(): void }> {
  const handle = await fileHandlePrototype();
  const { datasync, sync } = handle;
  const flushes: string[] = [];
  const path = (fd: number) => readlinkSync(`/proc/self/fd/${fd}`).replace(/\.[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\.tmp$/, '.random.tmp');
  const spies = [
    vi.spyOn(handle, 'datasync').mockImplementation(function (this: Flushable) {
      flushes.push(`data ${path(this.fd)}`);
      return datasync.call(this);
    }),
    vi.spyOn(handle, 'sync').mockImplementation(function (this: Flushable) {
      flushes.push(`sync ${path(this.fd)}`);
      return sync.call(this);
    })
  ];
  return { flushes, stop: () => spies.forEach((spy) => spy.mockRestore()) };
}
