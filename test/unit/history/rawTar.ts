import { Header } from 'tar';

/** A tar archive with exactly these entries, paths unchecked: what a hostile backup would hold. */
export function rawTar(entries: readonly { path: string; body?: string; type?: 'File' | 'SymbolicLink'; linkpath?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '', 'utf8');
    const header = Buffer.alloc(512);
    new Header({
      path: entry.path,
      size: body.length,
      mode: 0o644,
      mtime: new Date(0),
      type: entry.type ?? 'File',
      linkpath: entry.linkpath,
    }).encode(header, 0);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
