import { formatCount } from '../../lib/format';
import type { ThroughputSlot } from './throughput-data';

const WIDTH = 760;
const LEFT = 52;
const TOP = 18;
const PANEL_H = 90;
const GAP = 34;
const AXIS_H = 22;
const HEIGHT = TOP + PANEL_H + GAP + PANEL_H + AXIS_H;
const hourLabel = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

const PANELS = [
  { key: 'completed', title: 'Jobs completed', color: 'var(--mantine-color-teal-6)' },
  { key: 'failed', title: 'Jobs failed', color: 'var(--mantine-color-red-6)' },
] as const;

/**
 * Two aligned panels over the same time axis, drawn like the Runs chart
 * (RunsChartSvg): completed jobs above, failed ones below, each on its own
 * scale so a handful of failures stays visible next to thousands of successes.
 */
export function ThroughputChartSvg({ slots, summary }: { slots: readonly ThroughputSlot[]; summary: string }) {
  const slot = (WIDTH - LEFT) / Math.max(slots.length, 1);
  const barW = Math.max(2, slot * 0.62);
  const labelEvery = Math.max(1, Math.round(slots.length / 6));
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={summary} data-testid="throughput-svg" style={{ display: 'block', fontFamily: 'var(--mantine-font-family)' }}>
      {PANELS.map((panel, p) => {
        const top = TOP + p * (PANEL_H + GAP);
        const max = Math.max(1, ...slots.map((s) => s[panel.key]));
        return (
          <g key={panel.key}>
            <text x={0} y={top - 7} fontSize={11} fontWeight={600} fill="var(--mantine-color-dimmed)">
              {panel.title}
            </text>
            <text x={LEFT - 6} y={top + 4} fontSize={10} textAnchor="end" fill="var(--mantine-color-dimmed)" dominantBaseline="hanging">
              {formatCount(max)}
            </text>
            <line x1={LEFT} x2={WIDTH} y1={top + PANEL_H} y2={top + PANEL_H} stroke="var(--mantine-color-default-border)" />
            {slots.map((s, i) => {
              const h = (s[panel.key] / max) * PANEL_H;
              if (!h) return null;
              return (
                <rect key={s.start} x={LEFT + i * slot + (slot - barW) / 2} width={barW} y={top + PANEL_H - h} height={h} rx={1} fill={panel.color} data-testid={`throughput-${panel.key}-bar`}>
                  <title>{`${new Date(s.start).toLocaleString()}: ${formatCount(s[panel.key])} ${panel.key}`}</title>
                </rect>
              );
            })}
          </g>
        );
      })}
      {slots.map((s, i) =>
        // No label so close to the right edge that it would be cut.
        i % labelEvery === 0 && i <= slots.length - 2 ? (
          <g key={s.start}>
            <line x1={LEFT + i * slot} x2={LEFT + i * slot} y1={TOP} y2={TOP + 2 * PANEL_H + GAP + 4} stroke="var(--mantine-color-default-border)" strokeDasharray="2 3" />
            <text x={LEFT + i * slot + 4} y={HEIGHT - 4} fontSize={11} fill="var(--mantine-color-dimmed)">
              {hourLabel.format(s.start)}
            </text>
          </g>
        ) : null,
      )}
    </svg>
  );
}
