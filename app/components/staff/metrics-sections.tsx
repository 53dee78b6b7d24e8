import { type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { formatDateTime } from '#app/lib/format.ts'
import { useFormat } from '#app/lib/use-format.ts'
import {
  ageBuckets,
  backlogStatuses,
  type BacklogFigures,
  type PeriodFigures,
  type StaffMetrics,
  type TimeFigures,
  type WeekFigures,
} from '#db/staff-metrics.ts'
import { MetricsBarChart, niceCeiling } from './metrics-chart.tsx'

// One section per measure: a heading, what it measures, a small chart and the table that holds
// the figures. "No data" wherever nothing was measured: a zero would claim a measurement.

const HOUR = 3600

export function useMetricsFormat() {
  const { t } = useTranslation('metrics')
  const { locale } = useFormat()
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 })
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 })
  const whole = new Intl.NumberFormat(locale)
  const duration = (seconds: number) => {
    if (seconds < 60) return t('duration.lessThanMinute')
    const minutes = Math.round(seconds / 60)
    const d = Math.floor(minutes / 1440)
    const h = Math.floor((minutes % 1440) / 60)
    const m = minutes % 60
    if (d > 0) return h === 0 ? t('duration.wholeDays', { d }) : t('duration.days', { d, h })
    if (h > 0) return m === 0 ? t('duration.wholeHours', { h }) : t('duration.hours', { h, m })
    return t('duration.minutes', { m })
  }
  const orNoData =
    <Value,>(format: (value: Value) => string) =>
    (value: Value | null) =>
      value === null ? t('noData') : format(value)
  return {
    count: (value: number) => whole.format(value),
    share: orNoData((value: number) => percent.format(value)),
    percentTick: (value: number) => percent.format(value),
    average: orNoData((value: number) => decimal.format(value)),
    duration: orNoData(duration),
    durationTick: (seconds: number) => (seconds === 0 ? '0' : duration(seconds)),
    /** Weeks are UTC weeks, so their first day is shown in UTC whoever reads it. */
    day: (value: Date | string) => formatDateTime(value, locale, 'UTC', { dateStyle: 'medium' }),
    dateTime: (value: Date | string) => formatDateTime(value, locale, 'UTC'),
  }
}

const cellClass = 'px-2 py-1 text-right tabular-nums'
const headClass = 'px-2 py-1 text-right font-semibold'
const rowHeadClass = 'px-2 py-1 text-left font-normal'

function Section({
  id,
  title,
  about,
  children,
}: {
  id: string
  title: string
  about: string
  children: ReactNode
}) {
  return (
    <section aria-labelledby={id} className="space-y-3 rounded border border-slate-200 p-4">
      <h2 id={id} className="text-xl font-semibold">
        {title}
      </h2>
      <p className="text-slate-700">{about}</p>
      {children}
    </section>
  )
}

interface WeeklyColumn {
  header: string
  cell: (figures: PeriodFigures) => string
}

