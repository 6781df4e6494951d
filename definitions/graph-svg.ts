/**
 * The flow graph of a definition as a standalone SVG, drawn without a browser: dagre lays it out
 * (ranks top to bottom, clusters for parallel branches and forEach bodies), and the drawing is plain
 * SVG elements — shapes per step kind, wrapped labels with who does each step, edges with arrowheads
 * and readable conditions, dashed loops and error paths, and a legend of the shapes and lines used.
 * Text is measured by an average glyph width, so the same snapshot gives the same bytes.
 */
import dagre from '@dagrejs/dagre';
import type { EdgeLabel, GraphLabel, NodeLabel, Point } from '@dagrejs/dagre';
import { flowGraph, type FlowGraph, type GraphEdgeStyle, type GraphNode } from './graph.ts';
import type { ProcessSnapshot } from './model.ts';

const FONT_SIZE = 12;
const CHAR_WIDTH = 7;
const LINE_HEIGHT = 15;
const WRAP = 28;
const PADDING_X = 14;
const PADDING_Y = 10;
const CLUSTER_LABEL = 18;
const EDGE_WRAP = 24;
const PERFORMER_COLOUR = '#37474f';
const LEGEND_ROW = 30;
const LEGEND_SAMPLE = 64;

const COLOURS: Record<GraphNode['kind'], string> = {
  start: '#e8f5e9',
  done: '#e8f5e9',
  activity: '#e3f2fd',
  task: '#fff8e1',
  approval: '#f3e5f5',
  switch: '#fffde7',
  parallel: '#e0f7fa',
  forEach: '#e0f7fa',
  wait: '#eceff1',
  subprocess: '#e8eaf6',
  end: '#e8f5e9',
  fail: '#ffebee',
};

const EDGE_COLOURS: Record<GraphEdgeStyle, string> = {
  flow: '#455a64',
  branch: '#455a64',
  loop: '#6a1b9a',
  exception: '#c62828',
};

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * Words into lines of at most WRAP characters. A longer word is broken after its dots
 * (`lead-review.` `recoveryFeasible`), and only a piece still too long is cut.
 */
function wrap(text: string, limit = WRAP): string[] {
  const lines: string[] = [];
  let line = '';
  const words = text.split(/\s+/).filter(Boolean);
  for (const word of words.flatMap((w) => (w.length > limit ? w.split(/(?<=\.)/) : [w]))) {
    const piece = word.length > limit ? `${word.slice(0, limit - 1)}…` : word;
    if (line && line.length + 1 + piece.length > limit) {
      lines.push(line);
      line = piece;
    } else {
      line = line ? `${line} ${piece}` : piece;
    }
  }
  if (line) lines.push(line);
  return lines.slice(0, 4);
}

const n = (value: number): string => String(Math.round(value * 10) / 10);

/** The node's text: step id (bold), title, then who does it (italic). */
interface NodeText {
  lines: string[];
  performerLines: number;
}

function labelLines(node: GraphNode): NodeText {
  const title =
    node.stepId === undefined || node.title === node.stepId ? wrap(node.title) : [node.stepId, ...wrap(node.title)];
  const performer = node.performer === undefined ? [] : wrap(node.performer, WRAP + 4);
  return { lines: [...title, ...performer], performerLines: performer.length };
}

function textBlock(text: NodeText, x: number, y: number, firstBold: boolean): string {
  const { lines, performerLines } = text;
  const top = y - ((lines.length - 1) * LINE_HEIGHT) / 2;
  return lines
    .map((line, i) => {
      const weight = firstBold && i === 0 && lines.length > 1 ? ' font-weight="bold"' : '';
      const performer =
        i >= lines.length - performerLines
          ? ` class="performer" font-style="italic" font-size="${FONT_SIZE - 1}" fill="${PERFORMER_COLOUR}"`
          : '';
      return `<text x="${n(x)}" y="${n(top + i * LINE_HEIGHT)}" text-anchor="middle" dominant-baseline="central"${weight}${performer}>${escapeXml(line)}</text>`;
    })
    .join('');
}

