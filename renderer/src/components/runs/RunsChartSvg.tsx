import { formatDuration } from '../../lib/format';
import { DURATION_TICKS_MS, durationScale, OUTCOMES, type Bucket, type Outcome } from './runs-chart-data';

const WIDTH = 760;
const LEFT = 52;
/** Room for each panel's title above it. */
const TOP = 18;
const DURATION_H = 110;
const GAP = 34;
const COUNT_H = 90;
const AXIS_H = 22;
const HEIGHT = TOP + DURATION_H + GAP + COUNT_H + AXIS_H;
const dayLabel = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric' });
const TICK_LABEL: Record<number, string> = { 1_000: '1 s', 10_000: '10 s', 60_000: '1 min', 600_000: '10 min', 3_600_000: '1 h' };

interface RunsChartSvgProps {
  buckets: readonly Bucket[];
  styles: Record<Outcome, { label: string; color: string }>;
  /** Read by screen readers instead of the drawing. */
  summary: string;
}

/**
 * Two aligned panels over the same time axis: durations (median dot, bar to
 * the longest, log scale) above, runs by outcome (stacked counts) below.
 * Hand-drawn SVG: one small chart does not justify a chart library.
 */
export function RunsChartSvg({ buckets, styles, summary }: RunsChartSvgProps) {
  const slot = (WIDTH - LEFT) / Math.max(buckets.length, 1);
  const barW = Math.max(2, slot * 0.62);
  const maxMs = Math.max(0, ...buckets.map((b) => b.maxMs ?? 0));
  const y = durationScale(maxMs, DURATION_H);
  const maxCount = Math.max(1, ...buckets.map((b) => OUTCOMES.reduce((sum, o) => sum + b.counts[o], 0)));
  const countTop = DURATION_H + GAP;
  const ticks = DURATION_TICKS_MS.filter((ms) => y(ms) < DURATION_H - 4);

  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={summary} data-testid="runs-chart-svg" style={{ display: 'block', fontFamily: 'var(--mantine-font-family)' }}>
      <text x={0} y={11} fontSize={11} fontWeight={600} fill="var(--mantine-color-dimmed)">
        Duration (median · longest)
      </text>
      <g transform={`translate(0 ${TOP})`}>
      {ticks.map((ms) => (
        <g key={ms}>
          <line x1={LEFT} x2={WIDTH} y1={DURATION_H - y(ms)} y2={DURATION_H - y(ms)} stroke="var(--mantine-color-default-border)" strokeDasharray="2 3" />
          <text x={LEFT - 6} y={DURATION_H - y(ms) + 3} fontSize={10} textAnchor="end" fill="var(--mantine-color-dimmed)">
            {TICK_LABEL[ms]}
          </text>
        </g>
      ))}
      <text x={0} y={countTop - 8} fontSize={11} fontWeight={600} fill="var(--mantine-color-dimmed)">
        Runs by outcome
      </text>
      <text x={LEFT - 6} y={countTop + 4} fontSize={10} textAnchor="end" fill="var(--mantine-color-dimmed)" dominantBaseline="hanging">
        {maxCount}
      </text>
      <line x1={LEFT} x2={WIDTH} y1={countTop + COUNT_H} y2={countTop + COUNT_H} stroke="var(--mantine-color-default-border)" />
      {buckets.map((bucket, i) => {
        const x = LEFT + i * slot + (slot - barW) / 2;
        const total = OUTCOMES.reduce((sum, o) => sum + bucket.counts[o], 0);
        let stacked = 0;
        const when = `${new Date(bucket.start).toLocaleString()} – ${new Date(bucket.end).toLocaleTimeString()}`;
        return (
          <g key={bucket.start} data-testid={total ? 'runs-chart-bucket' : undefined}>
            {bucket.maxMs !== null && bucket.medianMs !== null && (
              <g>
                <title>{`${when}: median ${formatDuration(bucket.medianMs)}, longest ${formatDuration(bucket.maxMs)}`}</title>
                <rect x={x} width={barW} y={DURATION_H - y(bucket.maxMs)} height={Math.max(1, y(bucket.maxMs))} rx={1} fill="var(--mantine-color-blue-light)" />
                <circle cx={x + barW / 2} cy={DURATION_H - y(bucket.medianMs)} r={Math.min(4, barW / 2)} fill="var(--mantine-color-blue-7)" />
              </g>
            )}
            {total > 0 && (
              <g>
                <title>{`${when}: ${OUTCOMES.filter((o) => bucket.counts[o]).map((o) => `${bucket.counts[o]} ${styles[o].label.toLowerCase()}`).join(', ')}`}</title>
                {OUTCOMES.map((o) => {
                  const h = (bucket.counts[o] / maxCount) * COUNT_H;
                  if (!h) return null;
                  stacked += h;
                  return <rect key={o} x={x} width={barW} y={countTop + COUNT_H - stacked} height={h} fill={styles[o].color} />;
                })}
              </g>
            )}
            {new Date(bucket.start).getHours() === 0 && (
              <>
                <line x1={LEFT + i * slot} x2={LEFT + i * slot} y1={0} y2={countTop + COUNT_H + 4} stroke="var(--mantine-color-default-border)" />
                <text x={LEFT + i * slot + 4} y={countTop + COUNT_H + AXIS_H - 4} fontSize={11} fill="var(--mantine-color-dimmed)">
                  {dayLabel.format(bucket.start)}
                </text>
              </>
            )}
          </g>
        );
      })}
      </g>
    </svg>
  );
}
