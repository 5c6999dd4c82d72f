// The change-password page's script, run in the browser. Bundled by
// src/web/page.ts; talks gRPC-Web to the service with Connect's web transport.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { AuthService } from "../../gen/zitadel/auth_pb.js";
import { CredentialsCheckErrorSchema, ErrorDetailSchema } from "../../gen/zitadel/message_pb.js";

interface Settings {
  minLength: number;
  /** 0: wrong passwords never lock the account. */
  maxPasswordAttempts: number;
  /** Origins besides the page's own that the operator allows it to call. */
  apiOrigins: string[];
}

const settings = JSON.parse(document.getElementById("settings")!.textContent!) as Settings;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function init(): void {
  // The page sends passwords only to its own origin, or to one the operator
  // listed: nothing in its URL can change where they go.
  const api = $<HTMLSelectElement>("api");
  for (const origin of [location.origin, ...settings.apiOrigins]) api.add(new Option(origin, origin));
  $("api-choice").hidden = settings.apiOrigins.length === 0;
  $("policy-hint").textContent =
    `At least ${settings.minLength} characters, with a lower-case letter, an upper-case letter, a digit and a symbol.`;
  $<HTMLFormElement>("change-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void submit();
  });
}

async function submit(): Promise<void> {
  const button = $<HTMLButtonElement>("submit");
  button.disabled = true;
  try {
    const client = createClient(AuthService, createGrpcWebTransport({ baseUrl: $<HTMLSelectElement>("api").value }));
    const token = $<HTMLTextAreaElement>("token").value.trim().replace(/^Bearer\s+/i, "");
    const res = await client.updateMyPassword(
      { oldPassword: $<HTMLInputElement>("old-password").value, newPassword: $<HTMLInputElement>("new-password").value },
      { headers: { authorization: `Bearer ${token}` } },
    );
    const when = res.details?.changeDate ? new Date(Number(res.details.changeDate.seconds) * 1000) : new Date();
    show("ok", ["Your password has been changed.", "Use the new password from now on."], `Changed at ${when.toLocaleString()}.`);
    $<HTMLInputElement>("old-password").value = "";
    $<HTMLInputElement>("new-password").value = "";
  } catch (err) {
    const error = ConnectError.from(err);
    show("error", explain(error), `Service said: ${error.rawMessage} (code ${Code[error.code]})`);
  } finally {
    button.disabled = false;
  }
}

/** Every error the service answers, in plain words. */
function explain(error: ConnectError): string[] {
  const credentials = error.findDetails(CredentialsCheckErrorSchema)[0];
  const id = credentials?.id ?? error.findDetails(ErrorDetailSchema)[0]?.id;
  const attempts = credentials?.failedAttempts ?? 0;
  const max = settings.maxPasswordAttempts;
  switch (id) {
    case "COMMAND-3M0fs": {
      const lines = ["Your current password is not correct.", `Failed attempts so far: ${attempts}.`];
      if (max > 0 && attempts >= max) lines.push("Your account is now locked. Ask an administrator to unlock it.");
      else if (max > 0) lines.push(`Your account will be locked after ${max - attempts} more failed attempt${max - attempts === 1 ? "" : "s"}.`);
      return lines;
    }
    case "COMMAND-JLK35":
      return [
        "Your account is locked, so its password cannot be changed.",
        `It was locked after ${attempts} failed attempt${attempts === 1 ? "" : "s"}: no attempts are left. Ask an administrator to unlock it.`,
      ];
    case "DOMAIN-HuJf6":
      return ["The new password is too short.", `It needs at least ${settings.minLength} characters.`];
    case "DOMAIN-co3Xw":
      return ["The new password needs at least one lower-case letter (a to z)."];
    case "DOMAIN-VoaRj":
      return ["The new password needs at least one upper-case letter (A to Z)."];
    case "DOMAIN-ZBv4H":
      return ["The new password needs at least one digit (0 to 9)."];
    case "DOMAIN-ZDLwA":
      return ["The new password needs at least one symbol, such as ! # or -."];
    case "PWSVC-NUL01":
      return ["The new password contains a character that cannot be used (NUL)."];
    case "COMMAND-Aesh5":
      return ["The new password is the same as your current one. Choose a different password."];
    case "COMMAND-G8dh3":
      return ["This account has no password that can be changed here."];
    case "COMMAND-M9dse":
      return ["This account is not set up yet. Finish setting it up first."];
    case "COMMAND-3nJ4t":
      return ["This account has no password yet, so there is none to change."];
    case "PWSVC-BUSY3":
      return ["Another attempt to change this password is under way, or the last wrong one was moments ago.", "Wait a few seconds, then try again."];
    case "PWSVC-SEQ01":
      return ["Your password was changed by another request at the same moment. Please try again."];
  }
  switch (error.code) {
    case Code.Unauthenticated:
      return ["Your token was not accepted: it is missing, mistyped, expired, or from another issuer.", "Get a new token and paste it again."];
    case Code.InvalidArgument:
      return error.rawMessage.includes("at most")
        ? ["The new password is too long: at most 72 bytes (fewer with accented letters or emoji)."]
        : ["Fill in both your current and your new password."];
    case Code.Unavailable:
    case Code.Unknown:
      return ["The password service could not be reached. Check your connection and the service address, then try again."];
    case Code.ResourceExhausted:
      return ["The service is busy right now. Please try again in a moment."];
    default:
      return ["Something went wrong on the service's side. Please try again later."];
  }
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
