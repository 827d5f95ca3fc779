// The spasm diary: record (online or not), edit, delete, the list and the charts.
import { api, ApiError, OfflineError } from "./api.js";
import { kv, uuid } from "./store.js";
import { discard, drain, enqueue, onChange, waiting } from "./sync.js";
import { _, alertBox, button, chips, field, fmt, gettext_noop, h, link, localInputValue, scale, screen, when, withOffset } from "./ui.js";
import { clinicOf, problem, profile } from "./main.js";
import { cached, emergencyScreen } from "./screens.js";
import { barChart } from "./charts.js";

// The mini red-flag check, graded on the phone so the advice needs no network. Bladder,
// bowel, saddle numbness and both legs are cauda equina signs (R1a); fainting (R7) and chest
// pain or breathlessness (R8) are emergencies too; new weakness (R2b) and fever are urgent.
const EMERGENCY_FLAGS = ["bladder", "bowel", "saddle_numbness", "both_legs", "fainting", "chest_pain_or_breathlessness"];

export function flagUrgency(flags) {
  const ticked = Object.keys(flags || {}).filter((k) => flags[k]);
  if (ticked.some((k) => EMERGENCY_FLAGS.includes(k))) return "emergency";
  return ticked.length ? "urgent" : null;
}

async function vocabulary() {
  const kept = await kv.get("vocabulary");
  if (kept) return kept;
  return cached("vocabulary", "episodes/vocabulary/");
}

function labelOf(terms, code) {
  const t = terms.find((x) => x.code === code);
  return t ? _(t.label) : code;
}

// --- list -------------------------------------------------------------------------------------

export async function list() {
  const vocab = await vocabulary();
  const box = h("div", { "aria-live": "polite" });
  screen(_("My spasm diary"),
    link(_("Record a spasm"), "#/diary/new", "btn btn-primary btn-big"),
    link(_("My spasm charts"), "#/diary/summary", "btn"),
    box);
  // When the queue drains, the entries move from "waiting" to the diary without a reload
  // (listening before the first fill, so a send finishing meanwhile is not missed).
  const off = onChange(() => {
    if (!box.isConnected) { off(); return; }
    fillList(box, vocab).catch(() => {});
  });
  await fillList(box, vocab);
}

async function fillList(box, vocab) {
  const queued = await waiting("episode");
  let episodes = [];
  let offline = false;
  try {
    const { data } = await api("episodes/?page_size=50");
    episodes = data.results;
    await kv.set("episodes", episodes);
  } catch (e) {
    if (!(e instanceof OfflineError)) throw e;
    episodes = (await kv.get("episodes")) || [];
    offline = true;
  }
  const items = [];
  for (const q of queued) {
    const e = q.body;
    items.push(h("li", { class: `entry entry-${q.state}` },
      h("div", { class: "entry-main" },
        h("strong", {}, fmt(_("Intensity %(n)s/10"), { n: e.peak_intensity })), " · ", when(e.started_at),
        h("div", { class: "muted" }, (e.triggers || []).map((c) => labelOf(vocab.triggers, c)).join(", "))),
      q.state === "rejected"
        ? h("div", {}, h("span", { class: "badge badge-error" }, _("Not accepted")), " ",
          h("span", { class: "muted" }, Object.entries(q.errors || {}).map(([k, v]) => `${k}: ${[].concat(v).join(" ")}`).join("; ")),
          button(_("Remove"), async () => { await discard(q.client_id); }, "btn btn-small"))
        : h("span", { class: "badge badge-waiting" }, _("Waiting to be sent"))));
  }
  for (const e of episodes) {
    if (queued.some((q) => q.client_id === e.client_id)) continue;
    items.push(h("li", { class: "entry" },
      h("a", { href: `#/diary/${e.id}`, class: "entry-link" },
        h("strong", {}, fmt(_("Intensity %(n)s/10"), { n: e.peak_intensity })), " · ", when(e.started_at),
        h("div", { class: "muted" }, e.triggers.map((c) => labelOf(vocab.triggers, c)).join(", ") || _("No trigger noted")))));
  }
  box.replaceChildren(
    ...[offline ? alertBox(_("Offline: showing what this phone kept."), "info") : null,
      items.length ? h("ul", { class: "entries" }, items) : h("p", {}, _("No episodes yet. When a spasm comes, record it here."))].filter(Boolean));
}

