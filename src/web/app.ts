// The account page's script, run in the browser: it enhances forms that
// work without it. It holds no token (the sign-in lives in an HttpOnly
// cookie) and no words of its own: what it shows comes from the server's
// HTML, in the page's language. Bundled by src/web/page.ts.

/** Checks of the rules the page can make as the user types; the rest are made when the form is sent. */
const CHECKS: Record<string, (password: string, args: string[]) => boolean> = {
  length: (password, [min, max, unit]) => {
    // Counted as the service counts: UTF-8 bytes, or code points of the NFKC form under nist.
    const length = unit === "bytes" ? new TextEncoder().encode(password).length : [...password.normalize("NFKC")].length;
    return length >= Number(min) && length <= Number(max);
  },
  lowercase: (password) => /[a-z]/.test(password),
  uppercase: (password) => /[A-Z]/.test(password),
  digit: (password) => /[0-9]/.test(password),
  symbol: (password) => /[^A-Za-z0-9]/.test(password),
};

function init(): void {
  dropResetCode();
  document.addEventListener("input", (event) => {
    if ((event.target as HTMLElement).id === "new-password") markRules();
  });
  document.addEventListener("submit", (event) => {
    const form = event.target as HTMLFormElement;
    // The language menu is a plain navigation.
    if (form.method !== "post") return;
    event.preventDefault();
    void send(form);
  });
}

/** A reset link's code leaves the address bar (and the history) as soon as the page has it in its form. */
function dropResetCode(): void {
  const url = new URL(location.href);
  if (!url.searchParams.has("code")) return;
  url.searchParams.delete("code");
  url.searchParams.delete("user");
  history.replaceState(null, "", url.pathname + url.search);
}

/** Marks each rule met or not for the new password as typed; for screen readers too, in the page's words. */
function markRules(): void {
  const list = document.querySelector<HTMLUListElement>("#rules ul");
  const input = document.getElementById("new-password") as HTMLInputElement | null;
  if (!list || !input) return;
  for (const item of list.querySelectorAll<HTMLLIElement>("li[data-check]")) {
    const [name, ...args] = item.dataset.check!.split(" ");
    const met = input.value === "" ? undefined : CHECKS[name]?.(input.value, args);
    item.className = met === undefined ? "" : met ? "met" : "unmet";
    const mark = item.querySelector(".mark")!;
    mark.textContent = met === undefined ? "" : ` (${met ? list.dataset.met : list.dataset.unmet})`;
  }
}

/**
 * Sends a form as the browser would, and shows the page the server answers
 * with in place: the result goes into the live region, so that screen
 * readers announce it, and the address becomes the one answered.
 */
async function send(form: HTMLFormElement): Promise<void> {
  const buttons = form.querySelectorAll("button");
  for (const b of buttons) b.disabled = true;
  try {
    const res = await fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form) as unknown as Record<string, string>) });
    const next = new DOMParser().parseFromString(await res.text(), "text/html");
    if (res.redirected) history.replaceState(null, "", res.url);
    show(next);
  } catch {
    // Without an answer, the browser's own submission says what went wrong.
    form.submit();
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

function show(next: Document): void {
  document.title = next.title;
  document.documentElement.lang = next.documentElement.lang;
  const content = next.getElementById("content");
  const result = next.getElementById("result");
  const footer = next.querySelector("footer");
  if (!content || !result || !footer) return;
  document.getElementById("content")!.replaceChildren(...content.childNodes);
  document.querySelector("footer")!.replaceChildren(...footer.childNodes);
  const live = document.getElementById("result")!;
  live.replaceChildren();
  live.className = "";
  // Filled on the next frame, so that the change of an emptied region is announced.
  requestAnimationFrame(() => {
    live.className = result.className;
    live.replaceChildren(...result.childNodes);
  });
  document.querySelector<HTMLElement>("#content h1")?.focus();
  markRules();
}

init();