/** Lines of text centred on (x, y), as edge labels and legend entries use them. */
function centredLines(lines: string[], x: number, y: number, attributes: string): string {
  const top = y - ((lines.length - 1) * LINE_HEIGHT) / 2;
  return lines
    .map(
      (line, i) =>
        `<text x="${n(x)}" y="${n(top + i * LINE_HEIGHT)}" text-anchor="middle" dominant-baseline="central"${attributes}>${escapeXml(line)}</text>`,
    )
    .join('');
}

function shape(node: Pick<GraphNode, 'kind'>, x: number, y: number, w: number, h: number): string {
  const fill = `fill="${COLOURS[node.kind]}" stroke="#37474f"`;
  const l = x - w / 2;
  const t = y - h / 2;
  const points = (pts: [number, number][]): string =>
    `<polygon points="${pts.map(([px, py]) => `${n(px)},${n(py)}`).join(' ')}" ${fill}/>`;
  switch (node.kind) {
    case 'start':
    case 'done':
    case 'end':
      return `<ellipse cx="${n(x)}" cy="${n(y)}" rx="${n(w / 2)}" ry="${n(h / 2)}" ${fill}/>`;
    case 'fail':
      return `<ellipse cx="${n(x)}" cy="${n(y)}" rx="${n(w / 2)}" ry="${n(h / 2)}" ${fill} stroke-width="3"/>`;
    case 'task':
      return `<rect x="${n(l)}" y="${n(t)}" width="${n(w)}" height="${n(h)}" rx="10" ${fill}/>`;
    case 'wait':
      return `<rect x="${n(l)}" y="${n(t)}" width="${n(w)}" height="${n(h)}" rx="${n(h / 2)}" ${fill}/>`;
    case 'subprocess':
      return `<rect x="${n(l)}" y="${n(t)}" width="${n(w)}" height="${n(h)}" ${fill}/><path d="M${n(l + 8)},${n(t)}V${n(t + h)}M${n(l + w - 8)},${n(t)}V${n(t + h)}" stroke="#37474f" fill="none"/>`;
    case 'approval':
      return points([
        [l, y],
        [l + 14, t],
        [l + w - 14, t],
        [l + w, y],
        [l + w - 14, t + h],
        [l + 14, t + h],
      ]);
    case 'switch':
      return points([
        [x, t],
        [l + w, y],
        [x, t + h],
        [l, y],
      ]);
    case 'parallel':
      return points([
        [l + 12, t],
        [l + w, t],
        [l + w - 12, t + h],
        [l, t + h],
      ]);
    case 'forEach':
      return points([
        [l + 12, t],
        [l + w - 12, t],
        [l + w, t + h],
        [l, t + h],
      ]);
    default:
      return `<rect x="${n(l)}" y="${n(t)}" width="${n(w)}" height="${n(h)}" ${fill}/>`;
  }
}

/** Extra room a shape needs around its text (diamonds and hexagons are narrower where text sits). */
function size(node: Pick<GraphNode, 'kind'>, lines: string[]): { width: number; height: number } {
  const textWidth = Math.max(...lines.map((l) => l.length)) * CHAR_WIDTH;
  const textHeight = lines.length * LINE_HEIGHT;
  if (node.kind === 'switch')
    return { width: textWidth * 1.5 + 2 * PADDING_X, height: textHeight * 1.6 + 2 * PADDING_Y };
  if (node.kind === 'start' || node.kind === 'done' || node.kind === 'end' || node.kind === 'fail') {
    return { width: textWidth * 1.3 + 2 * PADDING_X, height: textHeight + 2 * PADDING_Y };
  }
  const extra = node.kind === 'approval' || node.kind === 'parallel' || node.kind === 'forEach' ? 28 : 0;
  return { width: textWidth + 2 * PADDING_X + extra, height: textHeight + 2 * PADDING_Y };
}

