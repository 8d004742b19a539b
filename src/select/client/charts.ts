// Charts of the results page, with Chart.js (tree-shaken: only the controllers used). Canvases are
// not readable by screen readers, so every chart also gets a text summary from the caller.
import {
  Chart, ScatterController, RadarController, LineElement, PointElement, LinearScale, LogarithmicScale, RadialLinearScale, Filler, Tooltip, Legend,
} from 'chart.js';
import type { ResultRow } from '../shared/recommendation.ts';

Chart.register(ScatterController, RadarController, LineElement, PointElement, LinearScale, LogarithmicScale, RadialLinearScale, Filler, Tooltip, Legend);

const BLUE = '#2962c4', GREY = '#9aa3ad', RED = '#c2410c';

/** Task score (ranker) against latency on this device; the Pareto front joined by a line. */
export function paretoChart(canvas: HTMLCanvasElement, rows: ResultRow[], onPick?: (id: string) => void): Chart {
  const pts = rows.filter((r) => r.cost && r.cost.latencyMs > 0);
  const front = pts.filter((r) => r.onPareto).sort((a, b) => a.cost!.latencyMs - b.cost!.latencyMs);
  const point = (r: ResultRow) => ({ x: r.cost!.latencyMs, y: r.rankerScore, id: r.id, label: r.label });
  return new Chart(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        { label: 'Pareto front', data: front.map(point), showLine: true, borderColor: BLUE, backgroundColor: BLUE, pointRadius: 5, order: 0 },
        { label: 'within budgets', data: pts.filter((r) => !r.onPareto && r.feasible).map(point), backgroundColor: GREY, pointRadius: 3.5, order: 1 },
        { label: 'breaks a budget', data: pts.filter((r) => !r.onPareto && !r.feasible).map(point), backgroundColor: RED, pointStyle: 'crossRot', pointRadius: 5, borderColor: RED, order: 2 },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { type: 'logarithmic', title: { display: true, text: 'latency on this device, ms (batch 1, log scale)' } },
        y: { title: { display: true, text: 'fit score (higher is better)' } },
      },
      plugins: {
        tooltip: { callbacks: { label: (c) => { const d = c.raw as { label: string; x: number; y: number }; return `${d.label}: ${d.x.toFixed(2)} ms, score ${d.y.toFixed(3)}`; } } },
      },
      onClick: (_e, els, chart) => {
        const el = els[0];
        if (!el || !onPick) return;
        const d = chart.data.datasets[el.datasetIndex].data[el.index] as unknown as { id: string } | undefined;
        if (d) onPick(d.id);
      },
    },
  });
}

/** Model Spider-style ability per domain: 1 = best of the zoo on every task of that domain. */
export function abilityChart(canvas: HTMLCanvasElement, domains: string[], series: { label: string; values: (number | null)[]; dashed?: boolean }[]): Chart {
  const colours = [BLUE, '#15803d', '#a21caf'];
  return new Chart(canvas, {
    type: 'radar',
    data: {
      labels: domains.map((d) => d.replace(/_/g, ' ')),
      datasets: series.map((s, i) => ({
        label: s.label, data: s.values, borderColor: colours[i % 3], backgroundColor: `${colours[i % 3]}22`, fill: true, pointRadius: 2,
        borderDash: s.dashed ? [5, 4] : undefined, spanGaps: true,
      })),
    },
    options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { r: { min: 0, max: 1, ticks: { stepSize: 0.25, showLabelBackdrop: false } } } },
  });
}
