import { describe, expect, it } from 'vitest';
import { highlight } from './highlight.js';
import { html } from './html.js';

describe('html', () => {
  it('escapes every interpolated string, attributes included', () => {
    const hostile = `"><script>alert(1)</script><img src=x onerror='x'>&`;
    expect(html`<p title="${hostile}">${hostile}</p>`.value).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&#39;x&#39;&gt;&amp;">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&#39;x&#39;&gt;&amp;</p>',
    );
  });

  it('keeps markup made by the tag itself and renders nothing for absent values', () => {
    expect(html`<ul>${['<a>', 'b'].map((x) => html`<li>${x}</li>`)}</ul>${undefined}${false}`.value).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul>');
  });
});

describe('highlight', () => {
  it('marks SQL keywords and strings without letting the text become markup', () => {
    const out = highlight(`DROP TABLE "users<script>"; -- <img>`, 'sql').value;
    expect(out).toContain('<span class="tok-kw">DROP</span>');
    expect(out).toContain('<span class="tok-str">&quot;users&lt;script&gt;&quot;</span>');
    expect(out).toContain('<span class="tok-com">-- &lt;img&gt;</span>');
    expect(out).not.toMatch(/<(script|img)/);
  });

  it('marks the shell command, its flags and its operators', () => {
    const out = highlight(`rm -rf /data && echo '<b>'`, 'shell').value;
    expect(out).toContain('<span class="tok-kw">rm</span>');
    expect(out).toContain('<span class="tok-flag"> -rf</span>');
    expect(out).toContain('<span class="tok-op">&amp;&amp;</span>');
    expect(out).toContain('<span class="tok-kw">echo</span>');
    expect(out).toContain('<span class="tok-str">&#39;&lt;b&gt;&#39;</span>');
  });

  it('loses no character of the action', () => {
    const command = `kubectl delete ns prod --all # "why" ; 'x' | tee >> log`;
    const text = highlight(command, 'shell').value.replace(/<[^>]+>/g, '').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(text).toBe(command);
  });
});
