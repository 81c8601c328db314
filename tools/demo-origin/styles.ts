// The site's stylesheet, inlined in every page's <style> (as many news sites do, to save a
// request) and also served at /static/site.css. Plain CSS, no web fonts: the demo works
// offline.

export const SITE_CSS = `
:root { --ink: #1a1a1a; --muted: #5c5c5c; --rule: #d8d4cc; --paper: #fbfaf7; --accent: #8a1c1c; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font: 18px/1.6 Georgia, "Times New Roman", serif; }
a { color: inherit; }
.site-header { border-bottom: 3px double var(--ink); padding: 1rem 1.25rem 0.5rem; text-align: center; }
.site-header > a { display: inline-block; font-size: 2rem; font-weight: bold; letter-spacing: 0.02em;
  text-decoration: none; }
.site-header nav { margin-top: 0.5rem; font: 600 0.8rem/1.4 system-ui, sans-serif;
  letter-spacing: 0.08em; text-transform: uppercase; }
.site-header nav a { display: inline-block; margin: 0 0.5rem 0.25rem; text-decoration: none; color: var(--muted); }
.site-header nav a:hover { color: var(--accent); }
main { max-width: 42rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
.article h1 { font-size: clamp(1.75rem, 5vw, 2.5rem); line-height: 1.15; margin: 0 0 0.75rem; }
.dateline, .byline { margin: 0; font: 0.85rem/1.5 system-ui, sans-serif; color: var(--muted); }
.byline { margin-bottom: 1.5rem; font-weight: 600; }
.article-body p { margin: 0 0 1.1rem; }
.support-box { margin: 2.5rem 0; padding: 1.25rem 1.5rem; border: 1px solid var(--rule);
  border-top: 4px solid var(--accent); background: #fff; }
.support-box h2 { margin: 0 0 0.5rem; font-size: 1.25rem; }
.support-box p { margin: 0; font-size: 0.95rem; }
.comments h2 { font-size: 1.25rem; border-top: 1px solid var(--rule); padding-top: 1.5rem; }
.comment-form label { display: block; margin: 0.75rem 0 0.25rem; font: 600 0.85rem system-ui, sans-serif; }
.comment-form input, .comment-form textarea { width: 100%; padding: 0.5rem; font: inherit;
  border: 1px solid var(--rule); background: #fff; }
.comment-form button { margin-top: 1rem; padding: 0.5rem 1.25rem; font: 600 0.9rem system-ui, sans-serif;
  border: 0; background: var(--ink); color: #fff; cursor: pointer; }
.comment-note { font-size: 0.85rem; color: var(--muted); }
.section-group h2 { font: 700 0.8rem system-ui, sans-serif; letter-spacing: 0.08em; text-transform: uppercase;
  color: var(--accent); border-bottom: 1px solid var(--rule); padding-bottom: 0.25rem; }
.article-list { list-style: none; margin: 0 0 2rem; padding: 0; }
.article-list li { margin-bottom: 1.25rem; }
.article-list a { font-size: 1.3rem; font-weight: bold; line-height: 1.25; text-decoration: none; }
.article-list a:hover { text-decoration: underline; }
.teaser { margin: 0.25rem 0 0; color: var(--muted); font-size: 0.95rem; }
footer { border-top: 1px solid var(--rule); padding: 1.5rem 1.25rem; text-align: center;
  font: 0.8rem/1.5 system-ui, sans-serif; color: var(--muted); }
@media (max-width: 30rem) { body { font-size: 17px; } .site-header > a { font-size: 1.5rem; } }
@media print { .site-header nav, .support-box, .comments, footer { display: none; } }
`.trim();
