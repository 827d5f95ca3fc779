// Today, screening (and its result), progress checks, preferences, my data, more.
import { api, ApiError, OfflineError, download } from "./api.js";
import { kv, uuid } from "./store.js";
import { waiting } from "./sync.js";
import { _, alertBox, button, field, fmt, gettext_noop, h, link, message as safety, scale, screen, showFieldError, when } from "./ui.js";
import { clinicOf, problem, profile } from "./main.js";
import { barChart } from "./charts.js";

const GROUP_TITLES = {
  about_you: gettext_noop("About you"),
  this_episode: gettext_noop("This episode of back pain"),
  bladder_bowel_sensation: gettext_noop("Bladder, bowel and sensation"),
  legs: gettext_noop("Your legs"),
  general_health: gettext_noop("General health"),
  heart_and_breathing: gettext_noop("Heart and breathing"),
  inflammatory_features: gettext_noop("Stiffness and other joints"),
};
const CHOICE_LABELS = { male: gettext_noop("Male"), female: gettext_noop("Female"), sudden: gettext_noop("Suddenly"), gradual: gettext_noop("Gradually") };

// Fresh from the API when online, else the copy kept on the device.
export async function cached(key, path) {
  try {
    const { data } = await api(path);
    await kv.set(key, data);
    return data;
  } catch (e) {
    if (e instanceof OfflineError) {
      const kept = await kv.get(key);
      if (kept !== undefined) return kept;
    }
    throw e;
  }
}

// --- Today ---------------------------------------------------------------------------------

export async function home() {
  const me = await profile();
  const name = me && me.patient ? me.patient.first_name || me.first_name : "";
  const items = await waiting();
  const body = [
    h("p", { class: "lead" }, _("In a spasm? Record it now: it takes a few taps.")),
    link(_("Record a spasm"), "#/diary/new", "btn btn-primary btn-big"),
    h("ul", { class: "tiles" },
      h("li", {}, link(_("Today's exercises"), "#/exercises", "tile")),
      h("li", {}, link(_("My diary and charts"), "#/diary", "tile")),
      h("li", {}, link(_("Screening questions"), "#/screening", "tile"))),
  ];
  const extra = h("div", { "aria-live": "polite" });
  body.push(extra);
  if (items.length) body.splice(2, 0, alertBox(fmt(_("%(n)s entries waiting to be sent."), { n: items.length }), "info"));
  screen(name ? fmt(_("Hello, %(name)s"), { name }) : _("Today"), body);
  try {
    const [intakes, due] = await Promise.all([
      cached("intakes", "intakes/?page_size=1"), cached("reassessmentDue", "reassessments/due/"),
    ]);
    if (!intakes.count) {
      extra.append(h("div", { class: "card" }, h("h2", {}, _("Start with your screening")),
        h("p", {}, _("A few questions so your physiotherapist knows how you are and whether anything needs checking quickly.")),
        link(_("Answer the questions"), "#/screening", "btn btn-primary")));
    }
    if (due.due_weeks) {
      extra.append(h("div", { class: "card" }, h("h2", {}, fmt(_("Your %(weeks)s-week progress check"), { weeks: due.due_weeks })),
        h("p", {}, _("One question about your pain, so you and your physiotherapist can see the change.")),
        link(_("Do the progress check"), "#/progress-check", "btn btn-primary")));
    }
  } catch (e) { /* offline with nothing kept yet: the tiles are enough */ }
}

// --- screening ------------------------------------------------------------------------------

function yesNo(name, question, required) {
  const set = h("fieldset", { class: "question", "data-name": name },
    h("legend", {}, question, required ? h("span", { class: "req" }, ` (${_("required")})`) : null));
  const row = h("div", { class: "choice-row" });
  for (const [value, label] of [["true", _("Yes")], ["false", _("No")]]) {
    const id = `${name}-${value}`;
    row.append(h("span", { class: "choice" }, h("input", { type: "radio", name, id, value, required }), h("label", { for: id }, label)));
  }
  set.append(row, h("p", { class: "field-error", hidden: true }));
  set.read = () => { const c = set.querySelector("input:checked"); return c ? c.value === "true" : undefined; };
  return set;
}

