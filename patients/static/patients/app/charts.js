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
  // Each label sits above its bar, at full width: nothing is cut off on a narrow phone.
  const barH = 22;
  const labelH = 20;
  const gap = 12;
  const width = 320;
  const step = labelH + barH + gap;
  const height = rows.length * step;
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", "aria-hidden": "true", focusable: "false", class: "chart" });
  rows.forEach((row, i) => {
    const y = i * step;
    const w = Math.max(2, ((width - 40) * row.value) / top);
    svg.append(s("text", { x: 0, y: y + 15, class: "chart-label" }, row.label));
    svg.append(s("rect", { x: 0, y: y + labelH, width: w, height: barH, rx: 4, class: "chart-bar" }));
    svg.append(s("text", { x: w + 6, y: y + labelH + 16, class: "chart-value" }, String(row.value)));
  });
  const table = h("table", { class: "visually-hidden" },
    h("caption", {}, title),
    h("tbody", {}, rows.map((r) => h("tr", {}, h("th", { scope: "row" }, r.label), h("td", {}, String(r.value))))));
  return h("figure", { class: "card chart-card" }, h("figcaption", {}, h("h2", {}, title)), svg, table);
}
