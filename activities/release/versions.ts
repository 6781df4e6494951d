/**
 * Product versions as releases and installations write them: `major.minor` or `major.minor.patch`,
 * compared part by part as numbers (3.10 is newer than 3.9; 3.2 and 3.2.0 are the same version).
 */
export const VERSION_PATTERN = /^[0-9]{1,6}(\.[0-9]{1,6}){1,2}$/;

function parts(version: string): [number, number, number] {
  if (!VERSION_PATTERN.test(version)) throw new Error(`"${version}" is not a version like 3.2 or 3.2.1`);
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  return [major, minor, patch];
}

/** Negative when `a` is older than `b`, zero when the same version, positive when newer. */
export function compareVersions(a: string, b: string): number {
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < 3; i += 1) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}
