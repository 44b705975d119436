import { escapeHtml, html, join } from '../../../functions/shared/html';

describe('html template', () => {
  it('escapes every interpolation, in content and in attributes', () => {
    const hostile = `<script>alert("x")</script>' onmouseover='steal()' \`tick\` &amp;`;
    const out = html`<p title="${hostile}">${hostile}</p>`.value;
    expect(out).not.toContain('<script>');
    expect(out).not.toMatch(/'\s*onmouseover/);
    expect(out).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;steal()&#39; &#96;tick&#96; &amp;amp;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;steal()&#39; &#96;tick&#96; &amp;amp;</p>',
    );
  });

  it('nests fragments without escaping them twice, renders lists, skips null, undefined and false', () => {
    const items = ['<a>', 'b&c'];
    expect(html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>${null}${undefined}${false}${0}`.value).toBe('<ul><li>&lt;a&gt;</li><li>b&amp;c</li></ul>0');
    expect(join(['<x>', html`<b>y</b>`], ', ').value).toBe('&lt;x&gt;, <b>y</b>');
    expect(escapeHtml('"\'<>&`')).toBe('&quot;&#39;&lt;&gt;&amp;&#96;');
  });
});
