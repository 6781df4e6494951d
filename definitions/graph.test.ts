import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { performerOf, readableCondition, toMermaid } from './graph.ts';
import { toSvg } from './graph-svg.ts';
import { inspectDefinition, loadDefinition } from './loader.ts';
import type { ApprovalStep, ProcessSnapshot, Step } from './model.ts';

const SMALL = `id: small
version: 1
title: Small
service: X-CUSTOM
inputs:
  type: object
  properties:
    items: { type: array, items: { type: string } }
steps:
  - id: draft
    kind: task
    title: Draft "the" plan
    assignee: { category: ENG_I }
    norm: { ENG_I: 2 }
  - id: review
    kind: approval
    title: Review
    approvers: [{ role: lead }]
    onReject: { goto: draft }
    maxRejections: 2
  - id: fetch
    kind: activity
    activity: notify.send
    onError: { goto: give-up }
  - id: both
    kind: parallel
    branches:
      - name: left
        steps:
          - { id: wait-a, kind: wait, for: 1h }
      - name: right
        steps:
          - id: each
            kind: forEach
            items: inputs.items
            steps:
              - { id: notify, kind: activity, activity: notify.send }
  - id: check
    kind: switch
    cases:
      - when: size(inputs.items) > 3
        goto: both
        maxIterations: 2
    default: end
  - id: give-up
    kind: fail
    reason: gave up
  - id: end
    kind: end
`;

const EXPECTED_MERMAID = `flowchart TD
  start(("start"))
  s_draft("draft<br/>Draft #quot;the#quot; plan<br/><i>ENG_I</i>")
  s_review{{"review<br/>Review<br/><i>lead</i>"}}
  s_fetch["fetch<br/><i>automated</i>"]
  s_both[/"both"/]
  subgraph s_both__left["both: left"]
    s_wait_a(["wait-a"])
  end
  subgraph s_both__right["both: right"]
    s_each[/"each"\\]
    subgraph s_each__each["each: each item"]
      s_notify["notify<br/><i>automated</i>"]
    end
  end
  s_check{"check"}
  s_end((("end")))
  s_give_up>"give-up"]
  start --> s_draft
  s_draft --> s_review
  s_review -->|"approved"| s_fetch
  s_review -.->|"rejected ≤2×"| s_draft
  s_fetch --> s_both
  s_fetch -.->|"error"| s_give_up
  s_both -->|"left"| s_wait_a
  s_wait_a -->|"join all"| s_check
  s_both -->|"right"| s_each
  s_each -->|"each item"| s_notify
  s_notify -.->|"next item"| s_each
  s_each -->|"all done"| s_check
  s_check -.->|"number of items #gt; 3 ≤2×"| s_both
  s_check -->|"default"| s_end
`;

/**
 * A strict XML well-formedness parser for what the renderer emits: one root element, matched tags,
 * quoted and unique attributes, only the predefined and numeric entities, no stray `<` or `&`.
 * Returns the elements with their attributes and text, in document order.
 */
interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  text: string;
}

