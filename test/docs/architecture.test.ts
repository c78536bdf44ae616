import * as fs from 'fs';
import * as path from 'path';
import { FOLDERS, layerOf } from '../../projenrc/layers';

const ROOT = path.join(__dirname, '..', '..');
const DOC = fs.readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');

/** The `layer | folder` rows of the folder table. */
function folderRows(text: string): Map<string, number> {
  const rows = new Map<string, number>();
  for (const [, layer, folder] of text.matchAll(/^\| (\d+) \| `src\/([a-z-]+)\/` \|/gm)) rows.set(folder, Number(layer));
  return rows;
}

describe('docs/architecture.md', () => {
  test('has one row per folder of the layer table, in its layer', () => {
    const rows = folderRows(DOC);
    expect([...rows.keys()].sort()).toEqual([...FOLDERS].sort());
    for (const folder of FOLDERS) expect(`${folder}: ${rows.get(folder)}`).toEqual(`${folder}: ${layerOf(folder)}`);
  });

  test('names only source files that exist', () => {
    const named = [...DOC.matchAll(/`((?:src|test|projenrc)\/[\w./-]+\.ts)`/g)].map(m => m[1]);
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter(file => !fs.existsSync(path.join(ROOT, file)))).toEqual([]);
  });

});