const KIND_MEANINGS: Record<GraphNode['kind'], string> = {
  start: 'start and completion',
  done: 'start and completion',
  activity: 'automated step (the categories it bills)',
  task: "task in an engineer's inbox (who takes it)",
  approval: 'approval: approve or reject (who approves)',
  switch: 'decision: the first condition that holds',
  parallel: 'parallel branches',
  forEach: 'the body once per item of a list',
  wait: 'wait for a time',
  subprocess: 'another definition run as a subprocess',
  end: 'end of the engagement',
  fail: 'the engagement fails',
};

const EDGE_MEANINGS: Record<GraphEdgeStyle, string> = {
  flow: 'next step',
  branch: 'taken when the condition on it holds',
  loop: 'back to an earlier step (≤n× bounds it)',
  exception: 'on error or rejection',
};

/**
 * The legend under the drawing: a sample of every shape and line the graph uses with what it means,
 * and how to read the italic line under a step.
 */
function drawLegend(graph: FlowGraph, top: number): { svg: string; width: number; height: number } {
  const rows: string[] = [];
  const meanings: string[] = [];
  const sampleX = 16 + LEGEND_SAMPLE / 2;
  const textX = 16 + LEGEND_SAMPLE + 12;
  const rowY = (i: number): number => top + 28 + i * LEGEND_ROW;
  const seen = new Set<string>();
  for (const node of graph.nodes) {
    const meaning = KIND_MEANINGS[node.kind];
    if (seen.has(meaning)) continue;
    seen.add(meaning);
    const y = rowY(rows.length);
    rows.push(`<g class="legend-kind ${node.kind}">${shape(node, sampleX, y, LEGEND_SAMPLE, 22)}</g>`);
    meanings.push(meaning);
  }
  for (const style of Object.keys(EDGE_MEANINGS) as GraphEdgeStyle[]) {
    if (!graph.edges.some((edge) => edge.style === style)) continue;
    const y = rowY(rows.length);
    const dash = style === 'loop' || style === 'exception' ? ' stroke-dasharray="6 4"' : '';
    rows.push(
      `<g class="legend-edge ${style}"><path d="M16,${n(y)}H${16 + LEGEND_SAMPLE}" stroke="${EDGE_COLOURS[style]}" stroke-width="1.3"${dash} marker-end="url(#arrow-${style})"/></g>`,
    );
    meanings.push(EDGE_MEANINGS[style]);
  }
  const performer = 'italic under a step: who does it — category, group, role or user';
  const texts = meanings.map(
    (meaning, i) => `<text x="${textX}" y="${n(rowY(i))}" dominant-baseline="central">${escapeXml(meaning)}</text>`,
  );
  const noteY = rowY(rows.length);
  texts.push(
    `<text x="16" y="${n(noteY)}" dominant-baseline="central" font-style="italic" fill="${PERFORMER_COLOUR}">${escapeXml(performer)}</text>`,
  );
  const longest = Math.max(performer.length * CHAR_WIDTH, ...meanings.map((m) => textX - 16 + m.length * CHAR_WIDTH));
  const height = 28 + (rows.length + 1) * LEGEND_ROW;
  const svg = [
    `<g class="legend"><line x1="16" y1="${n(top + 4)}" x2="${n(longest + 16)}" y2="${n(top + 4)}" stroke="#cfd8dc"/>`,
    `<text x="16" y="${n(top + 14)}" font-weight="bold" dominant-baseline="central">Legend</text>`,
    ...rows,
    ...texts,
    '</g>',
  ].join('');
  return { svg, width: longest + 32, height };
}