function parseXml(xml: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const stack: XmlElement[] = [];
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
  const decode = (raw: string): string => {
    for (let i = raw.indexOf('&'); i !== -1; i = raw.indexOf('&', i + 1)) {
      entity.lastIndex = i;
      if (!entity.test(raw)) throw new Error(`bad entity at …${raw.slice(i, i + 10)}`);
    }
    return raw
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  };
  let i = 0;
  let roots = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (text.includes('>')) throw new Error(`stray '>' in text at ${i}`);
    if (stack.length === 0 && text.trim()) throw new Error(`text outside the root at ${i}`);
    const top = stack[stack.length - 1];
    if (top) top.text += decode(text);
    if (lt === -1) break;
    const gt = xml.indexOf('>', lt);
    if (gt === -1) throw new Error(`unclosed tag at ${lt}`);
    const tag = xml.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (!open || open.name !== tag.slice(1)) throw new Error(`</${tag.slice(1)}> closes <${open?.name}> at ${lt}`);
    } else {
      const match = /^([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w:.-]*="[^"<]*")*)\s*(\/?)$/.exec(tag);
      if (!match) throw new Error(`malformed tag <${tag.slice(0, 40)}> at ${lt}`);
      if (stack.length === 0 && ++roots > 1) throw new Error('more than one root element');
      const element: XmlElement = { name: match[1] as string, attributes: {}, text: '' };
      for (const [, name, value] of (match[2] ?? '').matchAll(/([A-Za-z_][\w:.-]*)="([^"]*)"/g)) {
        if ((name as string) in element.attributes) throw new Error(`attribute ${name} twice at ${lt}`);
        element.attributes[name as string] = decode(value as string);
      }
      elements.push(element);
      if (match[3] !== '/') stack.push(element);
    }
    i = gt + 1;
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]?.name}> is never closed`);
  if (roots !== 1) throw new Error('no root element');
  return elements;
}

const CATALOG = new URL('./catalog/', import.meta.url);
const catalog: [string, ProcessSnapshot][] = readdirSync(CATALOG)
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => [name, inspectDefinition(readFileSync(new URL(name, CATALOG), 'utf8'), name).compiled.snapshot]);

describe('toMermaid', () => {
  it('when a small definition is drawn, then every step, jump, branch and loop appears as expected', () => {
    expect(toMermaid(loadDefinition(SMALL, 'small.yaml').snapshot)).toBe(EXPECTED_MERMAID);
  });

  it('when the steps come back in another key order (a JSONB round trip), then the text is the same', () => {
    const snapshot = loadDefinition(SMALL, 'small.yaml').snapshot;
    const shuffled = { ...snapshot, steps: Object.fromEntries(Object.entries(snapshot.steps).reverse()) };
    expect(toMermaid(shuffled)).toBe(EXPECTED_MERMAID);
    expect(toSvg(shuffled)).toBe(toSvg(snapshot));
  });

  it.each(catalog)('when %s is drawn, then every step is a node', (_, snapshot) => {
    const text = toMermaid(snapshot);
    for (const id of Object.keys(snapshot.steps)) {
      expect(text).toContain(`s_${id.replace(/-/g, '_')}`);
    }
  });
});

describe('toSvg', () => {
  it('when the XML checker meets a broken document, then it refuses it', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow();
    expect(() => parseXml('<svg><text>a & b</text></svg>')).toThrow(/entity/);
    expect(() => parseXml('<svg a="1" a="2"/>')).toThrow(/twice/);
  });

  it.each(catalog)('when %s is drawn, then the SVG is well-formed XML and names every step', (_, snapshot) => {
    const svg = toSvg(snapshot);
    const elements = parseXml(svg);
    expect(elements[0]?.name).toBe('svg');
    const drawn = new Map(
      elements.filter((e) => e.attributes['data-step'] !== undefined).map((e) => [e.attributes['data-step'], e]),
    );
    const texts = elements.filter((e) => e.name === 'text').map((e) => e.text);
    for (const id of Object.keys(snapshot.steps)) {
      expect(drawn.has(id), id).toBe(true);
      expect(texts).toContain(id);
    }
  });

  it('when the same definition is drawn twice, then the bytes are the same', () => {
    const snapshot = loadDefinition(SMALL, 'small.yaml').snapshot;
    expect(toSvg(snapshot)).toBe(toSvg(snapshot));
  });

  it('when a title has markup characters, then they are escaped', () => {
    const snapshot = loadDefinition(SMALL.replace('Draft "the" plan', 'Draft <b> & "the" plan'), 'small.yaml').snapshot;
    const texts = parseXml(toSvg(snapshot))
      .filter((e) => e.name === 'text')
      .map((e) => e.text);
    expect(texts).toContain('Draft <b> & "the" plan');
  });
});

describe('what the graph tells a reader', () => {
  it.each([
    ["!steps['lead-review'].result.recoveryFeasible", 'not lead-review.recoveryFeasible'],
    ["steps['re-audit'].output.critical > 0", 're-audit.critical > 0'],
    [
      '!has(steps.survey.result.assessment) || !steps.survey.result.assessment',
      'no survey.assessment or not survey.assessment',
    ],
    ['steps.fit.output.best.rmsM > inputs.toleranceM', 'fit.best.rmsM > toleranceM'],
    ['steps.path.result.path == "rigorous" && run != 1', 'path.path = "rigorous" and run ≠ 1'],
    ['steps.a.result.note == "a && !b"', 'a.note = "a && !b"'],
  ])('when a branch condition is %s, then it reads %s', (cel, words) => {
    expect(readableCondition(cel)).toBe(words);
  });

  it('when a step is done by people or by the worker, then the graph says who', () => {
    const { snapshot } = loadDefinition(SMALL, 'small.yaml');
    const steps = snapshot.steps;
    expect(performerOf(steps['draft']!)).toBe('ENG_I');
    expect(performerOf(steps['review']!)).toBe('lead');
    expect(performerOf(steps['fetch']!)).toBe('automated');
    expect(performerOf(steps['check']!)).toBeUndefined();
    const billed = { ...steps['fetch']!, norm: { ENG_II: 2, TECH: 0.5 } } as Step;
    expect(performerOf(billed)).toBe('automated · bills ENG_II 2 h, TECH 0.5 h');
    const approval = steps['review'] as ApprovalStep;
    const twoOf = {
      ...approval,
      approvers: [{ category: 'LEAD' }, { role: 'pm' }],
      rule: { kind: 'nOf', n: 2 },
      fourEyes: ['draft'],
    };
    expect(performerOf(twoOf as ApprovalStep)).toBe('2 of: LEAD; PM (four-eyes)');
  });

  it('when audit.yaml is drawn as SVG, then each step says who does it, conditions are whole, and a legend explains the marks', () => {
    const audit = catalog.find(([name]) => name === 'audit.yaml')![1];
    const elements = parseXml(toSvg(audit));
    const texts = elements.filter((e) => e.name === 'text').map((e) => e.text);
    const performers = elements.filter((e) => e.attributes.class === 'performer').map((e) => e.text);
    expect(performers).toContain('ENG_I');
    expect(performers).toContain('customer (recorded by a PM)');
    // The condition that used to be cut mid-way is there in full, broken at its dot.
    expect(texts).toEqual(expect.arrayContaining(['not lead-review.', 'recoveryFeasible']));
    expect(texts.some((t) => t.includes('…'))).toBe(false);
    expect(texts).toContain('Legend');
    expect(texts).toContain("task in an engineer's inbox (who takes it)");
    expect(texts).toContain('decision: the first condition that holds');
    expect(texts).toContain('back to an earlier step (≤n× bounds it)');
    expect(texts).not.toContain('parallel branches');
    const legendKinds = elements.filter((e) => e.attributes.class?.startsWith('legend-kind '));
    expect(legendKinds.map((e) => e.attributes.class)).toContain('legend-kind approval');
  });
});
