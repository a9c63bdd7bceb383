// Risk and MARAC: the record's risk and MARAC sections, the risk checklist (DASH order),
// and a MARAC referral or its update.
import type { RiskAnswer } from "../bindings/RiskAnswer";
import { ClientOverview, ClientDetails, MaracAction, RiskForm } from "../api";
import { type DateInput, dateInput } from "../dateinput";
import { at, button, checkbox, errorSummary, field, h, radios } from "../dom";
import { keepDraft, riskDraft } from "../drafts";
import { draftContext, keepForm } from "../formdraft";
import { cancelKept, formScreen } from "../formpage";
import { checkAnswers, type MaracAnswers, maracSummary, problems, showProblems } from "../forms";
import { main, message, riskTag, say, show } from "../frame";
import { longDate, runningScore, shortDate, todayIso, vocabulary } from "../logic";
import { go, type Routes } from "../router";
import * as commands from "../commands";

/** A checklist question's answers (the core's `RiskAnswer`). */
const RISK_ANSWERS = vocabulary<RiskAnswer>({ yes: "Yes", no: "No", not_known: "Not known" });

const CRITERIA: Record<string, string> = {
  visible_high_risk: "visible high risk",
  professional_judgement: "professional judgement",
  potential_escalation: "potential escalation",
};

const criteriaText = (c: string[]) => (c.length ? c.map((x) => CRITERIA[x] ?? x).join(", ") : "none");

export function riskSection(risk: ClientOverview["risk"], latest: ClientOverview["risk"][number] | null): Node[] {
  const history = [...risk].reverse();
  const nodes: Array<Node | null> = [
    h("h2", {}, "Risk"),
    h("p", { id: "risk-latest" }, latest ? `Latest: ${latest.score} of 24 on ${longDate(latest.date)} · ${latest.level} · MARAC criteria met: ${criteriaText(latest.criteria_met)}` : "No risk assessment recorded."),
    history.length
      ? h(
          "table",
          { class: "table" },
          h("caption", { class: "visually-hidden" }, "Risk assessments, newest first"),
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Date"), h("th", { scope: "col" }, "Score"), h("th", { scope: "col" }, "Level"), h("th", { scope: "col" }, "Criteria met"), h("th", { scope: "col" }, "By"))),
          h("tbody", {}, ...history.map((r) => h("tr", {}, h("td", {}, shortDate(r.date)), h("td", {}, `${r.score} of 24`), h("td", {}, riskTag(r.level)), h("td", {}, criteriaText(r.criteria_met)), h("td", {}, r.assessed_by)))),
        )
      : null,
  ];
  return nodes.filter((n): n is Node => n !== null);
}

export function maracSection(rec: ClientDetails): Node[] {
  const refs = [...rec.marac].reverse();
  return [
    h("h2", {}, "MARAC"),
    h("div", { class: "button-group" }, button("Refer to MARAC", () => void go({ to: "marac", rec, referral: null }), "secondary")),
    ...(refs.length === 0
      ? [h("p", {}, "No referral recorded.")]
      : refs.map((m) =>
          h(
            "div",
            { class: "card" },
            h("h3", {}, `Referral ${m.referral} · ${longDate(m.referred_on)}${m.repeat ? " · REPEAT (within 12 months of the last)" : ""}`),
            h(
              "dl",
              { class: "summary" },
              ...(
                [
                  ["Reason", m.reason],
                  ["Criteria met", `${criteriaText(m.criteria_met)} (score ${m.score} of 24, assessment of ${m.assessment_date})`],
                  ["Meeting", m.meeting_date ? longDate(m.meeting_date) : "not yet set"],
                  ["Agencies present", m.agencies_present.join(", ") || "not recorded"],
                  ["Referred by", m.referred_by],
                ] as Array<[string, string]>
              ).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
            ),
            m.actions.length
              ? h(
                  "table",
                  { class: "table" },
                  h("caption", {}, `Actions for referral ${m.referral}`),
                  h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Agency"), h("th", { scope: "col" }, "Owner"), h("th", { scope: "col" }, "Action"), h("th", { scope: "col" }, "Due"), h("th", { scope: "col" }, "Done"))),
                  h("tbody", {}, ...m.actions.map((a) => h("tr", {}, h("td", {}, a.agency), h("td", {}, a.owner), h("td", {}, a.description ?? ""), h("td", {}, shortDate(a.due)), h("td", {}, a.done ? "done" : "open")))),
                )
              : null,
            button(`Update referral ${m.referral}`, () => void go({ to: "marac", rec, referral: m.referral }), "secondary"),
          ),
        )),
  ];
}

