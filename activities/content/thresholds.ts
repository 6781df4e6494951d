/**
 * What content analysis knows and where it draws its lines, kept as data in one place: every
 * threshold the checks use, and the knowledge of when each material came into (or out of) use.
 * docs/content-analysis.md explains each value; the engine takes a `ContentThresholds` as a
 * parameter, so a test or a customer's profile can pass other values without touching the checks.
 */
import type { NetworkKind } from '../../db/project-schema.ts';

/** The years a material (a code of the `material` dictionary) was plausibly laid in. */
export interface MaterialEra {
  material: string;
  /** First plausible install year; earlier is reported. */
  from?: number;
  /** Last plausible install year; later is reported. */
  until?: number;
  /** Why, for the finding's evidence. */
  basis: string;
}

export interface ContentThresholds {
  /** A stored diameter above 0 and below this is read as metres (no pipe has a 3 mm bore). */
  diameterMetresBelow: number;
  /** …when the value × 1000 lies in this range of plausible bores, mm. */
  plausibleDiameterMm: { min: number; max: number };
  /** Factors a load is slipped by: ×10 a decimal slip, ×24 a daily value entered as hourly. */
  loadSlipFactors: readonly number[];
  /** A load is read as slipped by factor f when its ratio to the class median is within f ÷ band … f × band. */
  loadSlipBand: number;
  /** Stored length vs the length of the drawn line: reported when off by more than this share … */
  lengthRelativeTolerance: number;
  /** … and by more than this many metres. */
  lengthAbsoluteToleranceM: number;
  /** Iglewicz–Hoaglin modified z-score |0.6745·(x − median)/MAD| above which a value is an outlier. */
  outlierZ: number;
  /** … and only when it also differs from the class median by more than this share of the median. */
  outlierMinRelativeDeviation: number;
  /** Robust statistics need this many values in a class (the value checked included). */
  minClassSize: number;
  /** Highest plausible flow velocity per network at the estimated peak flow, m/s. */
  maxVelocityMs: Record<NetworkKind, number>;
  /** Heat loads (Gcal/h) become water flow (t/h ≈ m³/h) as load × 1000 ÷ ΔT; the design ΔT, K. */
  heatDeltaTK: number;
  /** A section is reported when its diameter exceeds the largest section feeding it by more than this factor. */
  diameterGrowthFactor: number;
  /** Material eras, by material code. */
  materialEras: readonly MaterialEra[];
  /** A placeholder: one value on at least this share of a layer's (or class's) filled rows … */
  placeholderShare: number;
  /** … at least this many times as often as the next most common value … */
  placeholderDominance: number;
  /** … in a layer or class of at least this many filled rows. */
  placeholderMinRows: number;
  /** Inventory numbers one edit apart are reported when their objects share a layer and lie this close, m. */
  inventoryNeighbourM: number;
}

export const DEFAULT_THRESHOLDS: ContentThresholds = Object.freeze({
  diameterMetresBelow: 3,
  plausibleDiameterMm: { min: 15, max: 2000 },
  loadSlipFactors: [10, 24],
  loadSlipBand: 2,
  lengthRelativeTolerance: 0.1,
  lengthAbsoluteToleranceM: 2,
  outlierZ: 3.5,
  outlierMinRelativeDeviation: 0.5,
  minClassSize: 8,
  maxVelocityMs: { water: 3, heat: 3, sewer: 4 },
  heatDeltaTK: 25,
  diameterGrowthFactor: 1.3,
  materialEras: [
    { material: 'PE', from: 1970, basis: 'polyethylene pressure pipes came into use around 1970' },
    { material: 'PVC', from: 1965, basis: 'PVC pressure pipes came into use around 1965' },
    { material: 'DI', from: 1960, basis: 'ductile iron pipes came into use around 1960' },
    { material: 'PPU', from: 1990, basis: 'pre-insulated (PPU) heat pipes came into use around 1990' },
    { material: 'CI', until: 2005, basis: 'grey cast iron pressure pipes went out of production by 2005' },
  ],
  placeholderShare: 0.3,
  placeholderDominance: 3,
  placeholderMinRows: 20,
  inventoryNeighbourM: 30,
});
