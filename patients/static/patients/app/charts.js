// Bar charts as SVG, each with the same numbers as a table for screen readers.
import { h } from "./ui.js";

const NS = "http://www.w3.org/2000/svg";
function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

export function barChart(title, rows, max = null) {
  const top = Math.max(max || 0, ...rows.map((r) => r.value), 1);
  const barH = 28;
  const gap = 10;
  const labelW = 130;
  const width = 340;
  const height = rows.length * (barH + gap) + gap;
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", "aria-hidden": "true", focusable: "false", class: "chart" });
  rows.forEach((row, i) => {
    const y = gap + i * (barH + gap);
    const w = Math.max(2, ((width - labelW - 40) * row.value) / top);
    svg.append(s("text", { x: labelW - 8, y: y + barH / 2 + 5, "text-anchor": "end", class: "chart-label" }, row.label.length > 18 ? `${row.label.slice(0, 17)}…` : row.label));
    svg.append(s("rect", { x: labelW, y, width: w, height: barH, rx: 4, class: "chart-bar" }));
    svg.append(s("text", { x: labelW + w + 6, y: y + barH / 2 + 5, class: "chart-value" }, String(row.value)));
  });
  const table = h("table", { class: "visually-hidden" },
    h("caption", {}, title),
    h("tbody", {}, rows.map((r) => h("tr", {}, h("th", { scope: "row" }, r.label), h("td", {}, String(r.value))))));
  return h("figure", { class: "card chart-card" }, h("figcaption", {}, h("h2", {}, title)), svg, table);
}