/** A standalone SVG drawing of a snapshot's flow. */
export function toSvg(snapshot: ProcessSnapshot): string {
  const graph = flowGraph(snapshot);
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 36, edgesep: 12, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const texts = new Map<string, NodeText>();
  for (const entry of graph.order) {
    if (entry.type === 'cluster') g.setNode(entry.key, { width: 0, height: 0, paddingTop: CLUSTER_LABEL });
    else {
      const node = graph.nodes.find((candidate) => candidate.key === entry.key) as GraphNode;
      const text = labelLines(node);
      texts.set(node.key, text);
      g.setNode(node.key, size(node, text.lines));
    }
  }
  for (const cluster of graph.clusters) if (cluster.cluster) g.setParent(cluster.key, cluster.cluster);
  for (const node of graph.nodes) if (node.cluster) g.setParent(node.key, node.cluster);
  const edgeLines = graph.edges.map((edge) => (edge.label ? wrap(edge.label, EDGE_WRAP) : []));
  graph.edges.forEach((edge, index) => {
    const label = edgeLines[index] ?? [];
    const longest = Math.max(0, ...label.map((line) => line.length));
    g.setEdge(
      edge.from,
      edge.to,
      { width: longest * (CHAR_WIDTH - 1), height: label.length * LINE_HEIGHT, labelpos: 'c' },
      `e${index}`,
    );
  });
  dagre.layout(g);

  const { width: graphWidth = 0, height: graphHeight = 0 } = g.graph();
  const legend = drawLegend(graph, graphHeight);
  const width = Math.max(graphWidth, legend.width);
  const height = graphHeight + legend.height;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" font-family="DejaVu Sans, Arial, sans-serif" font-size="${FONT_SIZE}">`,
    `<title>${escapeXml(`${snapshot.id} v${snapshot.version}: ${snapshot.title}`)}</title>`,
    '<defs>',
    ...Object.entries(EDGE_COLOURS).map(
      ([style, colour]) =>
        `<marker id="arrow-${style}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0L10,5L0,10z" fill="${colour}"/></marker>`,
    ),
    '</defs>',
    '<rect width="100%" height="100%" fill="#ffffff"/>',
    '<g class="clusters">',
  ];
  for (const cluster of graph.clusters) {
    const box = g.node(cluster.key);
    const { x = 0, y = 0, width: w = 0, height: h = 0 } = box;
    const top = y - h / 2 - CLUSTER_LABEL;
    out.push(
      `<g class="cluster" data-cluster="${escapeXml(cluster.key)}"><rect x="${n(x - w / 2)}" y="${n(top)}" width="${n(w)}" height="${n(h + CLUSTER_LABEL)}" rx="6" fill="#fafafa" stroke="#90a4ae" stroke-dasharray="4 3"/>` +
        `<text x="${n(x - w / 2 + 8)}" y="${n(top + 13)}" fill="#546e7a">${escapeXml(cluster.label)}</text></g>`,
    );
  }
  out.push('</g>', '<g class="edges">');
  graph.edges.forEach((edge, index) => {
    const laid = g.edge(edge.from, edge.to, `e${index}`);
    const pts: Point[] = (laid as EdgeLabel | undefined)?.points ?? [];
    const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(p.x)},${n(p.y)}`).join('');
    const colour = EDGE_COLOURS[edge.style];
    const dash = edge.style === 'loop' || edge.style === 'exception' ? ' stroke-dasharray="6 4"' : '';
    out.push(
      `<g class="edge ${edge.style}"><path d="${d}" fill="none" stroke="${colour}" stroke-width="1.3"${dash} marker-end="url(#arrow-${edge.style})"/>`,
    );
    if (edge.label && laid.x !== undefined && laid.y !== undefined) {
      out.push(centredLines(edgeLines[index] ?? [], laid.x, laid.y, ` fill="${colour}" font-size="${FONT_SIZE - 1}"`));
    }
    out.push('</g>');
  });
  out.push('</g>', '<g class="nodes">');
  for (const node of graph.nodes) {
    const { x = 0, y = 0, width: w = 0, height: h = 0 } = g.node(node.key);
    const text = texts.get(node.key) ?? { lines: [], performerLines: 0 };
    const data = node.stepId === undefined ? '' : ` data-step="${escapeXml(node.stepId)}"`;
    out.push(
      `<g class="node ${node.kind}"${data}>${shape(node, x, y, w, h)}${textBlock(text, x, y, node.stepId !== undefined)}</g>`,
    );
  }
  out.push('</g>', legend.svg, '</svg>');
  return `${out.join('\n')}\n`;
}