// --- record / edit ------------------------------------------------------------------------------

export async function form(id = null) {
  const vocab = await vocabulary();
  let episode = null;
  if (id) {
    const { data } = await api(`episodes/${id}/`);
    episode = data;
  }
  const start = h("input", { type: "datetime-local", value: localInputValue(episode ? new Date(episode.started_at) : new Date()), max: localInputValue(new Date(Date.now() + 5 * 60000)), required: true });
  const intensity = scale(_("How strong was it at its worst?"), "peak_intensity", episode ? episode.peak_intensity : null, _("0 is no pain, 10 the worst pain you can imagine."));
  const triggers = chips(_("What set it off?"), vocab.triggers, episode ? episode.triggers : [], "trigger");
  const relief = chips(_("What did you try?"), vocab.relief_methods, episode ? episode.relief.map((r) => r.method) : [], "relief");
  const effectSet = h("fieldset", { class: "choice-row-set" }, h("legend", {}, _("Did it help?")));
  const effectRow = h("div", { class: "choice-row" });
  const currentEffect = episode && episode.relief.length ? episode.relief[0].effect : "some";
  for (const term of vocab.relief_effects) {
    const rid = `effect-${term.code}`;
    effectRow.append(h("span", { class: "choice" }, h("input", { type: "radio", name: "effect", id: rid, value: term.code, checked: term.code === currentEffect }), h("label", { for: rid }, _(term.label))));
  }
  effectSet.append(effectRow);
  const duration = h("input", { type: "number", inputmode: "numeric", min: "0", max: "10080", value: episode && episode.duration_minutes !== null ? episode.duration_minutes : "" });
  const notes = h("textarea", { rows: "3", maxlength: "5000" }, episode ? episode.notes : "");
  const flagWarning = h("div", { "aria-live": "assertive" });
  const flags = chips(_("Right now, do you have any of these?"), vocab.red_flags,
    episode ? Object.keys(episode.red_flags).filter((k) => episode.red_flags[k]) : [], "flag");
  flags.classList.add("chips-flags");
  flags.addEventListener("change", async () => {
    const picked = Object.fromEntries(flags.values().map((k) => [k, true]));
    const level = flagUrgency(picked);
    const clinic = clinicOf(await profile());
    flagWarning.replaceChildren(level ? alertBox(level === "emergency"
      ? fmt(_("This needs help now: call %(number)s. Save this entry and follow the advice."), { number: clinic.emergency_number || _("your emergency number") })
      : _("This needs to be seen today. Save this entry and follow the advice."), "error") : "");
  });
  const status = h("div", { "aria-live": "polite" });
  const more = h("details", { class: "card more-details" }, h("summary", {}, _("More details (optional)")),
    field(_("How long did it last, in minutes?"), duration), relief, effectSet, field(_("Notes"), notes));
  if (episode && (episode.relief.length || episode.notes || episode.duration_minutes !== null)) more.open = true;
  const save = h("button", { type: "submit", class: "btn btn-primary btn-big" }, episode ? _("Save changes") : _("Save"));
  const formEl = h("form", { novalidate: true },
    h("div", { class: "card" }, field(_("When did it start?"), start, _("Now, unless you change it.")), intensity),
    h("div", { class: "card" }, triggers),
    h("div", { class: "card card-flags" }, flags, flagWarning),
    more, status, save);
  formEl.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (intensity.value() === null) {
      status.replaceChildren(alertBox(_("Please choose how strong it was (0 to 10).")));
      intensity.querySelector("input").focus();
      return;
    }
    if (!start.value) { status.replaceChildren(alertBox(_("Please give the start time."))); start.focus(); return; }
    const redFlags = Object.fromEntries(vocab.red_flags.map((t) => [t.code, flags.values().includes(t.code)]));
    const effect = (effectRow.querySelector("input:checked") || {}).value || "some";
    const body = {
      started_at: withOffset(start.value),
      peak_intensity: intensity.value(),
      triggers: triggers.values(),
      relief: relief.values().map((method) => ({ method, effect })),
      red_flags: redFlags,
      notes: notes.value,
    };
    if (duration.value !== "") body.duration_minutes = Number(duration.value);
    save.disabled = true;
    if (episode) {
      try {
        await api(`episodes/${episode.id}/`, { method: "PATCH", body });
        location.hash = "#/diary";
      } catch (e) {
        save.disabled = false;
        status.replaceChildren(alertBox(problem(e, _("Not saved."))));
      }
      return;
    }
    // A new episode is kept on the phone first, then sent: the same path online and offline.
    body.client_id = uuid();
    await enqueue("episode", body);
    if (flagUrgency(redFlags)) { location.hash = `#/diary/advice/${body.client_id}`; return; }
    location.hash = "#/diary";
  });
  const parts = [formEl];
  if (episode) {
    parts.push(button(_("Delete this episode"), async () => {
      if (!window.confirm(_("Delete this episode from your diary?"))) return;
      try {
        await api(`episodes/${episode.id}/`, { method: "DELETE" });
        location.hash = "#/diary";
      } catch (e) {
        status.replaceChildren(alertBox(problem(e)));
      }
    }, "btn btn-danger"));
  }
  screen(episode ? _("Edit episode") : _("Record a spasm"), parts);
}

