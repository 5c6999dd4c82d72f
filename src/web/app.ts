// The change-password page's script, run in the browser. Bundled by
// src/web/page.ts; talks gRPC-Web to the service with Connect's web transport.
// Everything it says about the policy it reads from the service, for the
// signed-in user, each time it matters: nothing is baked in at start.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import {
  BreachedCheck,
  type GetMyPasswordPolicyResponse,
  LengthUnit,
  PasswordService,
  Profile,
} from "../../gen/passwordservice/v1/password_service_pb.js";
import { AuthService } from "../../gen/zitadel/auth_pb.js";
import { CredentialsCheckErrorSchema, ErrorDetailSchema } from "../../gen/zitadel/message_pb.js";
import { ID } from "../core/errors.js";
import { explain, type PolicyFacts } from "./explanations.js";

interface Settings {
  /** Origins besides the page's own that the operator allows it to call. */
  apiOrigins: string[];
}

/** One rule shown to the user, and the error IDs that say it is not met. */
interface Rule {
  text: string;
  ids: string[];
}

/** How long typing must pause before the new password is checked, or the token is read. */
const TYPING_PAUSE_MS = 300;

const settings = JSON.parse(document.getElementById("settings")!.textContent!) as Settings;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let policy: GetMyPasswordPolicyResponse["policy"];
let rules: Rule[] = [];
let validateTimer: ReturnType<typeof setTimeout> | undefined;
let tokenTimer: ReturnType<typeof setTimeout> | undefined;
/** Bumped by each check, so that a slow answer never overwrites a newer one. */
let validation = 0;

function init(): void {
  // The page sends passwords only to its own origin, or to one the operator
  // listed: nothing in its URL can change where they go.
  const api = $<HTMLSelectElement>("api");
  for (const origin of [location.origin, ...settings.apiOrigins]) api.add(new Option(origin, origin));
  $("api-choice").hidden = settings.apiOrigins.length === 0;
  $("token").addEventListener("input", () => {
    // The rules shown belong to the token that was there: none until the new one's are read.
    forgetPolicy();
    clearTimeout(tokenTimer);
    tokenTimer = setTimeout(() => void loadPolicy(), TYPING_PAUSE_MS);
  });
  api.addEventListener("change", () => void loadPolicy());
  // The policy may have changed since it was read: read it again when the user comes back to the field.
  $("new-password").addEventListener("focus", () => void loadPolicy());
  $("new-password").addEventListener("input", () => {
    clearTimeout(validateTimer);
    validateTimer = setTimeout(() => void validateNow(), TYPING_PAUSE_MS);
  });
  $<HTMLFormElement>("change-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void submit();
  });
}

const token = () => $<HTMLTextAreaElement>("token").value.trim().replace(/^Bearer\s+/i, "");
const transport = () => createGrpcWebTransport({ baseUrl: $<HTMLSelectElement>("api").value });
const callOptions = () => ({ headers: { authorization: `Bearer ${token()}` } });

function forgetPolicy(): void {
  policy = undefined;
  rules = [];
  $<HTMLInputElement>("username").value = "";
  $("rules").replaceChildren();
  $("rules-status").textContent = "";
}

/** Reads the signed-in user's policy and lists its rules. */
async function loadPolicy(): Promise<void> {
  if (!token()) return;
  try {
    const res = await createClient(PasswordService, transport()).getMyPasswordPolicy({}, callOptions());
    policy = res.policy;
    $<HTMLInputElement>("username").value = res.username;
    rules = policy ? rulesOf(policy) : [];
    renderRules(undefined);
    if ($<HTMLInputElement>("new-password").value) await validateNow();
  } catch (err) {
    forgetPolicy();
    $("rules").replaceChildren(item(explainError(ConnectError.from(err)).join(" "), "unmet"));
  }
}

/** The rules a change will check, in words, under either profile. */
function rulesOf(p: NonNullable<typeof policy>): Rule[] {
  const unit = p.lengthUnit === LengthUnit.UTF8_BYTES ? "bytes" : "characters";
  const list: Rule[] = [{ text: `From ${p.minLength} to ${p.maxLength} ${unit} long`, ids: [ID.tooShort, ID.tooLong] }];
  // Under the nist profile there are no character classes to speak of.
  if (p.profile === Profile.ZITADEL) {
    if (p.requiresLowercase) list.push({ text: "A lower-case letter (a to z)", ids: [ID.noLowercase] });
    if (p.requiresUppercase) list.push({ text: "An upper-case letter (A to Z)", ids: [ID.noUppercase] });
    if (p.requiresNumber) list.push({ text: "A digit (0 to 9)", ids: [ID.noNumber] });
    if (p.requiresSymbol) list.push({ text: "A symbol, such as ! # or -", ids: [ID.noSymbol] });
  }
  if (p.blocklist) {
    list.push({ text: "Not a common password", ids: [ID.tooCommon] });
    list.push({ text: `Without your username or organisation name (${p.contextWords.join(", ")})`, ids: [ID.containsContextWord] });
  }
  if (p.breachedCheck === BreachedCheck.FAIL_OPEN || p.breachedCheck === BreachedCheck.FAIL_CLOSED) list.push({ text: "Not found in a known data breach", ids: [ID.breached, ID.breachedCheckUnavailable] });
  if (p.historyCount > 0) list.push({ text: `Not one of your last ${p.historyCount} passwords (checked when you submit)`, ids: [ID.usedBefore] });
  return list;
}

