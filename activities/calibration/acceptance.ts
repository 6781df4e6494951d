/**
 * Acceptance profiles: the criteria a calibrated model is judged by, kept as data
 * (`acceptance-profiles/<id>.json`, or an object the engineer passes) and checked against a JSON
 * Schema before use. Judging is the same code for every profile.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ModelInputError } from './network-model.ts';
import type { FitStatistics } from './statistics.ts';

export interface AcceptanceProfile {
  id: string;
  title: string;
  /** Where the criteria come from. */
  source: string;
  heads: {
    rmseM?: number;
    maxAbsM?: number;
    /** At least `share` of head and pressure readings within ±`m` metres. */
    within: { m: number; share: number }[];
  };
  flows?: { within: { percent: number; share: number }[] };
  /** Largest share of readings flagged suspect (residual > 3 × RMSE). */
  maxSuspectShare?: number;
  /** A group is identified when its relative standard error and its sensitivity pass these. */
  identifiability: { maxRelativeStdError: number; minSensitivityM: number };
}

/** A list of "at least `share` of the readings within ±`limit`" criteria. */
function sharesWithin(limit: 'm' | 'percent') {
  return {
    type: 'array',
    items: {
      type: 'object',
      required: [limit, 'share'],
      additionalProperties: false,
      properties: {
        [limit]: { type: 'number', exclusiveMinimum: 0 },
        share: { type: 'number', minimum: 0, maximum: 1 },
      },
    },
  } as const;
}

const PROFILE_SCHEMA = {
  type: 'object',
  required: ['id', 'title', 'source', 'heads', 'identifiability'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9-]+$' },
    title: { type: 'string' },
    source: { type: 'string' },
    heads: {
      type: 'object',
      required: ['within'],
      additionalProperties: false,
      properties: {
        rmseM: { type: 'number', exclusiveMinimum: 0 },
        maxAbsM: { type: 'number', exclusiveMinimum: 0 },
        within: sharesWithin('m'),
      },
    },
    flows: {
      type: 'object',
      required: ['within'],
      additionalProperties: false,
      properties: {
        within: sharesWithin('percent'),
      },
    },
    maxSuspectShare: { type: 'number', minimum: 0, maximum: 1 },
    identifiability: {
      type: 'object',
      required: ['maxRelativeStdError', 'minSensitivityM'],
      additionalProperties: false,
      properties: {
        maxRelativeStdError: { type: 'number', exclusiveMinimum: 0 },
        minSensitivityM: { type: 'number', minimum: 0 },
      },
    },
  },
} as const;

const validate = new Ajv2020({ allErrors: true }).compile<AcceptanceProfile>(PROFILE_SCHEMA);

export const DEFAULT_PROFILE = 'wrc-1989';
const PROFILES_DIR = new URL('./acceptance-profiles/', import.meta.url);

/** The ids of the profiles shipped as files. */
export function profileIds(): string[] {
  return readdirSync(PROFILES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A shipped profile by id, or a profile given as an object; either is schema-checked. */
export function loadAcceptanceProfile(profile: string | unknown = DEFAULT_PROFILE): AcceptanceProfile {
  let value: unknown = profile;
  if (typeof profile === 'string') {
    if (!profileIds().includes(profile)) {
      throw new ModelInputError(
        `acceptance profile ${JSON.stringify(profile)} does not exist; known: ${profileIds().join(', ')}`,
        'acceptance-profile-invalid',
      );
    }
    value = JSON.parse(readFileSync(new URL(`${profile}.json`, PROFILES_DIR), 'utf8'));
  }
  if (!validate(value)) {
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new ModelInputError(`acceptance profile is invalid: ${errors}`, 'acceptance-profile-invalid');
  }
  return value;
}

/** The thresholds a profile judges by, so the statistics compute a share for each. */
export function profileThresholds(profile: AcceptanceProfile): { m: number[]; percent: number[] } {
  return {
    m: profile.heads.within.map((w) => w.m),
    percent: (profile.flows?.within ?? []).map((w) => w.percent),
  };
}

export interface AcceptanceCheck {
  criterion: string;
  required: number;
  actual: number | null;
  passed: boolean;
}

export interface AcceptanceVerdict {
  profile: string;
  passed: boolean;
  checks: AcceptanceCheck[];
}

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Judges fit statistics against a profile: every criterion with what it requires and what was found. */
export function judge(profile: AcceptanceProfile, stats: FitStatistics): AcceptanceVerdict {
  const checks: AcceptanceCheck[] = [];
  const atMost = (criterion: string, required: number, actual: number | null) =>
    checks.push({
      criterion,
      required,
      actual: actual === null ? null : round(actual),
      passed: actual !== null && actual <= required + 1e-12,
    });
  const atLeast = (criterion: string, required: number, actual: number | null) =>
    checks.push({
      criterion,
      required,
      actual: actual === null ? null : round(actual),
      passed: actual !== null && actual >= required - 1e-12,
    });
  const heads = stats.heads;
  if (profile.heads.rmseM !== undefined) atMost('head RMSE, m', profile.heads.rmseM, heads.rmseM);
  if (profile.heads.maxAbsM !== undefined) atMost('largest head deviation, m', profile.heads.maxAbsM, heads.maxAbsM);
  for (const { m, share } of profile.heads.within) {
    const found = heads.points === 0 ? undefined : heads.within.find((w) => w.m === m);
    atLeast(`share of head readings within ±${m} m`, share, found?.share ?? null);
  }
  if (profile.flows && stats.flows.points > 0) {
    for (const { percent, share } of profile.flows.within) {
      const found = stats.flows.within.find((w) => w.percent === percent);
      atLeast(`share of flow readings within ±${percent} %`, share, found?.share ?? null);
    }
  }
  if (profile.maxSuspectShare !== undefined) {
    atMost('share of suspect readings', profile.maxSuspectShare, stats.suspectShare);
  }
  return { profile: profile.id, passed: checks.every((c) => c.passed), checks };
}
