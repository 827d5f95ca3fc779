// The app's entry: language, session, routes and the bottom navigation.
import { api, ApiError, OfflineError, SignedOut, acceptInvitation, hasSession, invitationInfo, signIn, signOut } from "./api.js";
import { kv } from "./store.js";
import { drain, onChange, waiting } from "./sync.js";
import { _, alertBox, button, field, fmt, gettext_noop, h, link, screen, showFieldError } from "./ui.js";
import * as screens from "./screens.js";
import * as diary from "./diary.js";
import * as exercises from "./exercises.js";

const LANGUAGES = ["en", "es"];
let invitationToken = null;

function loadCatalogue(lang) {
  return new Promise((resolve) => {
    const old = document.getElementById("catalogue");
    if (old && old.dataset.lang === lang) { resolve(); return; }
    const script = document.createElement("script");
    script.id = "catalogue";
    script.dataset.lang = lang;
    script.src = `/app/jsi18n/${lang}/`;
    script.onload = script.onerror = () => resolve();
    if (old) old.remove();
    document.head.append(script);
    document.documentElement.lang = lang;
  });
}

function pickLanguage(preferred) {
  const wanted = [preferred, ...(navigator.languages || [navigator.language])].filter(Boolean);
  for (const tag of wanted) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return "en";
}

export async function profile() {
  return kv.get("me");
}

// The profile, the clinic's numbers and the diary's words are kept on the device so the
// app works (and gives the right emergency number) with no network.
export async function refreshProfile() {
  const [{ data: me }, { data: vocabulary }] = await Promise.all([api("me/"), api("episodes/vocabulary/")]);
  if (me.role !== "patient") {
    await signOut();
    throw new ApiError(403, { error: { message: _("This app is for patients. Clinic staff use the dashboard.") } });
  }
  await kv.set("me", me);
  await kv.set("vocabulary", vocabulary);
  const lang = pickLanguage(me.language || (me.patient && me.patient.language));
  if (lang !== document.documentElement.lang) { await kv.set("lang", lang); await loadCatalogue(lang); }
  renderChrome();
  return me;
}

export function clinicOf(me) {
  // GET me/ gives the patient's clinic with its country's emergency number and same-day route.
  return (me && me.patient && me.patient.clinic) || {};
}

// --- chrome ----------------------------------------------------------------------------------

const NAV = [
  ["#/home", gettext_noop("Today")],
  ["#/diary", gettext_noop("Diary")],
  ["#/exercises", gettext_noop("Exercises")],
  ["#/more", gettext_noop("More")],
];

async function renderChrome() {
  const nav = document.getElementById("nav");
  const signedIn = await hasSession();
  nav.hidden = !signedIn;
  nav.replaceChildren(h("ul", {}, NAV.map(([href, label]) => h("li", {},
    h("a", { href, "data-nav": href }, _(label))))));
  markNav();
  const me = signedIn ? await profile() : null;
  document.getElementById("brand").textContent = (me && clinicOf(me).name) || _("Back care");
  await renderQueueBadge();
}

function markNav() {
  const route = location.hash.split("/").slice(0, 2).join("/") || "#/home";
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.dataset.nav === route) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

async function renderQueueBadge() {
  const box = document.getElementById("queue-status");
  const items = await waiting().catch(() => []);
  const pending = items.filter((i) => i.state === "waiting").length;
  const rejected = items.length - pending;
  box.replaceChildren();
  box.hidden = !items.length && navigator.onLine;
  if (!navigator.onLine) box.append(h("span", {}, _("Offline: what you record is kept on this phone.")), " ");
  if (pending) box.append(h("span", {}, fmt(_("%(n)s waiting to be sent"), { n: pending })), " ");
  if (rejected) box.append(h("a", { href: "#/diary" }, fmt(_("%(n)s not accepted: please check"), { n: rejected })));
}

// --- sign in, invitation, sign out -------------------------------------------------------------

function signInScreen(message) {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true, inputmode: "email" });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const status = h("div", { "aria-live": "polite" }, message ? alertBox(message, "info") : null);
  const form = h("form", { class: "card", novalidate: true },
    status,
    field(_("Email"), email),
    field(_("Password"), password),
    h("button", { type: "submit", class: "btn btn-primary" }, _("Sign in")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showFieldError(email, email.value ? "" : _("Enter your email address."));
    showFieldError(password, password.value ? "" : _("Enter your password."));
    if (!email.value || !password.value) return;
    status.replaceChildren(alertBox(_("Signing in…"), "info"));
    try {
      await signIn(email.value.trim(), password.value);
      await refreshProfile();
      location.hash = "#/home";
    } catch (e) {
      status.replaceChildren(alertBox(problem(e, _("Wrong email or password."))));
    }
  });
  screen(_("Sign in"),
    h("p", {}, _("Sign in with the email address your clinic has and the password you chose.")),
    form,
    h("p", { class: "hint" }, _("New here? Open the invitation link your clinic emailed you.")));
}

export function problem(e, fallback) {
  if (e instanceof OfflineError) return _("No connection. Please try again when you are online.");
  if (e instanceof ApiError && e.status === 429) return _("Too many attempts. Please wait a few minutes.");
  if (e instanceof ApiError && e.status >= 500) return _("Something went wrong on our side. Please try again.");
  if (e instanceof ApiError && e.status === 401) return fallback || _("Please sign in again.");
  return (e && e.message) || fallback;
}

