import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimulationSummary } from './summary-file.js';

/**
 * The simulation's charts, drawn on the server with Apache ECharts (SVG renderer, server-side) and
 * turned into PNG by resvg: gainers and losers by area, the average change by bill-size band, and
 * each fund's expenditure under the baseline and the reform. Labels are in English and digits so
 * that the fonts of a bare server draw them.
 */

const WIDTH = 960;
const HEIGHT = 540;
const FONT = 'DejaVu Sans, Arial, sans-serif';
const GAINER = '#2e7d32';
const UNCHANGED = '#9e9e9e';
const LOSER = '#c62828';

type EChartsOption = Record<string, unknown>;

function frame(title: string, subtitle: string): EChartsOption {
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT },
    title: { text: title, subtext: subtitle, left: 'center' },
    grid: { left: 90, right: 40, top: 90, bottom: 100 },
  };
}

function winnersLosers(s: SimulationSummary): EChartsOption {
  const areas = s.byArea;
  const bar = (name: string, color: string, data: number[]) => ({
    name,
    type: 'bar',
    stack: 'persons',
    itemStyle: { color },
    data,
  });
  return {
    ...frame(
      'Gainers and losers by area',
      'persons (person-years) whose burden went down, stayed within ±1 yuan, went up',
    ),
    legend: { bottom: 8 },
    xAxis: {
      type: 'category',
      data: areas.map((a) => a.label),
      name: 'area (insuplc_admdvs)',
      nameLocation: 'center',
      nameGap: 30,
    },
    yAxis: { type: 'value', name: 'persons' },
    series: [
      bar(
        'gainers',
        GAINER,
        areas.map((a) => a.gainers),
      ),
      bar(
        'unchanged',
        UNCHANGED,
        areas.map((a) => a.unchanged),
      ),
      bar(
        'losers',
        LOSER,
        areas.map((a) => a.losers),
      ),
    ],
  };
}

function changeByBand(s: SimulationSummary): EChartsOption {
  const bands = s.byBand;
  return {
    ...frame(
      'Average change of burden by bill size',
      'yuan per person (reform − baseline); bands of the claim total medfee_sumamt',
    ),
    xAxis: {
      type: 'category',
      data: bands.map((b) => b.label),
      name: 'bill (yuan)',
      nameLocation: 'center',
      nameGap: 30,
    },
    yAxis: { type: 'value', name: 'yuan' },
    series: [
      {
        name: 'average change',
        type: 'bar',
        label: { show: true, position: 'top' },
        data: bands.map((b) => ({
          value: b.averageChange,
          itemStyle: { color: b.averageChange > 0 ? LOSER : GAINER },
        })),
      },
    ],
  };
}

function fundExpenditure(s: SimulationSummary): EChartsOption {
  const funds = s.funds.filter((f) => f.baseline !== 0 || f.reform !== 0);
  return {
    ...frame('Fund expenditure before and after', 'claims settled under both sides, yuan'),
    legend: { bottom: 8 },
    xAxis: {
      type: 'category',
      data: funds.map((f) => f.fund),
      name: 'fund (fund_pay_type)',
      nameLocation: 'center',
      nameGap: 30,
    },
    yAxis: { type: 'value', name: 'yuan' },
    series: [
      { name: 'baseline', type: 'bar', itemStyle: { color: '#546e7a' }, data: funds.map((f) => f.baseline) },
      { name: 'reform', type: 'bar', itemStyle: { color: '#1565c0' }, data: funds.map((f) => f.reform) },
    ],
  };
}

export const CHARTS = {
  'gainers-losers-by-area': winnersLosers,
  'change-by-band': changeByBand,
  'fund-expenditure': fundExpenditure,
} as const;

/** Render one chart as SVG text; the chart is always disposed (or the process would not exit). */
async function svgOf(option: EChartsOption): Promise<string> {
  const echarts = await import('echarts');
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Write every chart as NAME.svg and NAME.png into `dir`; returns the files written. */
export async function writeCharts(dir: string, summary: SimulationSummary): Promise<string[]> {
  const { Resvg } = await import('@resvg/resvg-js');
  const files: string[] = [];
  for (const [name, make] of Object.entries(CHARTS)) {
    const svg = await svgOf(make(summary));
    const png = new Resvg(svg, {
      background: '#ffffff',
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    })
      .render()
      .asPng();
    writeFileSync(join(dir, `${name}.svg`), svg);
    writeFileSync(join(dir, `${name}.png`), png);
    files.push(join(dir, `${name}.svg`), join(dir, `${name}.png`));
  }
  return files;
}
