import { stratifiedFolds, stratifiedSplit } from '../../../training/scorecard/split';

const labels = Array.from({ length: 1000 }, (_, i) => (i % 10 < 3 ? 1 : 0));

describe('seeded stratified sampling', () => {
  it('splits each class in the asked proportion, with no row lost or repeated', () => {
    const { train, test } = stratifiedSplit(labels, 0.3, 42);
    expect(test).toHaveLength(300);
    expect(test.filter((i) => labels[i] === 1)).toHaveLength(90);
    expect(new Set([...train, ...test]).size).toBe(1000);
    expect(train).toEqual([...train].sort((a, b) => a - b));
  });

  it('gives the same split for the same seed and another for another seed', () => {
    expect(stratifiedSplit(labels, 0.3, 42)).toEqual(stratifiedSplit(labels, 0.3, 42));
    expect(stratifiedSplit(labels, 0.3, 43).test).not.toEqual(stratifiedSplit(labels, 0.3, 42).test);
  });

  it('deals folds of equal size and equal bad share', () => {
    const folds = stratifiedFolds(labels, 10, 7);
    for (let f = 0; f < 10; f++) {
      const members = folds.map((fold, i) => (fold === f ? i : -1)).filter((i) => i >= 0);
      expect(members).toHaveLength(100);
      expect(members.filter((i) => labels[i] === 1)).toHaveLength(30);
    }
    expect(stratifiedFolds(labels, 10, 7)).toEqual(folds);
    // Uneven sizes differ by at most one
    const sizes = [0, 1, 2].map((f) => stratifiedFolds(labels.slice(0, 10), 3, 1).filter((x) => x === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });
});
