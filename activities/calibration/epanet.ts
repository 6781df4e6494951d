/**
 * The part of epanet-js the model uses, typed here: the package's declaration files use
 * extensionless relative imports, which TypeScript's NodeNext resolution cannot follow, so its
 * classes arrive untyped and its enums not at all. The codes are the EPANET 2.3 toolkit's EN_*
 * constants (epanet2_enums.h), fixed by its public API.
 */
import * as epanet from 'epanet-js';

export const EN = {
  node: { junction: 0, reservoir: 1 },
  link: { pipe: 1 },
  flowUnits: { cubicMetresPerHour: 8 },
  headLoss: { darcyWeisbach: 1 },
  nodeProperty: { elevation: 0, head: 10 },
  linkProperty: { roughness: 2, flow: 8 },
  option: { trials: 0, accuracy: 1 },
  count: { nodes: 0 },
  /** EN_initH flag: re-initialise link flows, save nothing to the binary file. */
  initHydraulics: { initialFlows: 10 },
} as const;

export interface EpanetWorkspace {
  loadModule(): Promise<void>;
  readFile(file: string): string;
}

export interface EpanetProject {
  init(reportFile: string, binaryFile: string, unitsType: number, headlossType: number): void;
  setOption(option: number, value: number): void;
  addNode(id: string, type: number): number;
  setNodeValue(index: number, property: number, value: number): void;
  setJunctionData(index: number, elevation: number, demand: number, patternId: string): void;
  addLink(id: string, type: number, fromNode: string, toNode: string): number;
  setPipeData(index: number, length: number, diameter: number, roughness: number, minorLoss: number): void;
  getLinkIndex(id: string): number;
  setLinkValue(index: number, property: number, value: number): void;
  getNodeId(index: number): string;
  getCount(type: number): number;
  openH(): void;
  initH(flag: number): void;
  runH(): number;
  closeH(): void;
  getNodeValues(property: number): number[];
  getLinkValues(property: number): number[];
  setTitle(line1: string, line2: string, line3: string): void;
  saveInpFile(file: string): void;
  close(): void;
}

const api = epanet as unknown as {
  Workspace: new () => EpanetWorkspace;
  Project: new (workspace: EpanetWorkspace) => EpanetProject;
};

export const Workspace = api.Workspace;
export const Project = api.Project;