function choiceSet(name, question, values, labels, required) {
  const set = h("fieldset", { class: "question", "data-name": name },
    h("legend", {}, question, required ? h("span", { class: "req" }, ` (${_("required")})`) : null));
  const row = h("div", { class: "choice-row" });
  values.forEach((value, i) => {
    const id = `${name}-${i}`;
    row.append(h("span", { class: "choice" }, h("input", { type: "radio", name, id, value, required }), h("label", { for: id }, labels[i])));
  });
  set.append(row, h("p", { class: "field-error", hidden: true }));
  set.read = () => { const c = set.querySelector("input:checked"); return c ? c.value : undefined; };
  return set;
}

function numberQuestion(spec) {
  if (spec.minimum === 0 && spec.maximum === 10) {
    const set = scale(spec.question, spec.name);
    set.classList.add("question");
    set.dataset.name = spec.name;
    set.append(h("p", { class: "field-error", hidden: true }));
    set.read = () => set.value() ?? undefined;
    return set;
  }
  const input = h("input", { type: "number", inputmode: "numeric", name: spec.name, min: spec.minimum, max: spec.maximum, required: spec.required });
  const wrap = h("div", { class: "question", "data-name": spec.name },
    h("label", { for: `q-${spec.name}` }, spec.question, spec.required ? h("span", { class: "req" }, ` (${_("required")})`) : null), input,
    h("p", { class: "field-error", hidden: true }));
  input.id = `q-${spec.name}`;
  wrap.read = () => (input.value === "" ? undefined : Number(input.value));
  return wrap;
}

function setError(el, message) {
  const box = el.querySelector(".field-error");
  box.textContent = message || "";
  box.hidden = !message;
  const target = el.matches("fieldset") ? el : el.querySelector("input");
  if (message) target.setAttribute("aria-invalid", "true"); else target.removeAttribute("aria-invalid");
}

