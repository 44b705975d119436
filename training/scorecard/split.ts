// Seeded, stratified sampling: the same seed and labels always give the same split and folds.

import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

type Rng = ReturnType<typeof xoroshiro128plus>;

function shuffle(items: number[], rng: Rng): number[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    [items[i], items[j]] = [items[j] as number, items[i] as number];
  }
  return items;
}

/** Positions 0…n−1 of each class (0 then 1), each list shuffled by one generator seeded with `seed`. */
function shuffledByClass(labels: ArrayLike<number>, seed: number): number[][] {
  const rng = xoroshiro128plus(seed);
  const classes: number[][] = [[], []];
  for (let i = 0; i < labels.length; i++) (classes[labels[i] as number] as number[]).push(i);
  return classes.map((members) => shuffle(members, rng));
}

/** A share `testShare` of each class goes to test (rounded); both index lists are returned in ascending order. */
export function stratifiedSplit(labels: ArrayLike<number>, testShare: number, seed: number): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  for (const members of shuffledByClass(labels, seed)) {
    const testCount = Math.round(members.length * testShare);
    test.push(...members.slice(0, testCount));
    train.push(...members.slice(testCount));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/** Fold number (0…k−1) of each position; each class is dealt round-robin, continuing across classes, so fold sizes differ by at most one. */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, seed: number): number[] {
  const fold = new Array<number>(labels.length).fill(0);
  let next = 0;
  for (const members of shuffledByClass(labels, seed)) {
    for (const index of members) {
      fold[index] = next;
      next = (next + 1) % k;
    }
  }
  return fold;
}
