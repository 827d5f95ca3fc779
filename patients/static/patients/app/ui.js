// Small DOM helpers: elements are built, never parsed from strings holding data.
// Strings go through Django's JavaScriptCatalog (djangojs domain, /app/jsi18n/<lang>/).
// makemessages finds _("..."), ngettext(...) and gettext_noop("...") in these files.
export const _ = (s) => (window.gettext ? window.gettext(s) : s);
export const gettext_noop = (s) => s;
export const fmt = (translated, values) =>
  String(translated).replace(/%\((\w+)\)s/g, (m, k) => (k in values ? values[k] : m));
export const ngettext = (one, many, n) =>
  (window.ngettext ? window.ngettext(one, many, n) : n === 1 ? one : many);

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

let ids = 0;
export const nextId = (prefix = "f") => `${prefix}-${(ids += 1)}`;

// A screen: its heading takes focus so a screen reader announces where the patient is.
export function screen(title, ...body) {
  const main = document.getElementById("main");
  const heading = h("h1", { tabindex: "-1", id: "screen-title" }, title);
  main.replaceChildren(heading, ...body.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  document.title = `${title} · ${_("Back care")}`;
  heading.focus({ preventScroll: false });
  window.scrollTo(0, 0);
  return main;
}

export function button(label, onclick, cls = "btn") {
  return h("button", { type: "button", class: cls, onclick }, label);
}

export function link(label, href, cls = "btn") {
  return h("a", { href, class: cls }, label);
}

export function alertBox(text, kind = "error") {
  return h("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

export function field(label, input, hint) {
  const id = input.id || nextId();
  input.id = id;
  const hintEl = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: id }, label), hintEl, input,
    h("p", { class: "field-error", id: `${id}-error`, hidden: true }));
}

export function showFieldError(input, message) {
  const box = document.getElementById(`${input.id}-error`);
  if (!box) return;
  box.textContent = message || "";
  box.hidden = !message;
  if (message) {
    input.setAttribute("aria-invalid", "true");
    const described = new Set((input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
    described.add(box.id);
    input.setAttribute("aria-describedby", [...described].join(" "));
  } else {
    input.removeAttribute("aria-invalid");
  }
}

// A row of toggle chips (a group of checkboxes that look like buttons).
export function chips(legend, terms, selected = [], name = nextId("chips")) {
  const chosen = new Set(selected);
  const set = h("fieldset", { class: "chips" }, h("legend", {}, legend));
  for (const term of terms) {
    const id = nextId(name);
    const input = h("input", { type: "checkbox", id, name, value: term.code, checked: chosen.has(term.code) });
    set.append(h("span", { class: "chip" }, input, h("label", { for: id }, _(term.label))));
  }
  set.values = () => [...set.querySelectorAll("input:checked")].map((i) => i.value);
  return set;
}

// 0-10 as eleven large radio buttons.
export function scale(legend, name, value = null, hint = "") {
  const set = h("fieldset", { class: "scale" }, h("legend", {}, legend));
  if (hint) set.append(h("p", { class: "hint" }, hint));
  const row = h("div", { class: "scale-row" });
  for (let n = 0; n <= 10; n += 1) {
    const id = nextId(name);
    row.append(h("span", { class: "scale-cell" },
      h("input", { type: "radio", name, id, value: String(n), checked: value === n }),
      h("label", { for: id }, String(n))));
  }
  set.append(row, h("div", { class: "scale-ends", "aria-hidden": "true" },
    h("span", {}, _("No pain")), h("span", {}, _("Worst"))));
  set.value = () => {
    const c = set.querySelector("input:checked");
    return c ? Number(c.value) : null;
  };
  return set;
}

export function when(iso) {
  const d = new Date(iso);
  return d.toLocaleString(document.documentElement.lang || undefined, {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  });
}

export function localInputValue(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

// A local "datetime-local" value as an ISO time with the phone's UTC offset.
export function withOffset(local) {
  const d = new Date(local);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  return `${local.length === 16 ? `${local}:00` : local}${sign}${pad(off / 60)}:${pad(off % 60)}`;
}

// A safety message as the server wrote it: paragraphs, and "- " lines as a list.
export function message(text, cls = "safety") {
  const box = h("div", { class: cls });
  let list = null;
  for (const line of String(text || "").split("\n")) {
    const item = /^\s*[-•]\s+(.*)$/.exec(line);
    if (item) {
      if (!list) { list = h("ul"); box.append(list); }
      list.append(h("li", {}, item[1]));
    } else if (line.trim()) {
      list = null;
      box.append(h("p", {}, line.trim()));
    }
  }
  return box;
}