async function riskForm(rec: { id: number; case_reference: string; initials: string }, restore?: Record<string, unknown>) {
  let form: RiskForm;
  try {
    form = await commands.risk_form();
  } catch (e) {
    return show(errorSummary(message(e)));
  }
  const cfg = form.settings.risk;
  const errors = h("div", {});
  const date = dateInput({ label: "Date of the assessment", required: true, past: "today", today: todayIso(), value: todayIso(), path: "risk[0].date" });
  const answers: Array<RiskAnswer | null> = form.questions.map(() => null);
  const live = h("p", { class: "running-score", id: "running-score", role: "status", "aria-live": "polite" });
  const judgement = checkbox("Professional judgement: I believe this person is at high risk whatever the score");
  const reason = h("textarea", { rows: "3" }) as HTMLTextAreaElement;
  const incidents = h("input", { type: "number", min: "0", max: "1000", inputmode: "numeric" }) as HTMLInputElement;
  const incidentCount = () => (incidents.value.trim() === "" ? null : Number(incidents.value));
  const update = () => {
    const r = runningScore(answers, judgement.input.checked, incidentCount(), cfg);
    live.textContent = `Score: ${r.score} of 24 · ${r.level} · MARAC criteria met: ${r.criteria.length ? r.criteria.join(", ") : "none"}${r.unanswered ? ` · ${r.unanswered} not yet answered` : ""}`;
  };
  const questions = form.questions.map((q, i) => {
    const name = `q${i + 1}`;
    const inputs = RISK_ANSWERS.map(([value, label]) => {
      const input = h("input", { type: "radio", name, value, id: `${name}-${value}` }) as HTMLInputElement;
      input.addEventListener("change", () => {
        answers[i] = value;
        update();
      });
      return h("div", { class: "radio inline" }, input, h("label", { for: input.id }, label));
    });
    return h("fieldset", { class: "fieldset question", "data-path": i === 0 ? "risk[0].answers" : undefined }, h("legend", {}, `${i + 1}. ${q}`), ...inputs);
  });
  const reasonField = at("risk[0].judgement_reason", field("Reason for your professional judgement", reason, "Required if you tick professional judgement."));
  const incidentsField = at("risk[0].police_incidents_12m", field("Police-reported incidents in the last 12 months", incidents, "Leave empty if not known."));
  judgement.input.addEventListener("change", update);
  incidents.addEventListener("input", update);
  if (restore) {
    const d = riskDraft(restore, questions.length);
    if (d.date) date.set(d.date);
    d.answers.forEach((a, i) => {
      const input = a ? questions[i]?.querySelector<HTMLInputElement>(`input[value="${a}"]`) : null;
      if (input) {
        input.checked = true;
        answers[i] = a;
      }
    });
    judgement.input.checked = d.judgement;
    reason.value = d.reason;
    incidents.value = d.incidents;
  }
  update();
  const kept = keepDraft("risk_checklist", rec.id, [date.el, ...questions, judgement.el, reason, incidents], () => ({
    date: date.value,
    answers,
    professional_judgement: judgement.input.checked,
    judgement_reason: reason.value,
    police_incidents_12m: incidents.value,
  }));
  const save = async () => {
    const n = incidentCount();
    const gaps = [
      ...[date.problem()].filter((p) => p !== null),
      ...problems<HTMLElement>(questions.map((q, i) => [answers[i] !== null, q, `Answer question ${i + 1} (Not known is an answer)`])),
      ...problems<HTMLElement>([
        [!judgement.input.checked || !!reason.value.trim(), reasonField, "Enter the reason for your professional judgement"],
        [n === null || (Number.isInteger(n) && n >= 0 && n <= 1000), incidentsField, "Enter the number of police-reported incidents as a whole number, like 3"],
      ]),
    ];
    if (showProblems(errors, main, gaps)) return;
    const entry: Record<string, unknown> = { date: date.value, answers, professional_judgement: judgement.input.checked };
    if (reason.value.trim()) entry.judgement_reason = reason.value;
    if (incidentCount() !== null) entry.police_incidents_12m = incidentCount();
    try {
      await commands.update_client({ id: rec.id, patch: { risk: [entry] } });
      await kept.done();
      await go({ to: "client", id: rec.id });
      say("Risk assessment saved.");
    } catch (e) {
      errors.replaceChildren(errorSummary(message(e)));
    }
  };
  formScreen({
    client: rec,
    title: `Risk checklist for ${rec.case_reference}`,
    errors,
    form: [
      h("p", { class: "hint" }, `24 questions in the order of the SafeLives DASH checklist, in our own words. Ask them as written. This vault refers to MARAC at ${cfg.marac_score} or more yes answers, on professional judgement, or at ${cfg.escalation_incidents} or more police-reported incidents in 12 months.`),
      date.el,
      live,
      ...questions,
      judgement.el,
      reasonField,
      incidentsField,
    ],
    actions: [button("Save the assessment", () => void save()), button("Cancel", () => void kept.done().then(() => go({ to: "client", id: rec.id })), "secondary")],
    sticky: true,
  }).render();
}