// The advice for a red flag, from what the phone holds: it never waits for the network.
export async function advice(clientId) {
  const item = (await waiting("episode")).find((q) => q.client_id === clientId);
  const clinic = clinicOf(await profile());
  const flags = item ? item.body.red_flags : {};
  const level = flagUrgency(flags) || "urgent";
  if (level === "emergency") {
    emergencyScreen(_("You ticked a sign that can mean a serious problem with the nerves, heart or lungs. It needs to be checked straight away."), clinic, { pending: true });
    drain();
    return;
  }
  screen(_("Get seen today"),
    h("div", { class: "card card-urgent" },
      h("p", { class: "lead" }, _("You ticked a sign that needs a doctor to see you today.")),
      h("p", {}, clinic.urgent_route ? fmt(_("For advice today, %(route)s."), { route: clinic.urgent_route }) : _("Contact an urgent care service or your doctor today.")),
      clinic.phone ? h("a", { class: "btn btn-primary", href: `tel:${clinic.phone.replace(/[^\d+]/g, "")}` }, fmt(_("Call %(clinic)s: %(phone)s"), { clinic: clinic.name || _("your clinic"), phone: clinic.phone })) : null,
      clinic.emergency_number ? h("p", {}, fmt(_("If it gets worse quickly, call %(number)s."), { number: clinic.emergency_number })) : null),
    h("p", {}, _("Your entry is saved and your physiotherapist will be told as soon as your phone is online.")),
    link(_("Back to my diary"), "#/diary", "btn"));
  drain();
}

// --- charts ---------------------------------------------------------------------------------------

export async function summary() {
  const vocab = await vocabulary();
  const data = await cached("summary", "episodes/summary/?days=30");
  const parts = [
    h("div", { class: "card stats" },
      h("p", {}, h("strong", { class: "stat" }, String(data.episodes)), " ", _("episodes in the last 30 days")),
      data.mean_intensity !== null ? h("p", {}, h("strong", { class: "stat" }, String(Math.round(data.mean_intensity * 10) / 10)), " ", _("average intensity (0-10)")) : null,
      data.previous ? h("p", { class: "muted" }, fmt(_("The 30 days before: %(n)s episodes."), { n: data.previous.episodes })) : null),
  ];
  if (data.triggers.length) {
    parts.push(barChart(_("What set them off"), data.triggers.map((t) => ({ label: labelOf(vocab.triggers, t.code), value: t.count }))));
  }
  if (data.relief.length) {
    parts.push(barChart(_("What helped (times with good relief)"), data.relief.map((r) => ({ label: labelOf(vocab.relief_methods, r.method), value: r.good }))));
  }
  const days = {
    Mon: gettext_noop("Mon"), Tue: gettext_noop("Tue"), Wed: gettext_noop("Wed"), Thu: gettext_noop("Thu"),
    Fri: gettext_noop("Fri"), Sat: gettext_noop("Sat"), Sun: gettext_noop("Sun"),
  };
  parts.push(barChart(_("By day of the week"), data.by_weekday.map((d) => ({ label: _(days[d.weekday] || d.weekday), value: d.episodes }))));
  if (!data.episodes) parts.push(h("p", {}, _("No episodes in the last 30 days.")));
  screen(_("My spasm charts"), parts);
}
