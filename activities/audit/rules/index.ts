/** Every audit rule, in report order: geometry, topology, references, duplicates, domains, hydraulics, counts. */
import { attributeDomain } from './attribute-domain.ts';
import { consumerLoadMissing } from './consumer-load-missing.ts';
import { dangle } from './dangle.ts';
import { danglingDictionaryReference } from './dangling-dictionary-reference.ts';
import { disconnectedComponent } from './disconnected-component.ts';
import { duplicateGeometry } from './duplicate-geometry.ts';
import { duplicateInventoryNumber } from './duplicate-inventory-number.ts';
import { gap } from './gap.ts';
import { invalidGeometry } from './invalid-geometry.ts';
import { isolatedSection } from './isolated-section.ts';
import { missingEndNode } from './missing-end-node.ts';
import { missingPassport } from './missing-passport.ts';
import { missingSource } from './missing-source.ts';
import { nearCoincidentNodes } from './near-coincident-nodes.ts';
import { objectCountDrop } from './object-count-drop.ts';
import { orphanPassport } from './orphan-passport.ts';
import { pipeParametersMissing } from './pipe-parameters-missing.ts';
import type { AuditRule } from './rule.ts';
import { unnodedCrossing } from './unnoded-crossing.ts';
import { zeroLengthSection } from './zero-length-section.ts';

export type { AuditRule } from './rule.ts';

export const AUDIT_RULES: readonly AuditRule[] = [
  invalidGeometry,
  zeroLengthSection,
  dangle,
  isolatedSection,
  gap,
  unnodedCrossing,
  disconnectedComponent,
  nearCoincidentNodes,
  orphanPassport,
  missingPassport,
  missingEndNode,
  danglingDictionaryReference,
  duplicateGeometry,
  duplicateInventoryNumber,
  attributeDomain,
  missingSource,
  pipeParametersMissing,
  consumerLoadMissing,
  objectCountDrop,
];
