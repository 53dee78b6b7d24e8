// Server-rendered SVG bar charts, no chart library: a few rects and labels are all a weekly
// figure needs, and the page works without JavaScript. The chart is one image to assistive
// technology (role="img" with a summary); the table next to it holds every figure.

export type ChartTone = 'primary' | 'secondary' | 'warning'

const fillClass: Record<ChartTone, string> = {
  primary: 'fill-blue-700',
  secondary: 'fill-sky-300',
  warning: 'fill-amber-600',
}

const swatchClass: Record<ChartTone, string> = {
  primary: 'bg-blue-700',
  secondary: 'bg-sky-300',
  warning: 'bg-amber-600',
}

export interface ChartSeries {
  label: string
  tone: ChartTone
  /** One per category; null where nothing was measured (drawn as a dash, not a zero bar). */
  values: readonly (number | null)[]
}

const WIDTH = 640
const HEIGHT = 200
const LEFT = 64
const RIGHT = 8
const TOP = 12
const BOTTOM = 28

/** The smallest 1, 2 or 5 × 10^k at or above `value`, so the axis reads in round numbers. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1
  const magnitude = 10 ** Math.floor(Math.log10(value))
  const step = [1, 2, 5, 10].find((candidate) => candidate * magnitude >= value * (1 - 1e-9))
  return (step ?? 10) * magnitude
}

export function MetricsBarChart({
  title,
  summary,
  categories,
  series,
  scaleMax,
  formatValue,
  wholeNumbers = false,
}: {
  /** The chart's name, as its SVG <title>. */
  title: string
  /** What it shows in words, as its accessible name. */
  summary: string
  categories: readonly string[]
  series: readonly ChartSeries[]
  /** Top of the axis; by default a round number above the largest value. */
  scaleMax?: number
  formatValue: (value: number) => string
  /** Counts: no gridline at a fraction (half of 1 or 5 tickets means nothing). */
  wholeNumbers?: boolean
}) {
  const largest = Math.max(0, ...series.flatMap((line) => line.values.map((value) => value ?? 0)))
  const max = scaleMax ?? niceCeiling(largest)
  const plotWidth = WIDTH - LEFT - RIGHT
  const plotHeight = HEIGHT - TOP - BOTTOM
  const baseline = TOP + plotHeight
  const groupWidth = plotWidth / Math.max(1, categories.length)
  const barWidth = (groupWidth * 0.7) / Math.max(1, series.length)
  const y = (value: number) => baseline - (Math.min(value, max) / max) * plotHeight
  const ticks = [0, max / 2, max].filter((tick) => !wholeNumbers || Number.isInteger(tick))

  return (
    <figure className="space-y-2">
      <svg
        role="img"
        aria-label={summary}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-auto w-full max-w-2xl"
      >
        <title>{title}</title>
        {ticks.map((tick) => (
          <g key={tick}>
            <line
              x1={LEFT}
              x2={WIDTH - RIGHT}
              y1={y(tick)}
              y2={y(tick)}
              className="stroke-slate-200"
              strokeWidth={1}
            />
            <text
              x={LEFT - 6}
              y={y(tick) + 4}
              textAnchor="end"
              className="fill-slate-600"
              fontSize={11}
            >
              {formatValue(tick)}
            </text>
          </g>
        ))}
        {categories.map((category, index) => {
          const groupX = LEFT + index * groupWidth + groupWidth * 0.15
          return (
            <g key={category}>
              {series.map((line, lineIndex) => {
                const value = line.values[index] ?? null
                const x = groupX + lineIndex * barWidth
                if (value === null) {
                  return (
                    <text
                      key={line.label}
                      x={x + barWidth / 2}
                      y={baseline - 3}
                      textAnchor="middle"
                      className="fill-slate-400"
                      fontSize={11}
                    >
                      –
                    </text>
                  )
                }
                const top = y(value)
                return (
                  <rect
                    key={line.label}
                    x={x}
                    y={top}
                    width={Math.max(1, barWidth - 2)}
                    height={Math.max(0, baseline - top)}
                    className={fillClass[line.tone]}
                  />
                )
              })}
              <text
                x={LEFT + index * groupWidth + groupWidth / 2}
                y={HEIGHT - 10}
                textAnchor="middle"
                className="fill-slate-700"
                fontSize={11}
              >
                {category}
              </text>
            </g>
          )
        })}
        <line
          x1={LEFT}
          x2={WIDTH - RIGHT}
          y1={baseline}
          y2={baseline}
          className="stroke-slate-500"
          strokeWidth={1}
        />
      </svg>
      {series.length > 1 ? (
        // The legend repeats the series names for sighted readers; the table has them too.
        <figcaption aria-hidden="true" className="flex flex-wrap gap-4 text-sm text-slate-700">
          {series.map((line) => (
            <span key={line.label} className="inline-flex items-center gap-1">
              <span className={`inline-block h-3 w-3 ${swatchClass[line.tone]}`} />
              {line.label}
            </span>
          ))}
        </figcaption>
      ) : null}
    </figure>
  )
}
