/**
 * Done, current and pending steps of an engagement on its process graph: the graph's SVG
 * (definitions/graph-svg.ts) names each step node by `data-step`; a class per mark lets the
 * console's stylesheet colour it, and the marks are also listed in words for those who cannot see
 * the drawing.
 */
export type StepMark = 'done' | 'current' | 'failed' | 'pending';

export function stepMarks(e: {
  currentSteps: string[];
  state: { steps: { stepId: string; status: string }[]; current: string[] } | null;
}): Map<string, StepMark> {
  const marks = new Map<string, StepMark>();
  for (const step of e.state?.steps ?? []) {
    if (step.status === 'completed') marks.set(step.stepId, 'done');
    else if (step.status === 'failed' || step.status === 'rejected') marks.set(step.stepId, 'failed');
  }
  for (const id of e.state?.current ?? e.currentSteps) marks.set(id, 'current');
  return marks;
}

/** The SVG with `step-<mark>` on every step node; steps without a mark are pending. */
export function markSteps(svg: string, marks: Map<string, StepMark>, label: string): string {
  return svg
    .replace(/<g class="node ([a-zA-Z]+)" data-step="([^"]*)">/g, (_all, kind: string, step: string) => {
      const mark = marks.get(step.replace(/&amp;/g, '&')) ?? 'pending';
      return `<g class="node ${kind} step-${mark}" data-step="${step}">`;
    })
    .replace('<svg ', `<svg role="img" aria-label="${label.replace(/[<>&"]/g, '')}" `);
}
