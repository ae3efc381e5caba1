// The widget's and the result's styles, inside their shadow roots so that the host
// page's CSS neither breaks them nor is broken by them. Colours are custom properties
// a host page may set on the element (--sg-accent, --sg-text, --sg-muted, --sg-bg).
export const STYLE = `
:host { display: block; --sg-accent: #1d4ed8; --sg-text: #1a1a1a; --sg-muted: #4b5563; --sg-bg: #fff; --sg-line: #9ca3af;
  --sg-warn-bg: #fff7e6; --sg-warn: #7a4b00; color: var(--sg-text); font: 16px/1.5 system-ui, sans-serif; }
* { box-sizing: border-box; }
.sg { max-width: 40rem; background: var(--sg-bg); }
h2 { font-size: 1.4rem; margin: 0 0 .75rem; }
fieldset { border: 1px solid var(--sg-line); border-radius: 8px; margin: 0 0 1rem; padding: .75rem; min-width: 0; }
legend { font-weight: 600; padding: 0 .25rem; }
fieldset.day { border: 0; border-top: 1px solid var(--sg-line); border-radius: 0; padding: .5rem 0 0; margin: 0 0 .5rem; }
.choices, .slots, .offers, .actions { display: flex; flex-wrap: wrap; gap: .5rem; }
.choice, .slot { display: flex; align-items: center; gap: .5rem; min-height: 44px; padding: .4rem .75rem;
  border: 1px solid var(--sg-line); border-radius: 8px; cursor: pointer; }
.choice { flex: 1 1 100%; }
.choice-meta, .muted, .theirs { color: var(--sg-muted); }
.theirs { font-size: .85rem; }
.slot:has(input:checked), .choice:has(input:checked) { border-color: var(--sg-accent); box-shadow: inset 0 0 0 1px var(--sg-accent); }
.small { font-size: .9rem; }
.zone-row, .week-row { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; margin: 0 0 1rem; }
.zone-row p { flex-basis: 100%; margin: 0; }
.week-row { justify-content: space-between; }
.week-label { margin: 0; font-weight: 600; }
.field { display: flex; flex-direction: column; margin: 0 0 .75rem; }
input:not([type=radio]), select { font: inherit; min-height: 44px; padding: .4rem .5rem; border: 1px solid var(--sg-line); border-radius: 6px; max-width: 100%; }
button, .button { font: inherit; min-height: 44px; padding: .5rem 1rem; border-radius: 8px; border: 1px solid var(--sg-accent);
  background: var(--sg-accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-flex; align-items: center; }
button.secondary { background: var(--sg-bg); color: var(--sg-accent); }
button:disabled { opacity: .6; cursor: not-allowed; }
:focus-visible { outline: 3px solid var(--sg-accent); outline-offset: 2px; }
.notice { background: var(--sg-warn-bg); color: var(--sg-warn); border-radius: 8px; padding: .5rem .75rem; margin: 0 0 .75rem; }
.notice p { margin: .25rem 0; }
.status:not(:empty) { margin-top: 1rem; }
.pool-note { margin: 0 0 .75rem; }
#count-field { margin: .75rem 0 .5rem; }
.summary p { margin: .25rem 0; }
.series-list { margin: .25rem 0 0; padding-left: 1.5rem; }
.series-list li.taken { color: var(--sg-warn); }
.details { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
.details dt { font-weight: 600; }
.details dd { margin: 0; overflow-wrap: anywhere; }
.details ol { margin: 0; padding-left: 1.25rem; }
.field-error { color: #a40000; margin: .25rem 0 0; }
input[aria-invalid=true] { border-color: #a40000; }
button.link { min-height: 0; padding: 0; border: 0; background: none; color: var(--sg-accent); text-decoration: underline; }
.pack-code-row { margin: .5rem 0 0; overflow-wrap: anywhere; }
#pack-offers { margin: 0 0 .75rem; }
[hidden] { display: none !important; }
`;
