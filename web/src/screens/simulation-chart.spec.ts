import {
  CHART_FRAME,
  coordinate,
  formatFigure,
  formatShare,
  guessChart,
  imbalanceChart,
  layoutChart,
  linearScale,
  linePath,
  niceStep,
  niceTicks,
  type EnrolmentFigures,
} from './simulation-chart';

const row = (
  enrolled: number,
  meanImbalance: number,
  maxImbalance: number,
  correctGuess: number,
): EnrolmentFigures => ({ enrolled, meanImbalance, maxImbalance, correctGuess });

describe('simulation chart maths', () => {
  describe(linearScale.name, () => {
    it('maps the domain onto the range, reversed ranges included', () => {
      const x = linearScale([0, 10], 100, 200);
      expect([x(0), x(5), x(10), x(-10)]).toEqual([100, 150, 200, 0]);
      const y = linearScale([0, 1], 280, 20);
      expect([y(0), y(0.5), y(1)]).toEqual([280, 150, 20]);
    });

    it('maps a one-value domain to the middle instead of dividing by zero', () => {
      const x = linearScale([3, 3], 0, 100);
      expect([x(3), x(7)]).toEqual([50, 50]);
    });
  });

  describe(niceStep.name, () => {
    it.each([
      [0.07, 0.1],
      [0.1, 0.1],
      [0.11, 0.2],
      [0.3, 0.5],
      [2.375, 5],
      [7, 10],
      [12, 20],
      [450, 500],
    ])('rounds %p up to %p', (raw, nice) => {
      expect(niceStep(raw)).toBe(nice);
    });

    it('answers 1 for a step that is not a positive number', () => {
      expect([niceStep(0), niceStep(-2), niceStep(Number.NaN), niceStep(Infinity)]).toEqual([
        1, 1, 1, 1,
      ]);
    });
  });

  describe(niceTicks.name, () => {
    it('covers the interval with round values', () => {
      expect(niceTicks(0, 1, 4)).toEqual([0, 0.5, 1]);
      expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
      expect(niceTicks(1, 20, 8, true)).toEqual([0, 5, 10, 15, 20]);
      expect(niceTicks(0.13, 0.87, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    });

    it('keeps whole steps for whole quantities, even over a short interval', () => {
      expect(niceTicks(0, 2, 5, true)).toEqual([0, 1, 2]);
      expect(niceTicks(0, 2, 5)).toEqual([0, 0.5, 1, 1.5, 2]);
    });

    it('gives one tick for a one-value interval and none for nonsense', () => {
      expect(niceTicks(4, 4, 5)).toEqual([4]);
      expect(niceTicks(0, Number.NaN, 5)).toEqual([]);
      expect(niceTicks(0, 1, 0)).toEqual([]);
      expect(niceTicks(10, 0, 2, true)).toEqual([0, 5, 10]);
    });

    it('writes no floating-point dust', () => {
      for (const tick of niceTicks(0, 0.9, 9)) expect(String(tick)).toMatch(/^\d(\.\d)?$/);
    });
  });

  describe('path strings', () => {
    it('write one decimal at most, without -0', () => {
      expect([coordinate(1.25), coordinate(3), coordinate(-0.01), coordinate(12.345)]).toEqual([
        '1.3',
        '3',
        '0',
        '12.3',
      ]);
    });

    it('move to the first point and draw lines to the others', () => {
      expect(
        linePath([
          { x: 0, y: 10 },
          { x: 5.55, y: 2 },
          { x: 10, y: 0 },
        ]),
      ).toBe('M0,10L5.6,2L10,0');
      expect(linePath([])).toBe('');
    });
  });

  describe(layoutChart.name, () => {
    it('puts the smallest tick at the bottom-left corner and the largest at the top-right', () => {
      const layout = layoutChart({
        series: [
          {
            key: 's',
            points: [
              { x: 1, y: 0.3 },
              { x: 9, y: 0.7 },
            ],
          },
        ],
        yDomain: [0, 1],
        xInteger: true,
      });
      const { plot } = layout;
      expect(plot).toEqual({
        x0: CHART_FRAME.left,
        x1: CHART_FRAME.width - CHART_FRAME.right,
        y0: CHART_FRAME.height - CHART_FRAME.bottom,
        y1: CHART_FRAME.top,
      });
      expect(layout.xTicks[0]).toEqual({ value: 1, at: plot.x0 });
      expect(layout.xTicks[layout.xTicks.length - 1]).toEqual({ value: 9, at: plot.x1 });
      expect(layout.yTicks[0]).toEqual({ value: 0, at: plot.y0 });
      expect(layout.yTicks[layout.yTicks.length - 1]).toEqual({ value: 1, at: plot.y1 });
      // y grows upwards: the larger value is drawn higher (a smaller SVG y).
      const [a, b] = layout.series[0]!.points;
      expect(b!.y).toBeLessThan(a!.y);
      expect(b!.x).toBeGreaterThan(a!.x);
    });

    it('answers an empty path for a series with no point, and still has axes', () => {
      const layout = layoutChart({ series: [{ key: 'none', points: [] }] });
      expect(layout.series[0]!.path).toBe('');
      expect(layout.yTicks.length).toBeGreaterThan(1);
    });
  });

  describe(imbalanceChart.name, () => {
    const enrolments = [
      row(1, 1, 1, 0.5),
      row(2, 0, 0, 1),
      row(3, 1, 1, 0.5),
      row(4, 0.25, 2, 0.75),
    ];

    it('draws mean and max imbalance against k, from zero up to the largest max', () => {
      const layout = imbalanceChart(enrolments);
      expect(layout.series.map((s) => s.key)).toEqual(['mean', 'max']);
      expect(layout.yTicks[0]!.value).toBe(0);
      expect(layout.yTicks[layout.yTicks.length - 1]!.value).toBe(2);
      expect(layout.yTicks.every((t) => Number.isInteger(t.value))).toBe(true);
      const [mean, max] = layout.series;
      expect(mean!.points).toHaveLength(4);
      // At k = 4 the max (2) sits on the top tick and the mean (0.25) an eighth of the way up.
      const top = layout.plot.y1;
      const bottom = layout.plot.y0;
      expect(max!.points[3]!.y).toBeCloseTo(top);
      expect(mean!.points[3]!.y).toBeCloseTo(bottom - (bottom - top) / 8);
      expect(mean!.path.startsWith('M')).toBe(true);
      expect(mean!.path.match(/L/g)).toHaveLength(3);
    });

    it('keeps an axis up to 1 when the design is balanced after every enrolment', () => {
      const layout = imbalanceChart([row(1, 0, 0, 0.5), row(2, 0, 0, 0.5)]);
      expect(layout.yTicks[layout.yTicks.length - 1]!.value).toBe(1);
      for (const point of layout.series[1]!.points) expect(point.y).toBe(layout.plot.y0);
    });
  });

  describe(guessChart.name, () => {
    it('draws P(right) against k on a 0 to 1 axis, with a flat chance line over the whole list', () => {
      const enrolments = [row(1, 1, 1, 0.5), row(2, 0, 0, 1), row(3, 1, 1, 0.625)];
      const layout = guessChart(enrolments, 0.5);
      expect(layout.series.map((s) => s.key)).toEqual(['guess', 'chance']);
      expect(layout.yTicks.map((t) => t.value)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
      const [guess, chance] = layout.series;
      expect(guess!.points[1]!.y).toBe(layout.plot.y1); // P = 1 at the top
      expect(chance!.points).toHaveLength(2);
      expect(chance!.points[0]!.y).toBe(chance!.points[1]!.y);
      expect(chance!.points[0]!.y).toBeCloseTo((layout.plot.y0 + layout.plot.y1) / 2);
      expect(chance!.points[0]!.x).toBe(guess!.points[0]!.x);
      expect(chance!.points[1]!.x).toBe(guess!.points[2]!.x);
    });

    it('draws a list of one slot without dividing by zero', () => {
      const layout = guessChart([row(1, 1, 1, 0.5)], 0.5);
      for (const s of layout.series) expect(s.path).not.toMatch(/NaN|Infinity/);
    });
  });

  describe('figures', () => {
    it('are written the language’s way', () => {
      expect(formatFigure('en', 0.5, 3)).toBe('0.500');
      expect(formatFigure('es', 0.5, 3)).toBe('0,500');
      expect(formatShare('en', 0.5234)).toBe('52.3%');
      expect(formatShare('es', 0.5234).replace(/\s/g, ' ')).toBe('52,3 %');
    });
  });
});
