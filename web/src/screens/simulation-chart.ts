/**
 * The maths of the design simulation's two charts (RandomizationListScreen), with no DOM and no
 * chart library: scales, "nice" ticks and SVG path strings. The charts are drawn as inline SVG
 * from what these functions answer; the same numbers are also given as tables.
 */

export interface Point {
  x: number;
  y: number;
}

/** A closed interval of data values. */
export type Domain = readonly [number, number];

/** The drawing area of a chart, in SVG user units (the viewBox). */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const CHART_FRAME: Frame = {
  width: 640,
  height: 320,
  left: 56,
  right: 16,
  top: 16,
  bottom: 48,
};

/**
 * value -> coordinate, linear from the domain onto [from, to]. A domain of one value (a list of
 * one slot) maps to the middle, rather than dividing by zero.
 */
export function linearScale(domain: Domain, from: number, to: number): (value: number) => number {
  const [d0, d1] = domain;
  if (d1 === d0) return () => (from + to) / 2;
  const factor = (to - from) / (d1 - d0);
  return (value) => from + (value - d0) * factor;
}

/** 1, 2 or 5 times a power of ten: the step closest above `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  // Rounding guards against 0.30000000000000004-like steps.
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return Number((nice * power).toPrecision(12));
}

/**
 * At most about `count` evenly spaced round values covering [min, max], starting at or below min
 * and ending at or above max. `integer` keeps the step whole (enrolment counts, imbalance).
 */
export function niceTicks(min: number, max: number, count: number, integer = false): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || count < 1) return [];
  if (max < min) [min, max] = [max, min];
  if (max === min) return [min];
  let step = niceStep((max - min) / count);
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(min / step + 1e-9) * step;
  const last = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; first + i * step <= last + step * 1e-9; i++) {
    ticks.push(Number((first + i * step).toPrecision(12)));
  }
  return ticks;
}

/** A coordinate written short: one decimal place, no trailing ".0", no "-0". */
export function coordinate(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return String(rounded === 0 ? 0 : rounded);
}

/** The SVG path of a polyline through the points, in order ("" for no point). */
export function linePath(points: readonly Point[]): string {
  return points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${coordinate(p.x)},${coordinate(p.y)}`)
    .join('');
}

export interface Tick {
  value: number;
  /** The coordinate along its axis. */
  at: number;
}

export interface ChartSeries {
  key: string;
  path: string;
  /** Every data point, in chart coordinates, for markers. */
  points: Point[];
}

export interface ChartLayout {
  frame: Frame;
  xTicks: Tick[];
  yTicks: Tick[];
  series: ChartSeries[];
  /** The plot area's edges, for the axes. */
  plot: { x0: number; x1: number; y0: number; y1: number };
}

export interface ChartInput {
  series: { key: string; points: readonly Point[] }[];
  /** Drawn axis extents; the data's extent when absent. */
  xDomain?: Domain;
  yDomain?: Domain;
  xTickCount?: number;
  yTickCount?: number;
  xInteger?: boolean;
  yInteger?: boolean;
}

/**
 * Lays out a line chart: the axes run over the ticks (so the top tick is the top of the plot),
 * y grows upwards, and each series becomes a path in the frame's coordinates.
 */
export function layoutChart(input: ChartInput, frame: Frame = CHART_FRAME): ChartLayout {
  const all = input.series.flatMap((s) => s.points);
  const extent = (pick: (p: Point) => number): Domain =>
    all.length === 0 ? [0, 1] : [Math.min(...all.map(pick)), Math.max(...all.map(pick))];
  const xData = input.xDomain ?? extent((p) => p.x);
  const yData = input.yDomain ?? extent((p) => p.y);
  const xTickValues = niceTicks(xData[0], xData[1], input.xTickCount ?? 8, input.xInteger);
  const yTickValues = niceTicks(yData[0], yData[1], input.yTickCount ?? 5, input.yInteger);
  const span = (ticks: number[], data: Domain): Domain =>
    ticks.length === 0
      ? data
      : [
          Math.min(data[0], ticks[0] ?? data[0]),
          Math.max(data[1], ticks[ticks.length - 1] ?? data[1]),
        ];
  const xDomain = span(xTickValues, xData);
  const yDomain = span(yTickValues, yData);
  const x0 = frame.left;
  const x1 = frame.width - frame.right;
  const y0 = frame.height - frame.bottom;
  const y1 = frame.top;
  const x = linearScale(xDomain, x0, x1);
  const y = linearScale(yDomain, y0, y1);
  const series = input.series.map((s) => {
    const points = s.points.map((p) => ({ x: x(p.x), y: y(p.y) }));
    return { key: s.key, path: linePath(points), points };
  });
  return {
    frame,
    xTicks: xTickValues.map((value) => ({ value, at: x(value) })),
    yTicks: yTickValues.map((value) => ({ value, at: y(value) })),
    series,
    plot: { x0, x1, y0, y1 },
  };
}

/** What the charts need of one row of the simulation's answer (EnrolmentStatsDto). */
export interface EnrolmentFigures {
  enrolled: number;
  meanImbalance: number;
  maxImbalance: number;
  correctGuess: number;
}

/**
 * Chart (a): mean and max imbalance against enrolments. The y axis starts at 0 (perfect balance)
 * and reaches at least 1, so that a design always balanced does not draw a flat line at the top.
 */
export function imbalanceChart(enrolments: readonly EnrolmentFigures[]): ChartLayout {
  const top = Math.max(1, ...enrolments.map((e) => e.maxImbalance));
  return layoutChart({
    series: [
      { key: 'mean', points: enrolments.map((e) => ({ x: e.enrolled, y: e.meanImbalance })) },
      { key: 'max', points: enrolments.map((e) => ({ x: e.enrolled, y: e.maxImbalance })) },
    ],
    xDomain: enrolmentDomain(enrolments),
    yDomain: [0, top],
    xInteger: true,
    yInteger: true,
  });
}

/**
 * Chart (b): the probability of guessing the k-th allocation right, against k, on a 0 to 1 axis,
 * with the chance line (guessing the most frequent target blindly) across the whole list.
 */
export function guessChart(enrolments: readonly EnrolmentFigures[], chance: number): ChartLayout {
  const [first, last] = enrolmentDomain(enrolments);
  return layoutChart({
    series: [
      { key: 'guess', points: enrolments.map((e) => ({ x: e.enrolled, y: e.correctGuess })) },
      {
        key: 'chance',
        points: [
          { x: first, y: chance },
          { x: last, y: chance },
        ],
      },
    ],
    xDomain: [first, last],
    yDomain: [0, 1],
    xInteger: true,
  });
}

function enrolmentDomain(enrolments: readonly EnrolmentFigures[]): Domain {
  if (enrolments.length === 0) return [1, 1];
  const ks = enrolments.map((e) => e.enrolled);
  return [Math.min(...ks), Math.max(...ks)];
}

/** A figure with a fixed number of decimals, the language's way (0.500 / 0,500). */
export function formatFigure(language: 'en' | 'es', value: number, digits: number): string {
  return new Intl.NumberFormat(language === 'es' ? 'es-ES' : 'en-GB', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

/** A share (0 to 1) as a percentage with one decimal, the language's way (50.0% / 50,0 %). */
export function formatShare(language: 'en' | 'es', share: number): string {
  return new Intl.NumberFormat(language === 'es' ? 'es-ES' : 'en-GB', {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(share);
}
