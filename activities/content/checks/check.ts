import type { Severity } from '../../audit/model.ts';
import type { ContentContext } from '../content-context.ts';
import type { ContentFinding } from '../model.ts';

/** One content check: what it looks for is said in its module's doc comment. */
export interface ContentCheck {
  readonly id: string;
  readonly severity: Severity;
  /** One line for the report's legend. */
  readonly title: string;
  /** What the customer should do about its findings: the recommendation. */
  readonly action: string;
  check(context: ContentContext): ContentFinding[];
}

/** Values in messages: up to 4 significant digits, no exponent. */
export function shown(x: number): string {
  return String(Number(x.toPrecision(4)));
}