/** Week by week, with the whole period as the footer row. */
function WeeklyTable({
  caption,
  weeks,
  period,
  columns,
}: {
  caption: string
  weeks: readonly WeekFigures[]
  period: PeriodFigures
  columns: readonly WeeklyColumn[]
}) {
  const { t } = useTranslation('metrics')
  const format = useMetricsFormat()
  return (
    <div className="overflow-x-auto">
      <table className="w-full max-w-3xl">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="border-b border-slate-300">
            <th scope="col" className="px-2 py-1 text-left font-semibold">
              {t('week')}
            </th>
            {columns.map((column) => (
              <th key={column.header} scope="col" className={headClass}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week) => (
            <tr key={week.isoWeek} className="border-b border-slate-100">
              <th scope="row" className={rowHeadClass}>
                {t('weekLabel', { week: week.isoWeek, date: format.day(week.weekStart) })}
              </th>
              {columns.map((column) => (
                <td key={column.header} className={cellClass}>
                  {column.cell(week)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="border-t border-slate-300 font-semibold">
            <th scope="row" className="px-2 py-1 text-left font-semibold">
              {t('wholePeriod', { count: weeks.length })}
            </th>
            {columns.map((column) => (
              <td key={column.header} className={cellClass}>
                {column.cell(period)}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  )
}

/** "W12" under each bar; the table has the full ISO week and its first day. */
function weekCategories(weeks: readonly WeekFigures[]): string[] {
  return weeks.map((week) => week.isoWeek.slice(5))
}

function NoDataYet({ measured, children }: { measured: boolean; children: ReactNode }) {
  const { t } = useTranslation('metrics')
  return measured ? children : <p className="text-slate-600">{t('chartEmpty')}</p>
}

export function OneInteractionSection({ metrics }: { metrics: StaffMetrics }) {
  const { t } = useTranslation('metrics')
  const format = useMetricsFormat()
  const { weeks, period } = metrics
  return (
    <Section
      id="metrics-one-interaction"
      title={t('oneInteraction.title')}
      about={t('oneInteraction.about')}
    >
      <NoDataYet measured={period.oneInteraction.count > 0}>
        <MetricsBarChart
          title={t('oneInteraction.title')}
          summary={t('oneInteraction.chart', { share: format.share(period.oneInteraction.share) })}
          categories={weekCategories(weeks)}
          series={[
            {
              label: t('oneInteraction.share'),
              tone: 'primary',
              values: weeks.map((week) => week.oneInteraction.share),
            },
          ]}
          scaleMax={1}
          formatValue={format.percentTick}
        />
      </NoDataYet>
      <WeeklyTable
        caption={t('oneInteraction.title')}
        weeks={weeks}
        period={period}
        columns={[
          {
            header: t('oneInteraction.resolved'),
            cell: (figures) => format.count(figures.oneInteraction.count),
          },
          {
            header: t('oneInteraction.matching'),
            cell: (figures) => format.count(figures.oneInteraction.matching),
          },
          {
            header: t('oneInteraction.share'),
            cell: (figures) => format.share(figures.oneInteraction.share),
          },
        ]}
      />
    </Section>
  )
}

/** Round hours (or minutes, for short times) at the top of a time axis. */
function timeScale(weeks: readonly WeekFigures[], pick: (week: WeekFigures) => TimeFigures) {
  const largest = Math.max(0, ...weeks.map((week) => pick(week).p90Seconds ?? 0))
  if (largest >= HOUR) return niceCeiling(largest / HOUR) * HOUR
  return niceCeiling(Math.max(1, largest / 60)) * 60
}

export function TimeSection({
  metrics,
  measure,
}: {
  metrics: StaffMetrics
  measure: 'firstResponse' | 'resolution'
}) {
  const { t } = useTranslation('metrics')
  const format = useMetricsFormat()
  const { weeks, period } = metrics
  const pick = (figures: PeriodFigures) => figures[measure]
  return (
    <Section id={`metrics-${measure}`} title={t(`${measure}.title`)} about={t(`${measure}.about`)}>
      <NoDataYet measured={pick(period).count > 0}>
        <MetricsBarChart
          title={t(`${measure}.title`)}
          summary={t(`${measure}.chart`, {
            median: format.duration(pick(period).medianSeconds),
            p90: format.duration(pick(period).p90Seconds),
          })}
          categories={weekCategories(weeks)}
          series={[
            {
              label: t('time.median'),
              tone: 'primary',
              values: weeks.map((week) => pick(week).medianSeconds),
            },
            {
              label: t('time.p90'),
              tone: 'secondary',
              values: weeks.map((week) => pick(week).p90Seconds),
            },
          ]}
          scaleMax={timeScale(weeks, pick)}
          formatValue={format.durationTick}
        />
      </NoDataYet>
      <WeeklyTable
        caption={t(`${measure}.title`)}
        weeks={weeks}
        period={period}
        columns={[
          { header: t(`${measure}.count`), cell: (figures) => format.count(pick(figures).count) },
          {
            header: t('time.median'),
            cell: (figures) => format.duration(pick(figures).medianSeconds),
          },
          {
            header: t('time.p90'),
            cell: (figures) => format.duration(pick(figures).p90Seconds),
          },
        ]}
      />
      <p className="text-sm text-slate-600">{t('time.p90Note')}</p>
    </Section>
  )
}

export function CsatSection({ metrics }: { metrics: StaffMetrics }) {
  const { t } = useTranslation('metrics')
  const format = useMetricsFormat()
  const { weeks, period } = metrics
  return (
    <Section id="metrics-csat" title={t('csat.title')} about={t('csat.about')}>
      <NoDataYet measured={period.csat.rated > 0}>
        <MetricsBarChart
          title={t('csat.title')}
          summary={t('csat.chart', {
            share: format.share(period.csat.satisfiedShare),
            count: period.csat.rated,
            average: format.average(period.csat.average),
          })}
          categories={weekCategories(weeks)}
          series={[
            {
              label: t('csat.share'),
              tone: 'primary',
              values: weeks.map((week) => week.csat.satisfiedShare),
            },
          ]}
          scaleMax={1}
          formatValue={format.percentTick}
        />
      </NoDataYet>
      <WeeklyTable
        caption={t('csat.title')}
        weeks={weeks}
        period={period}
        columns={[
          { header: t('csat.rated'), cell: (figures) => format.count(figures.csat.rated) },
          { header: t('csat.satisfied'), cell: (figures) => format.count(figures.csat.satisfied) },
          { header: t('csat.share'), cell: (figures) => format.share(figures.csat.satisfiedShare) },
          { header: t('csat.average'), cell: (figures) => format.average(figures.csat.average) },
        ]}
      />
    </Section>
  )
}

export function BacklogSection({ backlog }: { backlog: BacklogFigures }) {
  const { t } = useTranslation('metrics')
  const format = useMetricsFormat()
  const statusTotal = (status: (typeof backlogStatuses)[number]) =>
    ageBuckets.reduce((sum, bucket) => sum + backlog.byStatus[status][bucket], 0)
  return (
    <Section id="metrics-backlog" title={t('backlog.title')} about={t('backlog.about')}>
      {backlog.total === 0 ? (
        <p>{t('backlog.empty')}</p>
      ) : (
        <MetricsBarChart
          title={t('backlog.title')}
          summary={t('backlog.chart', {
            summary: ageBuckets
              .map((bucket) => `${t(`backlog.ages.${bucket}`)} ${backlog.byAge[bucket]}`)
              .join(', '),
            total: backlog.total,
          })}
          categories={ageBuckets.map((bucket) => t(`backlog.ages.${bucket}`))}
          series={backlogStatuses.map((status, index) => ({
            label: t(`backlog.statuses.${status}`),
            tone: index === 0 ? 'primary' : 'secondary',
            values: ageBuckets.map((bucket) => backlog.byStatus[status][bucket]),
          }))}
          formatValue={format.count}
          wholeNumbers
        />
      )}
      <div className="overflow-x-auto">
        <table className="w-full max-w-3xl">
          <caption className="sr-only">{t('backlog.title')}</caption>
          <thead>
            <tr className="border-b border-slate-300">
              <th scope="col" className="px-2 py-1 text-left font-semibold">
                {t('backlog.status')}
              </th>
              {ageBuckets.map((bucket) => (
                <th key={bucket} scope="col" className={headClass}>
                  {t(`backlog.ages.${bucket}`)}
                </th>
              ))}
              <th scope="col" className={headClass}>
                {t('backlog.total')}
              </th>
            </tr>
          </thead>
          <tbody>
            {backlogStatuses.map((status) => (
              <tr key={status} className="border-b border-slate-100">
                <th scope="row" className={rowHeadClass}>
                  {t(`backlog.statuses.${status}`)}
                </th>
                {ageBuckets.map((bucket) => (
                  <td key={bucket} className={cellClass}>
                    {format.count(backlog.byStatus[status][bucket])}
                  </td>
                ))}
                <td className={cellClass}>{format.count(statusTotal(status))}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="border-t border-slate-300 font-semibold">
              <th scope="row" className="px-2 py-1 text-left font-semibold">
                {t('backlog.total')}
              </th>
              {ageBuckets.map((bucket) => (
                <td key={bucket} className={cellClass}>
                  {format.count(backlog.byAge[bucket])}
                </td>
              ))}
              <td className={cellClass}>{format.count(backlog.total)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </Section>
  )
}

export function RequestsSection({ requests }: { requests: StaffMetrics['requests'] }) {
  const { t } = useTranslation('metrics')
  const format = useMetricsFormat()
  const withoutTarget = requests.byKind.reduce((sum, row) => sum + row.withoutTarget, 0)
  return (
    <Section id="metrics-requests" title={t('requests.title')} about={t('requests.about')}>
      <MetricsBarChart
        title={t('requests.title')}
        summary={t('requests.chart', {
          pastTarget: requests.pastTarget,
          waiting: requests.waiting,
        })}
        categories={requests.byKind.map((row) => t(`requests.kinds.${row.kind}`))}
        series={[
          {
            label: t('requests.waiting'),
            tone: 'secondary',
            values: requests.byKind.map((row) => row.waiting),
          },
          {
            label: t('requests.pastTarget'),
            tone: 'warning',
            values: requests.byKind.map((row) => row.pastTarget),
          },
        ]}
        formatValue={format.count}
        wholeNumbers
      />
      <div className="overflow-x-auto">
        <table className="w-full max-w-3xl">
          <caption className="sr-only">{t('requests.title')}</caption>
          <thead>
            <tr className="border-b border-slate-300">
              <th scope="col" className="px-2 py-1 text-left font-semibold">
                {t('requests.kind')}
              </th>
              <th scope="col" className={headClass}>
                {t('requests.waiting')}
              </th>
              <th scope="col" className={headClass}>
                {t('requests.pastTarget')}
              </th>
              <th scope="col" className={headClass}>
                {t('requests.withoutTarget')}
              </th>
            </tr>
          </thead>
          <tbody>
            {requests.byKind.map((row) => (
              <tr key={row.kind} className="border-b border-slate-100">
                <th scope="row" className={rowHeadClass}>
                  {t(`requests.kinds.${row.kind}`)}
                </th>
                <td className={cellClass}>{format.count(row.waiting)}</td>
                <td className={cellClass}>{format.count(row.pastTarget)}</td>
                <td className={cellClass}>{format.count(row.withoutTarget)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="border-t border-slate-300 font-semibold">
              <th scope="row" className="px-2 py-1 text-left font-semibold">
                {t('requests.total')}
              </th>
              <td className={cellClass}>{format.count(requests.waiting)}</td>
              <td className={cellClass}>{format.count(requests.pastTarget)}</td>
              <td className={cellClass}>{format.count(withoutTarget)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </Section>
  )
}