/** Checks the new password as typed and marks each rule met or not. */
async function validateNow(): Promise<void> {
  const newPassword = $<HTMLInputElement>("new-password").value;
  const mine = ++validation;
  if (!policy || !newPassword) return renderRules(undefined);
  try {
    const res = await createClient(PasswordService, transport()).validateMyNewPassword({ newPassword }, callOptions());
    if (mine === validation) renderRules(res.violations.map((v) => v.id));
  } catch (err) {
    // Checking while typing is a help, not a gate: a refusal (too many checks) only pauses it.
    if (mine === validation) $("rules-status").textContent = explainError(ConnectError.from(err)).join(" ");
  }
}

/** Marks the rules; `violations` undefined: nothing typed yet. Violations of no listed rule are added below them. */
function renderRules(violations: string[] | undefined): void {
  $("rules-status").textContent = "";
  const items = rules.map((rule) => {
    const state = violations === undefined || rule.ids.includes(ID.usedBefore) ? "" : rule.ids.some((id) => violations.includes(id)) ? "unmet" : "met";
    return item(rule.text, state);
  });
  const listed = new Set(rules.flatMap((r) => r.ids));
  for (const id of violations ?? []) {
    if (!listed.has(id)) items.push(item(explain(id, Code.InvalidArgument, "", situation(0)).join(" "), "unmet"));
  }
  if (policy && policy.maxPasswordAttempts > 0) {
    items.push(item(`Your account locks after ${policy.maxPasswordAttempts} wrong current passwords.`, ""));
  }
  $("rules").replaceChildren(...items);
}

function item(text: string, state: "met" | "unmet" | ""): HTMLLIElement {
  const li = Object.assign(document.createElement("li"), { textContent: text });
  if (state) li.className = state;
  return li;
}

async function submit(): Promise<void> {
  const button = $<HTMLButtonElement>("submit");
  button.disabled = true;
  try {
    // The refusal is explained with the policy's own numbers.
    if (!policy) await loadPolicy();
    const client = createClient(AuthService, transport());
    const res = await client.updateMyPassword(
      { oldPassword: $<HTMLInputElement>("old-password").value, newPassword: $<HTMLInputElement>("new-password").value },
      callOptions(),
    );
    const when = res.details?.changeDate ? new Date(Number(res.details.changeDate.seconds) * 1000) : new Date();
    show("ok", ["Your password has been changed.", "Use the new password from now on."], `Changed at ${when.toLocaleString()}.`);
    $<HTMLInputElement>("old-password").value = "";
    $<HTMLInputElement>("new-password").value = "";
    renderRules(undefined);
  } catch (err) {
    const error = ConnectError.from(err);
    show("error", explainError(error), `Service said: ${error.rawMessage} (code ${Code[error.code]})`);
  } finally {
    button.disabled = false;
  }
}

function situation(failedAttempts: number): { policy?: PolicyFacts; failedAttempts: number } {
  if (!policy) return { failedAttempts };
  const unit = policy.lengthUnit === LengthUnit.UTF8_BYTES ? "bytes" : "characters";
  const facts: PolicyFacts = {
    minLength: policy.minLength,
    maxLength: policy.maxLength,
    unit,
    historyCount: policy.historyCount,
    maxPasswordAttempts: policy.maxPasswordAttempts,
  };
  return { policy: facts, failedAttempts };
}

function explainError(error: ConnectError): string[] {
  const credentials = error.findDetails(CredentialsCheckErrorSchema)[0];
  const id = credentials?.id ?? error.findDetails(ErrorDetailSchema)[0]?.id;
  return explain(id, error.code, error.rawMessage, situation(credentials?.failedAttempts ?? 0));
}

function show(kind: "ok" | "error", lines: string[], small: string): void {
  const result = $("result");
  result.className = kind;
  result.replaceChildren(
    ...lines.map((line) => Object.assign(document.createElement("p"), { textContent: line })),
    Object.assign(document.createElement("p"), { textContent: small, className: "small" }),
  );
}

init();