export async function screening() {
  const form = await cached("intakeForm", "intake-form/");
  const questions = [];
  const sections = [];
  for (const group of form.groups) {
    const fields = form.fields.filter((f) => f.group === group);
    if (!fields.length) continue;
    const section = h("section", { class: "card" }, h("h2", {}, _(GROUP_TITLES[group] || group)));
    for (const spec of fields) {
      let el;
      if (spec.type === "bool") el = yesNo(spec.name, spec.question, spec.required);
      else if (spec.type === "choice") el = choiceSet(spec.name, spec.question, spec.choices, spec.choices.map((c) => _(CHOICE_LABELS[c] || c)), spec.required);
      else el = numberQuestion(spec);
      el.spec = spec;
      questions.push(el);
      section.append(el);
    }
    sections.push(section);
  }
  // STarT Back, worded exactly as the form gives it, with Keele's copyright line.
  const sb = form.start_back;
  const sbQuestions = sb.items.map((text, i) => (i < 8
    ? choiceSet(`start_back_${i + 1}`, `${i + 1}. ${text}`, ["0", "1"], sb.responses, true)
    : choiceSet(`start_back_${i + 1}`, `${i + 1}. ${text}`, sb.item9_responses, sb.item9_responses, true)));
  // Validated wording stays in its own language (the form says which, and why).
  const otherLanguage = sb.language && form.language && sb.language !== form.language;
  const sbBody = h("div", { lang: sb.language || null }, h("p", {}, sb.preamble), sbQuestions,
    h("p", { class: "copyright" }, sb.copyright));
  sections.push(h("section", { class: "card" }, h("h2", {}, _("The last 2 weeks")),
    otherLanguage ? h("p", { class: "hint" }, sb.language_note) : null, sbBody));

  // One group of questions per page: shorter to read, easier one-handed.
  const status = h("div", { "aria-live": "assertive" });
  const progress = h("p", { class: "muted step-count", "aria-live": "polite" });
  const back = h("button", { type: "button", class: "btn" }, _("Back"));
  const next = h("button", { type: "submit", class: "btn btn-primary btn-big" }, _("Next"));
  const formEl = h("form", { novalidate: true }, progress, sections, status, next, back);
  let step = 0;
  const sbSection = sections[sections.length - 1];
  const show = (i) => {
    step = i;
    sections.forEach((sec, j) => { sec.hidden = j !== i; });
    progress.textContent = fmt(_("Part %(n)s of %(total)s"), { n: i + 1, total: sections.length });
    next.textContent = i === sections.length - 1 ? _("Send my answers") : _("Next");
    back.hidden = i === 0;
    status.replaceChildren();
  };
  back.addEventListener("click", () => { show(step - 1); sections[step].querySelector("h2").focus(); });
  sections.forEach((sec) => sec.querySelector("h2").setAttribute("tabindex", "-1"));
  const check = (els) => {
    let firstBad = null;
    for (const el of els) {
      const required = el.spec ? el.spec.required : true;
      const bad = el.read() === undefined && required;
      setError(el, bad ? _("Please answer this question.") : "");
      if (bad && !firstBad) firstBad = el;
    }
    return firstBad;
  };
  formEl.addEventListener("submit", async (event) => {
    event.preventDefault();
    const here = sections[step] === sbSection ? sbQuestions : questions.filter((q) => sections[step].contains(q));
    const firstBad = check(here);
    if (firstBad) {
      status.replaceChildren(alertBox(_("Some questions still need an answer. They are marked above.")));
      firstBad.querySelector("input").focus();
      return;
    }
    if (step < sections.length - 1) {
      show(step + 1);
      sections[step].querySelector("h2").focus();
      window.scrollTo(0, 0);
      return;
    }
    const missing = check(questions);
    if (missing) {
      show(sections.findIndex((sec) => sec.contains(missing)));
      check(questions.filter((q) => sections[step].contains(q)));
      status.replaceChildren(alertBox(_("Some questions still need an answer. They are marked above.")));
      missing.querySelector("input").focus();
      return;
    }
    const body = {};
    for (const el of questions) {
      const value = el.read();
      if (value !== undefined) body[el.spec.name] = value;
    }
    body.start_back = sbQuestions.map((el, i) => (i < 8 ? Number(el.read()) : el.read()));
    next.disabled = true;
    status.replaceChildren(alertBox(_("Sending…"), "info"));
    try {
      const { data } = await api("intakes/", { method: "POST", body, headers: { "Idempotency-Key": formEl.dataset.key } });
      await kv.set("lastResult", data.assessment);
      await kv.del("intakes");
      location.hash = "#/screening/result";
    } catch (e) {
      next.disabled = false;
      if (e instanceof ApiError && e.status === 400) {
        for (const el of questions) if (e.fields[el.spec.name]) setError(el, e.fields[el.spec.name].join(" "));
      }
      status.replaceChildren(alertBox(problem(e, _("Your answers were not sent. Please try again."))));
    }
  });
  show(0);
  formEl.dataset.key = uuid();
  screen(_("Screening questions"),
    h("p", {}, _("Please answer every question. If you are unsure, choose the answer closest to how you are now.")),
    formEl);
}

function urgentCard(assessment, clinic) {
  return h("div", { class: "card card-urgent" },
    h("h2", {}, _("See a doctor today")),
    safety(assessment.safety_message),
    clinic.urgent_route ? h("p", {}, fmt(_("For advice today, %(route)s."), { route: clinic.urgent_route })) : null,
    clinic.phone ? link(fmt(_("Call %(clinic)s: %(phone)s"), { clinic: clinic.name, phone: clinic.phone }), `tel:${clinic.phone.replace(/[^\d+]/g, "")}`, "btn btn-primary") : null);
}

