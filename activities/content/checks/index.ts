/**
 * Every content check, in the order they run: placeholders and unit slips first, so the checks after
 * them reason with corrected values and report each doubtful value once, by the most specific check.
 */
import type { ContentCheck } from './check.ts';
import { classOutlier } from './outliers.ts';
import { diameterGrowsDownstream, velocityImplausible } from './hydraulics.ts';
import { inventoryLookAlike, inventoryOneEdit } from './inventory.ts';
import { lengthMismatch } from './length.ts';
import { materialYear } from './material-year.ts';
import { placeholderValue } from './placeholder.ts';
import { diameterInMetres, loadUnitSlip } from './units.ts';

export type { ContentCheck } from './check.ts';

export const CONTENT_CHECKS: readonly ContentCheck[] = [
  placeholderValue,
  diameterInMetres,
  loadUnitSlip,
  lengthMismatch,
  classOutlier,
  velocityImplausible,
  diameterGrowsDownstream,
  materialYear,
  inventoryLookAlike,
  inventoryOneEdit,
];

/** The checks that detect unit slips. */
export const UNIT_CHECKS: readonly ContentCheck[] = [diameterInMetres, loadUnitSlip];
