// Reads a cloud assembly (a `cdk.out` directory) into the stacks a rehearsal needs: each
// stack's template, and the severity and construct path the library records in its metadata.
// The only module of the rehearsal that touches the file system.
import * as fs from 'fs';
import * as path from 'path';
import { RehearsalStack } from './template.pure';

/** The metadata type under which the alarm routing records severities (see private/alarm-metadata.ts). */
const SEVERITY = 'cdk-watchkeeper:severity';

interface MetadataEntry { readonly type: string; readonly data?: unknown }

/** Reads every stack of a cloud assembly; throws with one clear sentence when it is not one. */
export function readAssembly(dir: string): RehearsalStack[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory: give the cdk.out of a synthesized app`);
  if (!fs.existsSync(manifestFile)) throw new Error(`${dir} has no manifest.json: run \`npx cdk synth\` first`);
  let manifest: any;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf-8'));
  } catch (e) {
    throw new Error(`${manifestFile} is not valid JSON (${(e as Error).message})`);
  }
  const stacks: RehearsalStack[] = [];
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const templateFile = path.join(dir, artifact.properties?.templateFile ?? `${id}.template.json`);
    const template = JSON.parse(fs.readFileSync(templateFile, 'utf-8'));
    let metadata: Record<string, MetadataEntry[]> = artifact.metadata ?? {};
    if (artifact.additionalMetadataFile) {
      const extra = path.join(dir, artifact.additionalMetadataFile);
      if (fs.existsSync(extra)) metadata = { ...metadata, ...JSON.parse(fs.readFileSync(extra, 'utf-8')) };
    }
    const severities: Record<string, string> = {};
    const paths: Record<string, string> = {};
    for (const [constructPath, entries] of Object.entries(metadata)) {
      const logicalId = entries.find(e => e.type === 'aws:cdk:logicalId')?.data;
      if (typeof logicalId !== 'string') continue;
      paths[logicalId] = constructPath.replace(/^\//, '').replace(/(\/Resource)+$/, '');
      const severity = entries.find(e => e.type === SEVERITY)?.data;
      if (typeof severity === 'string') severities[logicalId] = severity;
    }
    stacks.push({ stackName: artifact.properties?.stackName ?? artifact.displayName ?? id, template, severities, paths });
  }
  if (stacks.length === 0) throw new Error(`${dir} holds no CloudFormation stack`);
  return stacks;
}