export function emergencyScreen(message, clinic, { heading, pending = false } = {}) {
  document.body.classList.add("emergency-mode");
  const number = clinic.emergency_number || "";
  const main = screen(heading || _("Get help now"),
    h("p", { class: "emergency-lead" }, number
      ? fmt(_("Call %(number)s now, or have someone take you to the emergency department."), { number })
      : _("Call your emergency number now, or have someone take you to the emergency department.")),
    number ? h("a", { class: "btn btn-emergency", href: `tel:${number}` }, fmt(_("Call %(number)s"), { number })) : null,
    message ? safety(message) : null,
    h("p", {}, pending
      ? _("Do not wait for your clinic to call you back. Your physiotherapist will be alerted as soon as this entry reaches the clinic.")
      : _("Do not wait for your clinic to call you back. Your physiotherapist has been alerted as well.")),
    clinic.phone ? h("a", { class: "btn btn-light", href: `tel:${clinic.phone.replace(/[^\d+]/g, "")}` },
      fmt(_("Call %(clinic)s: %(phone)s"), { clinic: clinic.name || _("your clinic"), phone: clinic.phone })) : null,
    button(_("I have read this"), () => { document.body.classList.remove("emergency-mode"); location.hash = "#/home"; }, "btn btn-light"));
  main.classList.add("emergency");
  window.addEventListener("hashchange", () => { document.body.classList.remove("emergency-mode"); main.classList.remove("emergency"); }, { once: true });
}

export async function screeningResult() {
  const a = await kv.get("lastResult");
  if (!a) { location.hash = "#/screening"; return; }
  const clinic = clinicOf(await profile());
  if (a.urgency === "emergency") { emergencyScreen(a.safety_message, clinic); return; }
  const parts = [];
  if (a.urgency === "urgent") parts.push(urgentCard(a, clinic));
  else parts.push(h("div", { class: "card" }, h("h2", {}, _("What this means")), safety(a.safety_message)));
  if (a.pathway) {
    parts.push(h("div", { class: "card" }, h("h2", {}, _("Your care pathway")),
      h("p", { class: "pathway" }, h("strong", {}, a.pathway.label)), h("p", {}, a.pathway.description)));
  }
  for (const note of a.medication_notes || []) parts.push(alertBox(note.message || note.patient_message || "", "info"));
  parts.push(link(_("Back to Today"), "#/home", "btn"));
  screen(_("Your screening result"), parts);
}

// --- progress checks ------------------------------------------------------------------------

export async function progressCheck() {
  const due = await cached("reassessmentDue", "reassessments/due/");
  if (!due.due_weeks) {
    screen(_("Progress check"),
      h("p", {}, due.next_opens_on
        ? fmt(_("Your next progress check opens on %(date)s."), { date: new Date(due.next_opens_on).toLocaleDateString() })
        : _("There is no progress check to do now.")),
      link(_("Back to Today"), "#/home", "btn"));
    return;
  }
  const pain = scale(_("How bad is your pain now, or at its worst in the last 24 hours?"), "pain_nrs", null, _("0 is no pain, 10 the worst pain you can imagine."));
  const status = h("div", { "aria-live": "polite" });
  const key = uuid();
  const form = h("form", { class: "card", novalidate: true }, pain, h("p", { class: "field-error", hidden: true }), status,
    h("button", { type: "submit", class: "btn btn-primary" }, _("Send")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (pain.value() === null) { status.replaceChildren(alertBox(_("Please choose a number from 0 to 10."))); return; }
    try {
      const { data } = await api("reassessments/", { method: "POST", body: { pain_nrs: pain.value() }, headers: { "Idempotency-Key": key } });
      await kv.del("reassessmentDue");
      const nrs = data.comparison && data.comparison.nrs;
      screen(_("Thank you"),
        nrs ? h("p", { class: "lead" }, fmt(_("At your first screening your pain was %(before)s out of 10; today it is %(after)s."), { before: nrs.baseline, after: nrs.followup })) : null,
        h("p", {}, _("Your physiotherapist will see this at your next contact.")),
        link(_("Back to Today"), "#/home", "btn btn-primary"));
    } catch (e) {
      status.replaceChildren(alertBox(problem(e)));
    }
  });
  screen(fmt(_("Your %(weeks)s-week progress check"), { weeks: due.due_weeks }), form);
}

