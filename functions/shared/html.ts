// A very small HTML template: `html` is a tagged template whose every interpolation is escaped, unless it is
// already SafeHtml (the result of another `html` call). Arrays are rendered item by item; null, undefined and false
// render nothing. There is no other way to put text into a page, so user content cannot become markup.

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Joins fragments with a separator, escaping plain strings. */
export function join(parts: readonly unknown[], separator: string): SafeHtml {
  return new SafeHtml(parts.map(render).join(escapeHtml(separator)));
}
