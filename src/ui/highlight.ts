import { html, type SafeHtml } from './html.js';

/**
 * Cheap highlighting for SQL and shell: the text is split into tokens and
 * each token is escaped on its own, so highlighting can never turn agent
 * text into markup. Whatever is not recognised stays plain.
 */
const SQL_KEYWORDS = new Set(
  ('select from where insert into values update set delete drop table truncate alter add column create index ' +
    'grant revoke on to and or not null join left right inner outer group by order having limit returning ' +
    'begin commit rollback cascade if exists primary key references database schema view with as distinct union all')
    .split(' '),
);

const SQL_TOKENS = /('(?:[^']|'')*'?|"(?:[^"])*"?|--[^\n]*|\b[A-Za-z_][A-Za-z0-9_]*\b|\s+|.)/gs;
const SHELL_TOKENS = /('[^']*'?|"(?:[^"\\]|\\.)*"?|#[^\n]*|\s--?[A-Za-z0-9][\w-]*|[|&;><]+|[^\s'"|&;><]+|\s+|.)/gs;

export type Language = 'sql' | 'shell' | 'plain';

export function languageOf(actionType: string): Language {
  if (actionType === 'sql') return 'sql';
  if (['shell', 'git', 'kubernetes', 'terraform', 'cloud'].includes(actionType)) return 'shell';
  return 'plain';
}

function sqlToken(token: string): SafeHtml | string {
  if (token.startsWith("'") || token.startsWith('"')) return html`<span class="tok-str">${token}</span>`;
  if (token.startsWith('--')) return html`<span class="tok-com">${token}</span>`;
  if (SQL_KEYWORDS.has(token.toLowerCase())) return html`<span class="tok-kw">${token}</span>`;
  return token;
}

function shellTokens(text: string): (SafeHtml | string)[] {
  let commandNext = true;
  return (text.match(SHELL_TOKENS) ?? []).map((token) => {
    if (/^\s+$/.test(token)) return token;
    if (/^[|&;]+$/.test(token)) {
      commandNext = true;
      return html`<span class="tok-op">${token}</span>`;
    }
    if (token.startsWith("'") || token.startsWith('"')) return html`<span class="tok-str">${token}</span>`;
    if (token.startsWith('#')) return html`<span class="tok-com">${token}</span>`;
    if (/^\s-/.test(token)) return html`<span class="tok-flag">${token}</span>`;
    if (commandNext) {
      commandNext = false;
      return html`<span class="tok-kw">${token}</span>`;
    }
    return token;
  });
}

export function highlight(text: string, language: Language): SafeHtml {
  if (language === 'sql') return html`${(text.match(SQL_TOKENS) ?? []).map(sqlToken)}`;
  if (language === 'shell') return html`${shellTokens(text)}`;
  return html`${text}`;
}
