// Today's exercises: what is due, how to do it, logging a session (kept on the phone first).
import { api, ApiError, OfflineError } from "./api.js";
import { uuid } from "./store.js";
import { enqueue, waiting } from "./sync.js";
import { _, alertBox, fmt, h, link, scale, screen, ngettext } from "./ui.js";
import { problem } from "./main.js";
import { cached } from "./screens.js";
import { barChart } from "./charts.js";

function dosage(d) {
  const parts = [];
  if (d.sets && d.reps) parts.push(fmt(_("%(sets)s sets of %(reps)s"), { sets: d.sets, reps: d.reps }));
  else if (d.reps) parts.push(fmt(_("%(reps)s times"), { reps: d.reps }));
  if (d.hold_seconds) parts.push(fmt(_("hold %(s)s seconds"), { s: d.hold_seconds }));
  if (d.duration_minutes) parts.push(fmt(_("%(m)s minutes"), { m: d.duration_minutes }));
  parts.push(d.times_per_day === 1 ? _("once a day") : fmt(_("%(n)s times a day"), { n: d.times_per_day }));
  if (d.days_per_week < 7) parts.push(fmt(_("%(n)s days a week"), { n: d.days_per_week }));
  return parts.join(", ");
}

async function program() {
  try {
    return await cached("program", "program/");
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

// What is still due today, less what this phone logged and has not sent yet.
async function dueNow(prog) {
  const queued = (await waiting("session")).filter((q) => q.state === "waiting" && q.body.performed_at.slice(0, 10) === new Date().toISOString().slice(0, 10));
  const counts = {};
  for (const q of queued) for (const ex of q.body.exercises) counts[ex.exercise] = (counts[ex.exercise] || 0) + 1;
  return prog.due_today
    .map((d) => ({ ...d, remaining_today: d.remaining_today - (counts[d.exercise.id] || 0) }))
    .filter((d) => d.remaining_today > 0);
}

export async function today() {
  const prog = await program();
  if (!prog) {
    screen(_("Today's exercises"), h("p", {}, _("Your physiotherapist has not given you an exercise program yet.")));
    return;
  }
  const due = await dueNow(prog);
  const queued = (await waiting("session")).filter((q) => q.state === "waiting");
  const byItem = new Map(prog.items.map((i) => [i.id, i]));
  const cards = due.map((d) => {
    const item = byItem.get(d.item);
    const ex = item ? item.exercise : d.exercise;
    return h("li", { class: "card exercise" },
      h("h2", {}, ex.name),
      item ? h("p", { class: "dosage" }, dosage(item.dosage)) : null,
      h("p", { class: "muted" }, fmt(_("%(n)s still to do today"), { n: d.remaining_today })),
      ex.purpose ? h("p", {}, ex.purpose) : null,
      ex.steps && ex.steps.length ? h("details", {}, h("summary", {}, _("How to do it")), h("ol", {}, ex.steps.map((s) => h("li", {}, s)))) : null,
      ex.cautions ? h("p", { class: "caution" }, ex.cautions) : null,
      item && item.notes ? h("p", {}, h("strong", {}, _("From your physiotherapist: ")), item.notes) : null);
  });
  screen(_("Today's exercises"),
    queued.length ? alertBox(fmt(_("%(n)s sessions waiting to be sent."), { n: queued.length }), "info") : null,
    due.length ? link(_("Log a session"), "#/exercises/log", "btn btn-primary btn-big") : alertBox(_("All done for today. Well done."), "success"),
    h("ul", { class: "plain" }, cards),
    prog.notes ? h("div", { class: "card" }, h("h2", {}, _("Notes")), h("p", {}, prog.notes)) : null,
    h("p", { class: "safety" }, prog.safety_note),
    link(_("How I am keeping up"), "#/exercises/adherence", "btn"));
}

export async function log() {
  const prog = await program();
  if (!prog) { location.hash = "#/exercises"; return; }
  const due = await dueNow(prog);
  const choices = (due.length ? due : prog.due_today).map((d) => {
    const id = `done-${d.item}`;
    return h("div", { class: "check" }, h("input", { type: "checkbox", id, value: String(d.exercise.id), checked: true }), h("label", { for: id }, d.exercise.name));
  });
  const before = scale(_("Pain before you started"), "pain_before", null, _("0 is no pain, 10 the worst pain you can imagine."));
  const after = scale(_("Pain after"), "pain_after");
  const status = h("div", { "aria-live": "polite" });
  const form = h("form", { novalidate: true },
    h("fieldset", { class: "card group" }, h("legend", {}, _("What did you do?")), choices),
    h("div", { class: "card" }, before), h("div", { class: "card" }, after), status,
    h("button", { type: "submit", class: "btn btn-primary btn-big" }, _("Save session")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const done = choices.map((c) => c.querySelector("input")).filter((i) => i.checked).map((i) => ({ exercise: Number(i.value) }));
    if (!done.length) { status.replaceChildren(alertBox(_("Tick at least one exercise."))); return; }
    const body = { client_id: uuid(), performed_at: new Date().toISOString(), exercises: done };
    if (before.value() !== null) body.pain_before = before.value();
    if (after.value() !== null) body.pain_after = after.value();
    await enqueue("session", body);
    location.hash = "#/exercises";
  });
  screen(_("Log a session"), form);
}

export async function adherence() {
  let data;
  try {
    ({ data } = await api("program/adherence/?weeks=4"));
  } catch (e) {
    if (e instanceof OfflineError) { screen(_("How I am keeping up"), alertBox(problem(e), "info")); return; }
    if (e instanceof ApiError && e.status === 404) { screen(_("How I am keeping up"), h("p", {}, _("No exercise program yet."))); return; }
    throw e;
  }
  screen(_("How I am keeping up"),
    h("div", { class: "card stats" },
      h("p", {}, h("strong", { class: "stat" }, data.adherence_percent === null ? "–" : `${data.adherence_percent}%`), " ", _("of your exercises done in the last 4 weeks")),
      h("p", {}, fmt(ngettext("%(n)s day in a row", "%(n)s days in a row", data.current_streak_days), { n: data.current_streak_days })),
      data.mean_pain_change !== null ? h("p", {}, data.mean_pain_change < 0 ? _("On average your pain eased after exercising.") : _("On average your pain did not ease after exercising. Tell your physiotherapist.")) : null),
    barChart(_("Exercises done each week"), data.weeks.map((w) => ({ label: new Date(w.start).toLocaleDateString(undefined, { day: "numeric", month: "short" }), value: w.done }))));
}
