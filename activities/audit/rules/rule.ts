import type { Finding, Point, Severity } from '../model.ts';
import type { NetworkContext } from '../network-context.ts';

/** One audit rule: what it checks is said in its module's doc comment. */
export interface AuditRule {
  readonly id: string;
  /** The severity of its findings unless a finding says otherwise. */
  readonly severity: Severity;
  /** One line for the report's legend. */
  readonly title: string;
  check(context: NetworkContext): Finding[];
}

export function finding(
  rule: AuditRule,
  layer: string,
  id: string | null,
  location: Point | null,
  message: string,
  severity: Severity = rule.severity,
): Finding {
  return { rule: rule.id, severity, object: { layer, id }, location, message };
}

/** Metres with centimetre precision, for messages. */
export function metres(value: number): string {
  return `${value.toFixed(2)} m`;
}
