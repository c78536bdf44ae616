/**
 * The folders of src/, bottom layer first. A folder may import the folders of lower layers
 * (and its own files); never a folder of its own layer or a higher one. `.projenrc.ts` turns
 * this table into ESLint zones, and test/lint/layers.test.ts checks the source against it, so
 * the table is written once.
 */
export const LAYERS: ReadonlyArray<ReadonlyArray<string>> = [
  // shared internals: validation, policies, registries
  ['private'],
  // the alarm pipeline, routing, the topic interface, metric sources and the compute metrics
  ['core'],
  // one capability each
  ['agent', 'alarms', 'logs', 'events', 'audit', 'cost', 'scaling', 'dashboards'],
  // MonitoredService composes the features; the rehearsal runs their pure logic over templates
  ['service', 'rehearsal'],
  // many services, the organisation, the report
  ['fleet', 'report', 'org'],
];

/** Every folder of the table. */
export const FOLDERS: ReadonlyArray<string> = LAYERS.flat();

/** The layer (index into LAYERS) of a folder of src/, or -1. */
export function layerOf(folder: string): number {
  return LAYERS.findIndex(layer => layer.includes(folder));
}

/** One zone of eslint-plugin-import's `no-restricted-paths`. */
export interface ImportZone {
  readonly target: string;
  readonly from: string[];
  readonly message: string;
}

/** What a folder may not import: the folders of its own layer and of every layer above. */
function layerZone(folder: string): ImportZone | undefined {
  const layer = layerOf(folder);
  const from = FOLDERS.filter(other => other !== folder && layerOf(other) >= layer);
  if (from.length === 0) return undefined;
  const below = LAYERS.slice(0, layer).flat();
  return {
    target: `./src/${folder}`,
    from: from.map(f => `./src/${f}`),
    message: below.length === 0
      ? `src/${folder} is the bottom layer: it imports no other folder of src/.`
      : `src/${folder} may import only the layers below it (${below.join(', ')}); move what it shares with ${from.length > 1 ? 'another folder' : from[0]} down a layer.`,
  };
}

/** A folder's private/ is private: only that folder imports it (src/index.ts none at all). */
function privateZones(folder: string): ImportZone[] {
  const others = FOLDERS.filter(other => other !== folder && other !== 'private');
  return [
    ...others.map(other => ({
      target: `./src/${other}`,
      from: [`./src/${folder}/private`],
      message: `src/${folder}/private is private to src/${folder}: make what src/${other} needs public in src/${folder}, or move it down a layer.`,
    })),
    { target: './src/index.ts', from: [`./src/${folder}/private`], message: 'src/index.ts exports no private module.' },
  ];
}

/** Every zone: the layers, and each folder's private/. */
export function importZones(): ImportZone[] {
  return [
    ...FOLDERS.map(layerZone).filter((z): z is ImportZone => z !== undefined),
    ...FOLDERS.filter(f => f !== 'private').flatMap(privateZones),
  ];
}