// --- my progress (outcomes: pain and Oswestry against the first screening) -----------------

export async function myProgress() {
  const data = await cached("progress", "me/progress/");
  const pain = data.points.filter((p) => p.nrs !== null);
  screen(_("My progress"),
    h("div", { class: "card" }, h("p", { class: "lead" }, data.summary),
      data.odi_summary ? h("p", {}, data.odi_summary) : null,
      data.next_check_weeks ? h("p", { class: "muted" }, fmt(_("Next progress check: %(weeks)s weeks."), { weeks: data.next_check_weeks })) : null),
    pain.length ? barChart(_("Pain (0 to 10) at each check"), pain.map((p) => ({ label: `${p.label} · ${new Date(p.at).toLocaleDateString()}`, value: p.nrs })), 10) : null,
    link(_("Back to Today"), "#/home", "btn"));
}

// --- preferences --------------------------------------------------------------------------------

const KIND_LABELS = {
  intake_checkin: gettext_noop("A check-in two days after my screening"),
  episode_check: gettext_noop("A check the morning after a bad spasm"),
  adherence_nudge: gettext_noop("A nudge when I have not exercised for a few days"),
  reassessment_due: gettext_noop("Reminders for my progress checks"),
};

export async function preferences() {
  const { data } = await api("me/preferences/");
  const optIn = h("input", { type: "checkbox", id: "pref-opt-in", checked: data.email_opt_in });
  const kinds = Object.keys(KIND_LABELS).map((kind) => {
    const id = `mute-${kind}`;
    const input = h("input", { type: "checkbox", id, value: kind, checked: !data.muted_kinds.includes(kind) });
    return h("div", { class: "check" }, input, h("label", { for: id }, _(KIND_LABELS[kind])));
  });
  const start = h("input", { type: "time", id: "quiet-start", value: data.quiet_hours_start ? data.quiet_hours_start.slice(0, 5) : "" });
  const end = h("input", { type: "time", id: "quiet-end", value: data.quiet_hours_end ? data.quiet_hours_end.slice(0, 5) : "" });
  const status = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card", novalidate: true },
    h("div", { class: "check" }, optIn, h("label", { for: optIn.id }, _("Send me emails from my clinic"))),
    h("fieldset", { class: "group" }, h("legend", {}, _("Which emails")), kinds),
    h("fieldset", { class: "group" }, h("legend", {}, _("Quiet hours")),
      h("p", { class: "hint" }, _("No emails between these times (your time zone). Leave both empty for none.")),
      field(_("From"), start), field(_("Until"), end)),
    status,
    h("button", { type: "submit", class: "btn btn-primary" }, _("Save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (Boolean(start.value) !== Boolean(end.value)) {
      status.replaceChildren(alertBox(_("Give both times, or neither.")));
      return;
    }
    const body = {
      email_opt_in: optIn.checked,
      muted_kinds: kinds.map((k) => k.querySelector("input")).filter((i) => !i.checked).map((i) => i.value),
      quiet_hours_start: start.value || null,
      quiet_hours_end: end.value || null,
    };
    try {
      await api("me/preferences/", { method: "PATCH", body });
      status.replaceChildren(alertBox(_("Saved."), "success"));
    } catch (e) {
      if (e instanceof ApiError) {
        showFieldError(start, (e.fields.quiet_hours_start || []).join(" "));
        showFieldError(end, (e.fields.quiet_hours_end || []).join(" "));
      }
      status.replaceChildren(alertBox(problem(e)));
    }
  });
  screen(_("Emails and quiet hours"), form);
}

