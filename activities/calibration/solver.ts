/**
 * The network as an EPANET model (epanet-js: the EPANET 2.3 toolkit compiled to WebAssembly), solved
 * for steady state with Darcy–Weisbach head loss in m³/h, metres and millimetres. One model is built
 * once and re-solved with new roughness as often as the calibration needs.
 */
import { EN, Project, Workspace, type EpanetProject, type EpanetWorkspace } from './epanet.ts';
import type { HydraulicNetwork } from './network-model.ts';
import { ModelInputError } from './network-model.ts';

let workspace: Promise<EpanetWorkspace> | undefined;

/** The WebAssembly engine, loaded on first use (about 0.1 s) and shared by every model of the process. */
function engine(): Promise<EpanetWorkspace> {
  workspace ??= (async () => {
    const ws = new Workspace();
    await ws.loadModule();
    return ws;
  })();
  return workspace;
}

/** Convergence: total normalised flow change, tighter than EPANET's default 0.001 so heads settle to the mm. */
const ACCURACY = 1e-6;
const TRIALS = 200;

let files = 0;
const INP_FILE = 'model.inp';

export interface Solution {
  /** EPANET's warnings of this solve (e.g. negative pressures), without its code. */
  warnings: string[];
  /** Head per junction and source, m, by node id. */
  heads: Map<string, number>;
  /** Flow per pipe, m³/h, positive from its from-node to its to-node. */
  flows: Map<string, number>;
}

export class HydraulicModel {
  /** Solves performed, for the report and the benchmark. */
  solves = 0;
  private readonly pipeIndex: Int32Array;
  private roughnessMm: number[];

  private constructor(
    private readonly ws: EpanetWorkspace,
    private readonly project: EpanetProject,
    readonly network: HydraulicNetwork,
  ) {
    this.pipeIndex = Int32Array.from(network.pipes, (p) => project.getLinkIndex(p.id));
    this.roughnessMm = network.pipes.map((p) => p.roughnessMm);
  }

  static async open(network: HydraulicNetwork): Promise<HydraulicModel> {
    const ws = await engine();
    const project = new Project(ws);
    const id = ++files;
    project.init(`model-${id}.rpt`, `model-${id}.bin`, EN.flowUnits.cubicMetresPerHour, EN.headLoss.darcyWeisbach);
    project.setOption(EN.option.accuracy, ACCURACY);
    project.setOption(EN.option.trials, TRIALS);
    try {
      for (const source of network.sources) {
        const index = project.addNode(source.id, EN.node.reservoir);
        project.setNodeValue(index, EN.nodeProperty.elevation, source.headM);
      }
      for (const junction of network.junctions) {
        const index = project.addNode(junction.id, EN.node.junction);
        project.setJunctionData(index, junction.elevationM ?? 0, junction.demandM3h, '');
      }
      for (const pipe of network.pipes) {
        const index = project.addLink(pipe.id, EN.link.pipe, pipe.from, pipe.to);
        project.setPipeData(index, pipe.lengthM, pipe.diameterMm, pipe.roughnessMm, 0);
      }
      // Opening the solver allocates and reorders the matrix: ten times the cost of a solve on
      // 5,000 pipes, so it is done once and every solve re-initialises only the flows.
      project.openH();
    } catch (error) {
      project.close();
      throw new ModelInputError(`the network cannot be modelled: ${(error as Error).message}`, 'model-invalid');
    }
    return new HydraulicModel(ws, project, network);
  }

  /** Sets the roughness (mm) of every pipe, in the order of `network.pipes`. */
  setRoughness(roughnessMm: ArrayLike<number>): void {
    this.roughnessMm = Array.from(roughnessMm);
    for (let i = 0; i < this.pipeIndex.length; i++) {
      this.project.setLinkValue(this.pipeIndex[i]!, EN.linkProperty.roughness, roughnessMm[i]!);
    }
  }

  /** Steady-state heads and flows for the current roughness, each solve from the same initial flows. */
  solve(): Solution {
    // epanet-js reports warnings (codes below 100) on console.warn; the solve is synchronous, so
    // they are collected for the report instead of filling the worker's log, one solve at a time.
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: unknown) =>
      void warnings.push(String(message).replace(/^epanet-js \(Warning \d+\): /, ''));
    try {
      this.project.initH(EN.initHydraulics.initialFlows);
      this.project.runH();
    } catch (error) {
      throw new ModelInputError(`the hydraulic solution failed: ${(error as Error).message}`, 'model-unsolvable');
    } finally {
      console.warn = warn;
    }
    this.solves++;
    const nodeHeads = this.project.getNodeValues(EN.nodeProperty.head);
    const linkFlows = this.project.getLinkValues(EN.linkProperty.flow);
    const heads = new Map<string, number>();
    const count = this.project.getCount(EN.count.nodes);
    for (let i = 1; i <= count; i++) heads.set(this.project.getNodeId(i), nodeHeads[i - 1]!);
    const flows = new Map<string, number>();
    this.network.pipes.forEach((pipe, i) => flows.set(pipe.id, linkFlows[this.pipeIndex[i]! - 1]!));
    return { heads, flows, warnings };
  }

  /** The model as an EPANET input file, with the roughness currently set. */
  toInp(title: string): string {
    // While the solver is open, EPANET writes the roughness the model was opened with; closed, the
    // roughness set last.
    this.project.closeH();
    this.setRoughness(this.roughnessMm);
    this.project.setTitle(title.slice(0, 79), '', '');
    // One file name for every model: written and read back without an await between, so no other
    // model can overwrite it meanwhile, and the engine's in-memory file system does not grow.
    this.project.saveInpFile(INP_FILE);
    this.project.openH();
    return this.ws.readFile(INP_FILE);
  }

  close(): void {
    this.project.closeH();
    this.project.close();
  }
}