async function invitationScreen() {
  const status = h("div", { "aria-live": "polite" });
  screen(_("Welcome"), status);
  let who;
  try {
    who = await invitationInfo(invitationToken);
  } catch (e) {
    invitationToken = null;
    screen(_("This link no longer works"),
      alertBox(e instanceof ApiError ? _("The invitation is invalid, has already been used or has expired. Please ask your clinic to send a new one.") : problem(e)),
      link(_("Sign in"), "#/signin", "btn btn-primary"));
    return;
  }
  const password1 = h("input", { type: "password", autocomplete: "new-password", required: true, minlength: "8" });
  const password2 = h("input", { type: "password", autocomplete: "new-password", required: true });
  const form = h("form", { class: "card", novalidate: true },
    h("input", { type: "email", autocomplete: "username", value: who.email, readonly: true, hidden: true, "aria-hidden": "true", tabindex: "-1" }),
    status,
    field(_("Choose a password"), password1, _("At least 8 characters, not only numbers.")),
    field(_("Password again"), password2),
    h("button", { type: "submit", class: "btn btn-primary" }, _("Set password and open the app")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showFieldError(password1, password1.value.length >= 8 ? "" : _("At least 8 characters."));
    showFieldError(password2, password1.value === password2.value ? "" : _("The two passwords differ."));
    if (password1.value.length < 8 || password1.value !== password2.value) return;
    try {
      await acceptInvitation(invitationToken, password1.value);
      invitationToken = null;
      await refreshProfile();
      location.hash = "#/home";
    } catch (e) {
      if (e instanceof ApiError && e.fields.password) showFieldError(password1, e.fields.password.join(" "));
      else status.replaceChildren(alertBox(problem(e)));
    }
  });
  screen(fmt(_("Welcome, %(name)s"), { name: who.first_name }),
    h("p", {}, fmt(_("%(clinic)s invited you to their app. You will sign in with %(email)s."), { clinic: who.clinic_name, email: who.email })),
    form);
}

async function signOutScreen() {
  const items = await waiting();
  const pending = items.length;
  screen(_("Sign out"),
    h("p", {}, _("Signing out removes your diary, exercises and everything else of yours from this phone. Your clinic keeps your record.")),
    pending ? alertBox(fmt(_("%(n)s entries have not been sent yet. If you sign out now they are lost. Connect to the internet first to keep them."), { n: pending }), "warning") : null,
    button(_("Sign out and remove my data from this phone"), async () => {
      await signOut();
      await renderChrome();
      location.hash = "#/signin";
      signInScreen(_("You are signed out. Nothing of yours is left on this phone."));
    }, "btn btn-danger"),
    link(_("Cancel"), "#/more", "btn"));
}

// --- routes ------------------------------------------------------------------------------------

const ROUTES = [
  [/^#\/home$/, () => screens.home()],
  [/^#\/screening$/, () => screens.screening()],
  [/^#\/screening\/result$/, () => screens.screeningResult()],
  [/^#\/progress-check$/, () => screens.progressCheck()],
  [/^#\/my-progress$/, () => screens.myProgress()],
  [/^#\/preferences$/, () => screens.preferences()],
  [/^#\/my-data$/, () => screens.myData()],
  [/^#\/more$/, () => screens.more()],
  [/^#\/signout$/, () => signOutScreen()],
  [/^#\/diary$/, () => diary.list()],
  [/^#\/diary\/new$/, () => diary.form()],
  [/^#\/diary\/summary$/, () => diary.summary()],
  [/^#\/diary\/advice\/([\w-]+)$/, (m) => diary.advice(m[1])],
  [/^#\/diary\/([\w-]+)$/, (m) => diary.form(m[1])],
  [/^#\/exercises$/, () => exercises.today()],
  [/^#\/exercises\/log$/, () => exercises.log()],
  [/^#\/exercises\/adherence$/, () => exercises.adherence()],
];

async function route() {
  const hash = location.hash || "#/home";
  // An invitation link: /app/#invitation=<token>. The token is read, then removed from the
  // address bar and history at once (a fragment never reaches a server or its logs).
  const invite = /^#invitation=([\w-]+)$/.exec(hash);
  if (invite) {
    invitationToken = invite[1];
    history.replaceState(null, "", `${location.pathname}#/invitation`);
    await invitationScreen();
    return;
  }
  if (hash === "#/invitation" && invitationToken) { await invitationScreen(); return; }
  if (!(await hasSession())) {
    await renderChrome();
    signInScreen();
    return;
  }
  markNav();
  for (const [pattern, show] of ROUTES) {
    const match = pattern.exec(hash);
    if (match) {
      try {
        await show(match);
      } catch (e) {
        if (e instanceof SignedOut) { await renderChrome(); signInScreen(_("Please sign in again.")); return; }
        console.error(e);
        screen(_("Something went wrong"), alertBox(problem(e, _("Please try again."))), link(_("Back to Today"), "#/home", "btn"));
      }
      return;
    }
  }
  location.hash = "#/home";
}

async function boot() {
  const stored = await kv.get("lang").catch(() => null);
  await loadCatalogue(pickLanguage(stored));
  await renderChrome();
  window.addEventListener("hashchange", route);
  window.addEventListener("online", renderQueueBadge);
  window.addEventListener("offline", renderQueueBadge);
  onChange(() => { renderQueueBadge(); });
  await route();
  if (await hasSession()) {
    drain();
    if (navigator.onLine) refreshProfile().catch(() => {});
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch((e) => console.warn("service worker", e));
  }
}

boot();
