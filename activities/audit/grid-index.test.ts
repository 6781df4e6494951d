import { describe, expect, it } from 'vitest';
import { GridIndex, boxAround, boxOf } from './grid-index.ts';
import { properCrossing } from './geometry.ts';

describe('grid index', () => {
  it('when items are filed by box, then a query returns each nearby item once and no far one', () => {
    const grid = new GridIndex<string>({ minX: 0, minY: 0, maxX: 1000, maxY: 1000 }, 10);
    grid.insert(
      boxOf([
        [5, 5],
        [95, 5],
      ]),
      'long',
    );
    grid.insert(boxAround(50, 8, 0), 'near');
    grid.insert(boxAround(900, 900, 0), 'far');
    expect(grid.query(boxAround(50, 5, 4)).sort()).toEqual(['long', 'near']);
    expect(grid.query(boxAround(500, 500, 4))).toEqual([]);
  });

  it('when a point lies outside the extent, then it is filed in the border cell, not lost', () => {
    const grid = new GridIndex<string>({ minX: 0, minY: 0, maxX: 100, maxY: 100 }, 10);
    grid.insert(boxAround(-5, 50, 0), 'outside');
    expect(grid.query(boxAround(-5, 50, 1))).toEqual(['outside']);
  });

  it('when the cell size is tiny for the extent, then the grid caps its cells and still answers', () => {
    const grid = new GridIndex<number>({ minX: 0, minY: 0, maxX: 1e7, maxY: 1e7 }, 0.001);
    grid.insert(boxAround(5e6, 5e6, 0), 1);
    expect(grid.query(boxAround(5e6, 5e6, 1))).toEqual([1]);
  });
});

describe('properCrossing', () => {
  it('when two segments cross in their interiors, then the crossing point is returned', () => {
    expect(properCrossing([0, 0], [10, 10], [0, 10], [10, 0])).toEqual([5, 5]);
  });

  it('when segments touch at an end, overlap collinearly or miss, then there is no crossing', () => {
    expect(properCrossing([0, 0], [10, 0], [10, 0], [10, 10])).toBeNull();
    expect(properCrossing([0, 0], [10, 0], [5, 0], [15, 0])).toBeNull();
    expect(properCrossing([0, 0], [10, 0], [0, 1], [10, 2])).toBeNull();
  });
});
