// psp-sandbox dashboard: every action is a call of the admin API (/_sandbox/...), the same the
// tests make; live parts of a page are redrawn from the server when the feed says so.
"use strict";

const TOKEN_KEY = "psp-sandbox-admin-token";

function authHeaders(extra = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { ...extra, Authorization: `Bearer ${token}` } : { ...extra };
}

// Ask for the admin token once (kept for this browser session) when the sandbox wants one.
function askToken() {
  const token = window.prompt("This sandbox has an admin token. Token:");
  if (!token) return false;
  sessionStorage.setItem(TOKEN_KEY, token.trim());
  return true;
}

async function api(method, path, body, tenant) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const headers = authHeaders(body === undefined ? {} : { "Content-Type": "application/json" });
    if (tenant) headers["X-Sandbox-Tenant"] = tenant;
    const answer = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (answer.status === 401 && attempt === 0 && askToken()) continue;
    const text = await answer.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (_) { data = text; }
    if (!answer.ok) {
      const message = data && data.error ? `${data.error.code}: ${data.error.message}` : text;
      throw new Error(`HTTP ${answer.status} ${message}`);
    }
    return data;
  }
  throw new Error("the admin token was refused");
}

function toast(message, failed = false) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.className = failed ? "show failed" : "show";
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.className = ""; }, 4000);
}

// Redraw the page's live parts ([data-live] with an id) from a fresh render of it.
async function refresh() {
  const answer = await fetch(location.href, { headers: authHeaders() });
  if (!answer.ok) return;
  const fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
  const known = new Set([...document.querySelectorAll("tr[data-id]")].map((row) => row.dataset.id));
  for (const part of document.querySelectorAll("[data-live][id]")) {
    const replacement = fresh.getElementById(part.id);
    if (replacement) part.replaceWith(replacement);
  }
  for (const row of document.querySelectorAll("tr[data-id]")) {
    if (known.size && !known.has(row.dataset.id)) row.classList.add("new");
  }
}

let pending = null;
function refreshSoon() {
  clearTimeout(pending);
  pending = setTimeout(() => refresh().catch(() => {}), 150);
}

function fieldsOf(form) {
  const body = {};
  for (const input of form.querySelectorAll("input[name], select[name]")) {
    if (input.value === "") continue;
    body[input.name] = input.hasAttribute("data-number") ? Number(input.value) : input.value;
  }
  return body;
}

async function act(run, done) {
  try {
    const result = await run();
    toast(done(result));
    await refresh();
  } catch (error) {
    toast(error.message, true);
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-api]");
  if (!form) return;
  event.preventDefault();
  act(() => api("POST", form.dataset.api, fieldsOf(form), form.dataset.tenant),
      () => `Done: ${form.querySelector("button[type=submit]").textContent}`);
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-post], button[data-delete], button[data-export]");
  if (!button) return;
  if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
  if (button.dataset.export) {
    act(() => download(button.dataset.export), () => "Case exported");
  } else if (button.dataset.delete) {
    act(() => api("DELETE", button.dataset.delete, undefined, button.dataset.tenant), () => "Cleared");
  } else {
    const body = button.dataset.body ? JSON.parse(button.dataset.body) : undefined;
    act(() => api("POST", button.dataset.post, body), () => `Done: ${button.textContent.trim()}`);
  }
});

document.addEventListener("change", (event) => {
  const input = event.target.closest("input[data-import]");
  if (!input || !input.files.length) return;
  act(async () => {
    const text = await input.files[0].text();
    const answer = await fetch(`/_sandbox/tenants/${encodeURIComponent(input.dataset.import)}/import`, {
      method: "POST", headers: authHeaders({ "Content-Type": "application/json" }), body: text,
    });
    const result = await answer.json();
    if (!answer.ok) throw new Error(`HTTP ${answer.status} ${result.error.code}: ${result.error.message}`);
    return result;
  }, (done) => `Imported ${done.payments} payments from ${done.from_tenant}`);
});

async function download(tenant) {
  const answer = await fetch(`/_sandbox/tenants/${encodeURIComponent(tenant)}/export`, { headers: authHeaders() });
  if (!answer.ok) throw new Error(`HTTP ${answer.status}: ${await answer.text()}`);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await answer.blob());
  link.download = `${tenant}.case.json`;
  link.click();
  URL.revokeObjectURL(link.href);
}

// The live feed, read as a stream (fetch can send the admin token; EventSource cannot).
async function follow(url, onEvent) {
  const live = document.getElementById("live");
  let last = null;
  for (;;) {
    try {
      const headers = authHeaders({ Accept: "text/event-stream" });
      if (last) headers["Last-Event-ID"] = last;
      const answer = await fetch(url, { headers });
      if (answer.status === 401 && askToken()) continue;
      if (!answer.ok) throw new Error(String(answer.status));
      live.className = "live on";
      const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n/g, "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = { event: "message", data: "" };
          for (const line of block.split("\n")) {
            const colon = line.indexOf(":");
            if (colon <= 0) continue;
            event[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, "");
          }
          if (event.id) last = event.id;
          if (event.data) onEvent(event.event, JSON.parse(event.data));
        }
      }
    } catch (_) { /* reconnect below */ }
    live.className = "live off";
    await new Promise((resume) => setTimeout(resume, 1000));
  }
}

const main = document.getElementById("main");
if (main && main.dataset.feed) {
  const payment = main.dataset.payment;
  follow(main.dataset.feed, (kind, data) => {
    if (payment && kind !== "reset" && data.id !== payment && data.payment_id !== payment) return;
    refreshSoon();
  });
}
