import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n-context';
import type { ChartLayout } from './simulation-chart';

export interface ChartSeriesLabel {
  key: string;
  label: string;
  /** Draw a marker at each data point (not for a reference line such as chance). */
  markers: boolean;
}

/**
 * A line chart as inline SVG (no chart library, no inline style: the look is in styles.css). Its
 * accessible name is its title and its accessible description a summary; the same numbers are in the table
 * given as children, in a <details> under the chart, for screen-reader users and anyone who wants
 * the figures. Series differ by dash pattern and marker as well as colour, and a legend names them.
 */
export function SimulationChart({
  id,
  title,
  description,
  layout,
  series,
  xLabel,
  yLabel,
  formatX,
  formatY,
  children,
}: {
  id: string;
  title: string;
  description: string;
  layout: ChartLayout;
  series: readonly ChartSeriesLabel[];
  xLabel: string;
  yLabel: string;
  formatX: (value: number) => string;
  formatY: (value: number) => string;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const { frame, plot } = layout;
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="chart-caption">
        {title}
      </figcaption>
      <svg
        role="img"
        aria-labelledby={titleId}
        aria-describedby={descId}
        viewBox={`0 0 ${frame.width} ${frame.height}`}
        className="chart-svg"
      >
        <title id={titleId}>{title}</title>
        <desc id={descId}>{description}</desc>
        {layout.yTicks.map((tick) => (
          <g key={`y${tick.value}`}>
            <line className="chart-grid" x1={plot.x0} x2={plot.x1} y1={tick.at} y2={tick.at} />
            <text className="chart-tick" x={plot.x0 - 8} y={tick.at} textAnchor="end" dy="0.35em">
              {formatY(tick.value)}
            </text>
          </g>
        ))}
        {layout.xTicks.map((tick) => (
          <text
            key={`x${tick.value}`}
            className="chart-tick"
            x={tick.at}
            y={plot.y0 + 18}
            textAnchor="middle"
          >
            {formatX(tick.value)}
          </text>
        ))}
        <line className="chart-axis" x1={plot.x0} x2={plot.x1} y1={plot.y0} y2={plot.y0} />
        <line className="chart-axis" x1={plot.x0} x2={plot.x0} y1={plot.y0} y2={plot.y1} />
        <text
          className="chart-axis-label"
          x={(plot.x0 + plot.x1) / 2}
          y={frame.height - 6}
          textAnchor="middle"
        >
          {xLabel}
        </text>
        <text
          className="chart-axis-label"
          transform={`translate(14 ${(plot.y0 + plot.y1) / 2}) rotate(-90)`}
          textAnchor="middle"
        >
          {yLabel}
        </text>
        {layout.series.map((drawn) => {
          const label = series.find((s) => s.key === drawn.key);
          return (
            <g key={drawn.key} className={`chart-series chart-series-${drawn.key}`}>
              <path className="chart-line" d={drawn.path} />
              {label?.markers &&
                drawn.points.map((point, index) => (
                  <circle key={index} className="chart-marker" cx={point.x} cy={point.y} r={3} />
                ))}
            </g>
          );
        })}
      </svg>
      <ul className="chart-legend" aria-label={t('list.chart.legend')}>
        {series.map((s) => (
          <li key={s.key} className={`chart-series chart-series-${s.key}`}>
            <svg className="chart-legend-sample" viewBox="0 0 32 12" aria-hidden="true">
              <line className="chart-line" x1={0} x2={32} y1={6} y2={6} />
              {s.markers && <circle className="chart-marker" cx={16} cy={6} r={3} />}
            </svg>
            {s.label}
          </li>
        ))}
      </ul>
      <details className="chart-data">
        <summary>{t('list.chart.showTable')}</summary>
        <div className="table-wrap">{children}</div>
      </details>
    </figure>
  );
}
