/**
 * The inspector's HTML: rendered on the server, one <details> per invocation; the page's small
 * script swaps in each row as the server sends it again (Server-Sent Events), so it stays live
 * while a stream is in progress. No build step, no framework.
 */
import type { InvocationRecord } from './journal.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const json = (value: unknown) => escapeHtml(JSON.stringify(value, null, 2) ?? 'undefined');
const ms = (from: number | undefined, to: number | undefined) => (from === undefined || to === undefined ? '–' : `${Math.round(to - from)} ms`);

/** One invocation's row. */
export function renderRecord(r: InvocationRecord, appRequest: unknown): string {
  const t = r.at;
  const timings: Array<[string, string]> = [
    ['event → delivered to Ferry', ms(t.invoked, t.delivered)],
    ['delivered → the app’s first byte', ms(t.delivered, t.prelude ?? t.firstByte)],
    ['first → last byte', ms(t.firstByte, t.lastByte)],
    ['answered → post-response work done', ms(t.done, t.next)],
    ['answered → frozen', ms(t.done, t.freeze)],
  ];
  const bytes = r.response ? `${r.response.bytes} bytes` : '';
  return `<details class="invocation" id="inv-${escapeHtml(r.requestId)}" data-state="${r.state}">
<summary><span class="state">${r.state}</span> <b>${escapeHtml(r.method)} ${escapeHtml(r.url)}</b> <span class="status">${r.status ?? ''}</span> <span class="bytes">${bytes}</span>${r.error ? ` <span class="error">${escapeHtml(r.error)}</span>` : ''}</summary>
<table class="timings">${timings.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>
${r.note ? `<p class="note">${escapeHtml(r.note)}</p>` : ''}
<h3>The event Lambda built</h3><pre class="event">${json(r.event)}</pre>
<h3>The request the app got</h3><pre class="app-request">${json(appRequest)}</pre>
<h3>The result</h3><pre class="result">${r.response ? `${json(r.response.headers)}\n\n${escapeHtml(r.response.bodyPreview)}` : '(none yet)'}</pre>
<h3>Log lines</h3><pre class="logs">${r.logs.map((l) => escapeHtml(`[${l.source}] ${l.line}`)).join('\n') || '(none)'}</pre>
</details>`;
}

// The page's empty icon (`<link rel="icon" href="data:,">`): without it the browser asks the front door for /favicon.ico, which is an
// invocation of the app (and a row here) for every page load.
const SCRIPT = `
const list = document.getElementById('invocations');
const source = new EventSource('/_ferry/events');
source.addEventListener('invocation', (message) => {
  const { id, html } = JSON.parse(message.data);
  const old = document.getElementById(id);
  const open = old?.open;
  const template = document.createElement('template');
  template.innerHTML = html;
  const row = template.content.firstElementChild;
  if (open) row.open = true;
  if (old) old.replaceWith(row); else list.prepend(row);
  document.getElementById('live').textContent = 'live';
});
source.onerror = () => (document.getElementById('live').textContent = 'disconnected');
`;

export function renderPage(rows: string[], notes: string[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ferry inspector</title>
<link rel="icon" href="data:,">
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5rem; }
pre { background: #f4f4f4; padding: .5rem; overflow: auto; max-height: 20rem; }
summary { cursor: pointer; padding: .3rem 0; }
.state { display: inline-block; min-width: 6em; font-family: monospace; }
[data-state=error] .state, .error { color: #b00; }
[data-state=streaming] .state { color: #06c; }
.timings th { text-align: left; font-weight: normal; padding-right: 1rem; }
</style></head>
<body>
<h1>Ferry inspector <small id="live">connecting…</small></h1>
${notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n')}
<div id="invocations">
${rows.reverse().join('\n')}
</div>
<script>${SCRIPT}</script>
</body></html>`;
}
