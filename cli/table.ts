/** Plain-text tables for the terminal: columns left-aligned for text, right-aligned where `numeric` says so. */
export function formatTable(rows: string[][], numeric: boolean[] = []): string[] {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