function maracForm(rec: ClientDetails, referral: number | null, restore?: Record<string, unknown>) {
  const errors = h("div", {});
  const existing = referral === null ? null : rec.marac.find((m) => m.referral === referral) ?? null;
  const referredOn = dateInput({ label: "Date of referral", required: true, past: "today", today: todayIso(), value: todayIso(), path: "referred_on" });
  const reason = h("textarea", { rows: "3" }) as HTMLTextAreaElement;
  if (existing) reason.value = existing.reason;
  const meeting = dateInput({ label: "Meeting date", value: existing?.meeting_date ?? "", path: "meeting_date", hint: "If it is set. For example, 12 4 2027" });
  const agencies = h("textarea", { rows: "3" }) as HTMLTextAreaElement;
  agencies.value = existing?.agencies_present.join("\n") ?? "";
  const actionRows: Array<{ agency: HTMLInputElement; owner: HTMLInputElement; description: HTMLInputElement; due: DateInput; done: HTMLInputElement; el: HTMLElement }> = [];
  const actionsBox = h("div", {});
  const addAction = (a?: MaracAction) => {
    const n = actionRows.length + 1;
    const text = (v?: string) => h("input", { type: "text", autocomplete: "off", value: v ?? "" }) as HTMLInputElement;
    const row: (typeof actionRows)[number] = { agency: text(a?.agency), owner: text(a?.owner), description: text(a?.description), due: dateInput({ label: `Due date for action ${n}`, value: a?.due ?? "", hint: "For example, 12 4 2027" }), done: checkbox("Done", a?.done ?? false).input, el: h("div", {}) };
    const doneBox = row.done.parentElement ?? h("div", {});
    row.el = h("fieldset", { class: "fieldset" }, h("legend", {}, `Action ${n}`), at(`actions[${n - 1}].agency`, field("Agency", row.agency)), at(`actions[${n - 1}].owner`, field("Owner", row.owner)), at(`actions[${n - 1}].description`, field("What is to be done", row.description)), at(`actions[${n - 1}].due`, row.due.el), doneBox);
    actionRows.push(row);
    actionsBox.append(row.el);
  };
  existing?.actions.forEach((a) => addAction(a));
  const referredOnField = referredOn.el;
  const reasonField = at("reason", field("Reason for referral", reason));
  const meetingField = meeting.el;
  const agenciesField = at("agencies_present[0]", field("Agencies present", agencies, "One per line."));
  // Asked with no answer chosen; for an earlier referral only when it does not hold one.
  const askAware = !existing || existing.victim_aware === undefined;
  const aware = radios("Does the person know about this referral?", "victim-aware", [["yes", "Yes, they know"], ["no", "No, they do not know"]]);
  aware.el.id = "victim-aware";
  aware.el.dataset.path = "victim_aware";
  const actionsSection = h("div", {}, h("h2", {}, "Actions"), actionsBox, button("Add an action", () => addAction(), "secondary"));
  const form = h("div", { id: "marac-form" },
    existing ? null : h("p", { class: "hint" }, "The referral records the criteria met by the latest risk assessment on or before the referral date."),
    existing ? null : referredOnField,
    reasonField,
    askAware ? aware.el : null,
    meetingField,
    agenciesField,
    actionsSection);
  // A draft's action rows are made again before its answers are put back.
  const rowsKept = draftContext(restore).actions;
  while (typeof rowsKept === "number" && actionRows.length < Math.min(rowsKept, 50)) addAction();
  const kept = keepForm("marac", rec.id, form, restore, () => ({ referral, actions: actionRows.length }));
  const page = formScreen({
    client: rec,
    title: existing ? `Referral ${existing.referral} for ${rec.case_reference}` : `Refer ${rec.case_reference} to MARAC`,
    errors,
    form: [form],
    actions: [button("Continue", () => review()), button("Cancel", cancelKept(kept, rec.id), "secondary")],
  });
  const review = () => {
    const rows = actionRows.filter(actionStarted);
    const gaps = [
      ...(existing ? [] : [referredOn.problem()]).filter((p) => p !== null),
      ...problems<HTMLElement>([[!!reason.value.trim(), reasonField, "Enter the reason for the referral"]]),
      ...[meeting.problem()].filter((p) => p !== null),
      ...rows.flatMap((r, i) => [
        ...problems<HTMLElement>([
          [!!r.agency.value.trim(), r.agency.parentElement ?? r.el, `Action ${i + 1}: enter the agency`],
          [!!r.owner.value.trim(), r.owner.parentElement ?? r.el, `Action ${i + 1}: enter who owns it`],
        ]),
        ...[r.due.problem() ?? (r.due.value ? null : { field: r.due.el, message: `Action ${i + 1}: enter the due date`, target: r.due.day })].filter((p) => p !== null),
      ]),
      ...problems<HTMLElement>([[!!existing || !!aware.value(), aware.el, "Say whether the person knows about this referral."]]),
    ];
    if (showProblems(errors, form, gaps)) return;
    const body = referralBody();
    show(...checkAnswers({
      client: rec,
      title: existing ? `Check your answers before signing the update to referral ${existing.referral}` : "Check your answers before signing the referral",
      rows: maracSummary(
        {
          referredOn: existing ? null : longDate(referredOn.value),
          reason: reason.value,
          meeting: longDate(meeting.value),
          agencies: agencies.value.split("\n").map((x) => x.trim()).filter(Boolean),
          actions: (body.actions as MaracAnswers["actions"] | undefined) ?? [],
          aware: askAware ? aware.value() : null,
        },
        { referredOn: referredOnField, reason: reasonField, meeting: meetingField, agencies: agenciesField, actions: actionsSection, aware: aware.el },
      ),
      note: "Signing records the referral in the signed log.",
      change: page.change,
      cancel: cancelKept(kept, rec.id),
      confirm: (box) => save(body, box),
    }));
  };
  const actionStarted = (r: (typeof actionRows)[number]) => !!(r.agency.value.trim() || r.owner.value.trim() || r.description.value.trim() || r.due.day.value.trim() || r.due.month.value.trim() || r.due.year.value.trim());
  const referralBody = () => {
    const body: Record<string, unknown> = {};
    if (existing) {
      body.referral = existing.referral;
      if (reason.value.trim() !== existing.reason) body.reason = reason.value;
    } else {
      body.referred_on = referredOn.value;
      body.reason = reason.value;
    }
    if (askAware && aware.value()) body.victim_aware = aware.value() === "yes";
    if (existing || meeting.value) body.meeting_date = meeting.value || null;
    if (existing || agencies.value.trim()) body.agencies_present = agencies.value.split("\n").map((x) => x.trim()).filter(Boolean);
    if (existing || actionRows.length) {
      body.actions = actionRows
        .filter(actionStarted)
        .map((r) => ({ agency: r.agency.value, owner: r.owner.value, description: r.description.value.trim() || undefined, due: r.due.value, done: r.done.checked }));
    }
    return body;
  };
  const save = (body: Record<string, unknown>, box: HTMLElement) =>
    page.sign(box, async () => {
      const out = await commands.record_marac({ client: rec.id, referral: body });
      await kept.done();
      await go({ to: "client", id: rec.id });
      say(existing ? `Referral ${out.referral} updated.` : `Referral ${out.referral} recorded${out.repeat ? " (a repeat referral)" : ""}. Criteria met: ${criteriaText(out.criteria_met)}.`);
    });
  page.render();
}

export const routes: Routes<"risk" | "marac"> = {
  risk: (r) => riskForm(r.rec, r.restore),
  marac: (r) => maracForm(r.rec, r.referral, r.restore),
};
