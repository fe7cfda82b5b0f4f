// SVG line charts for the benchmark report, drawn by hand: no chart library, no fonts beyond the generic family.

export interface Series {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

function escape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round tick values over [lo, hi]: powers of ten on a log axis, 1-2-5 steps on a linear one. */
function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
    return out;
  }
  const span = hi - lo || 1;
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step / 1e9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function label(v: number): string {
  if (v >= 1e6) return `${v / 1e6}M`;
  if (v >= 1e3) return `${v / 1e3}k`;
  return String(Number(v.toPrecision(3)));
}

export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 720;
  const height = o.height ?? 420;
  const m = { left: 80, right: 190, top: 48, bottom: 60 };
  const all = o.series.flatMap((s) => s.points);
  if (all.length === 0) throw new Error(`chart ${o.title}: no data`);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [o.logY ? Math.min(...ys) : 0, Math.max(...ys)];
  if (o.logX) [x0, x1] = [10 ** Math.floor(Math.log10(x0)), 10 ** Math.ceil(Math.log10(x1))];
  if (o.logY) [y0, y1] = [10 ** Math.floor(Math.log10(y0)), 10 ** Math.ceil(Math.log10(y1))];
  else {
    // The axis ends on the first tick at or above the highest point, so no line leaves the frame.
    const t = ticks(0, y1 * 1.05, false);
    const step = t.length > 1 ? t[1]! - t[0]! : y1 || 1;
    y1 = Math.ceil((y1 * 1.05) / step) * step;
  }
  if (x1 === x0) x1 = x0 + 1;
  const fx = (v: number) => m.left + ((o.logX ? Math.log10(v / x0) / Math.log10(x1 / x0) : (v - x0) / (x1 - x0)) * (width - m.left - m.right));
  const fy = (v: number) => height - m.bottom - ((o.logY ? Math.log10(v / y0) / Math.log10(y1 / y0) : (v - y0) / (y1 - y0)) * (height - m.top - m.bottom));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2 - m.right / 2 + m.left / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escape(o.title)}</text>`,
  ];
  for (const t of ticks(x0, x1, o.logX ?? false)) {
    if (t < x0 || t > x1) continue;
    parts.push(`<line x1="${fx(t)}" x2="${fx(t)}" y1="${m.top}" y2="${height - m.bottom}" stroke="#e5e5e5"/>`,
      `<text x="${fx(t)}" y="${height - m.bottom + 18}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of ticks(y0, y1, o.logY ?? false)) {
    if (t < y0 || t > y1) continue;
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${fy(t)}" y2="${fy(t)}" stroke="#e5e5e5"/>`,
      `<text x="${m.left - 8}" y="${fy(t) + 4}" text-anchor="end">${label(t)}</text>`);
  }
  parts.push(`<rect class="frame" x="${m.left}" y="${m.top}" width="${width - m.left - m.right}" height="${height - m.top - m.bottom}" fill="none" stroke="#333"/>`,
    `<text x="${m.left + (width - m.left - m.right) / 2}" y="${height - 18}" text-anchor="middle">${escape(o.xLabel)}</text>`,
    `<text transform="translate(20 ${m.top + (height - m.top - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(o.yLabel)}</text>`);
  o.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const path = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${fx(p[0]).toFixed(1)},${fy(p[1]).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2.5"/>`);
    for (const p of s.points) parts.push(`<circle cx="${fx(p[0]).toFixed(1)}" cy="${fy(p[1]).toFixed(1)}" r="3.5" fill="${color}"/>`);
    const ly = m.top + 10 + i * 22;
    parts.push(`<line x1="${width - m.right + 16}" x2="${width - m.right + 40}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2.5"/>`,
      `<text x="${width - m.right + 46}" y="${ly + 4}">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
