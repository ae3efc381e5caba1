// HTML escaping and the shared page layout.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Tagged template that escapes every interpolation unless wrapped in raw(). */
export function h(strings, ...values) {
  let out = strings[0];
  values.forEach((v, i) => {
    out += (Array.isArray(v) ? v.map(toHtml).join('') : toHtml(v)) + strings[i + 1];
  });
  return new Raw(out);
}

class Raw {
  constructor(html) {
    this.html = html;
  }
  toString() {
    return this.html;
  }
}

export const raw = (html) => new Raw(html);

const toHtml = (v) => (v instanceof Raw ? v.html : escapeHtml(v));

export function layout(title, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; color: #1a1f36; }
  .banner { background: #fff4e5; border: 1px solid #f5a623; padding: .5rem .75rem; border-radius: 6px; font-size: .85rem; }
  .amount { font-size: 2rem; font-weight: 600; margin: .5rem 0; }
  table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
  td { padding: .25rem 0; border-bottom: 1px solid #e3e8ee; }
  td:last-child { text-align: right; }
  form { margin: .5rem 0; }
  button { width: 100%; padding: .75rem; font-size: 1rem; border-radius: 6px; border: 1px solid #635bff; background: #635bff; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #635bff; }
  .state { font-size: 1.25rem; font-weight: 600; }
  dt { color: #697386; font-size: .85rem; } dd { margin: 0 0 .5rem 0; }
</style>
</head>
<body>
<p class="banner">Stripe emulator (test mode) &mdash; no real payment is made.</p>
${body}
</body>
</html>
`;
}
