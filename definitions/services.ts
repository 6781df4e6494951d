/** Service catalog codes (DOMAIN.md "Service catalog"): `B-` basic, free; `X-` extended. */
export const SERVICE_CODES = [
  'B-HOTLINE',
  'B-INCIDENT',
  'B-RELEASE',
  'X-IMPORT',
  'X-EXCH',
  'X-TRAIN',
  'X-SCHEMA',
  'X-AUDIT',
  'X-REPROJ',
  'X-CONTENT',
  'X-CALIB',
  'X-CUSTOM',
  'X-WS',
  'X-INTEGR',
] as const;

export type ServiceCode = (typeof SERVICE_CODES)[number];

export function isServiceCode(code: string): code is ServiceCode {
  return (SERVICE_CODES as readonly string[]).includes(code);
}

export function isBasicService(code: string): boolean {
  return code.startsWith('B-');
}
