/**
 * Node building: each section end is snapped to the nearest node within the tolerance (a node of
 * the project, a converted valve or hydrant, or a junction an earlier section created), or a new
 * junction is made there. A hash grid with cells of the tolerance's size keeps each lookup to nine
 * cells. Deterministic: junction ids come from the section and end that created them, so a
 * retried conversion that re-reads the nodes it stored snaps every end exactly as before.
 */
import type { Point } from '../audit/model.ts';

export interface SnapNode {
  id: string;
  at: Point;
}

export class NodeSnapper {
  private readonly cells = new Map<string, SnapNode[]>();
  private readonly cell: number;

  constructor(private readonly tolerance: number) {
    this.cell = Math.max(tolerance, 0.01);
  }

  private key(x: number, y: number): string {
    return `${Math.floor(x / this.cell)}:${Math.floor(y / this.cell)}`;
  }

  add(node: SnapNode): void {
    const key = this.key(node.at[0], node.at[1]);
    const list = this.cells.get(key);
    if (list) list.push(node);
    else this.cells.set(key, [node]);
  }

  /** The nearest node within the tolerance (ties broken by id), or undefined. */
  nearest(at: Point): SnapNode | undefined {
    const cx = Math.floor(at[0] / this.cell);
    const cy = Math.floor(at[1] / this.cell);
    let best: SnapNode | undefined;
    let bestDistance = Infinity;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const node of this.cells.get(`${cx + dx}:${cy + dy}`) ?? []) {
          const d = Math.hypot(node.at[0] - at[0], node.at[1] - at[1]);
          if (d <= this.tolerance && (d < bestDistance || (d === bestDistance && node.id < best!.id))) {
            best = node;
            bestDistance = d;
          }
        }
      }
    }
    return best;
  }
}