// The access log's words (role, action, what was looked at), for translation.
const ACCESS_WORDS = {
  physiotherapist: gettext_noop("physiotherapist"), admin: gettext_noop("clinic admin"),
  view: gettext_noop("viewed"), list: gettext_noop("listed"), create: gettext_noop("added"),
  update: gettext_noop("changed"), delete: gettext_noop("deleted"), export: gettext_noop("exported"),
  patient: gettext_noop("your profile"), episode: gettext_noop("your diary"), intake: gettext_noop("your screening"),
  program: gettext_noop("your exercises"), note: gettext_noop("a note"), escalation: gettext_noop("an alert"),
};

// --- my data -------------------------------------------------------------------------------------

export async function myData() {
  const status = h("div", { "aria-live": "polite" });
  const save = (path) => async () => {
    status.replaceChildren(alertBox(_("Preparing your file…"), "info"));
    try {
      const { blob, name } = await download(path);
      const url = URL.createObjectURL(blob);
      const a = h("a", { href: url, download: name, class: "visually-hidden" }, name);
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      status.replaceChildren(alertBox(fmt(_("Downloaded %(name)s."), { name }), "success"));
    } catch (e) {
      status.replaceChildren(alertBox(problem(e)));
    }
  };
  const log = h("div", {}, h("p", {}, _("Loading…")));
  screen(_("My data"),
    h("div", { class: "card" }, h("h2", {}, _("Download everything")),
      h("p", {}, _("Your screening answers, diary, exercises and settings, as one file.")),
      button(_("Download (JSON)"), save("me/export/"), "btn btn-primary"),
      button(_("Download for another health service (FHIR)"), save("me/export/fhir/"), "btn"),
      status),
    h("div", { class: "card" }, h("h2", {}, _("Who viewed my record")), log));
  try {
    const { data } = await api("me/access-log/?page_size=50");
    const rows = data.results || [];
    log.replaceChildren(rows.length
      ? h("ul", { class: "list" }, rows.map((r) => h("li", {}, h("strong", {}, r.name), ` (${_(ACCESS_WORDS[r.role] || r.role)}) `, _(ACCESS_WORDS[r.action] || r.action), " ", _(ACCESS_WORDS[r.data] || r.data), h("br"), h("span", { class: "muted" }, when(r.at)))))
      : h("p", {}, _("No one at the clinic has opened your record yet.")));
  } catch (e) {
    log.replaceChildren(alertBox(problem(e), "info"));
  }
}

// --- more -----------------------------------------------------------------------------------------

export async function more() {
  const me = await profile();
  const clinic = clinicOf(me);
  const links = [
    ["#/screening", gettext_noop("Screening questions")],
    ["#/progress-check", gettext_noop("Progress check")],
    ["#/my-progress", gettext_noop("My progress")],
    ["#/exercises/adherence", gettext_noop("How I am keeping up")],
    ["#/diary/summary", gettext_noop("My spasm charts")],
    ["#/preferences", gettext_noop("Emails and quiet hours")],
    ["#/my-data", gettext_noop("My data")],
  ];
  screen(_("More"),
    h("ul", { class: "menu" }, links.map(([href, label]) => h("li", {}, link(_(label), href, "menu-item")))),
    clinic.name ? h("div", { class: "card" }, h("h2", {}, clinic.name),
      clinic.address ? h("p", {}, clinic.address) : null,
      clinic.phone ? link(fmt(_("Call %(phone)s"), { phone: clinic.phone }), `tel:${clinic.phone.replace(/[^\d+]/g, "")}`, "btn") : null) : null,
    me ? h("p", { class: "muted" }, fmt(_("Signed in as %(email)s"), { email: me.email })) : null,
    link(_("Sign out"), "#/signout", "btn btn-danger"));
}
