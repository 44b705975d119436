// Population stability (issue 12 item 7): how far a live distribution has moved from the one the model was trained on.
// PSI = Σ (a − e) · ln(a / e) over the bins, shares floored at 0.0001 so an empty bin stays finite. The usual reading:
// below 0.1 stable, 0.1–0.25 some shift, above 0.25 a shift that calls for review (the alarm threshold). Pure.

export const PSI_ALARM_THRESHOLD = 0.25;

export function psi(expectedCounts: readonly number[], actualCounts: readonly number[]): number {
  const floor = 1e-4;
  const expectedTotal = expectedCounts.reduce((s, c) => s + c, 0);
  const actualTotal = actualCounts.reduce((s, c) => s + c, 0);
  if (expectedTotal === 0 || actualTotal === 0) return 0;
  let sum = 0;
  for (let i = 0; i < expectedCounts.length; i++) {
    const e = Math.max((expectedCounts[i] as number) / expectedTotal, floor);
    const a = Math.max(((actualCounts[i] ?? 0) as number) / actualTotal, floor);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}
