/** The try-it page: a question box, answers with their sources, and 👍 / 👎 buttons. */
export const WEB_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ragbot</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 760px; margin: 2rem auto; padding: 0 1rem; color: #1d1c1d; }
  form { display: flex; gap: .5rem; } input { flex: 1; padding: .6rem; font: inherit; } button { padding: .5rem .9rem; font: inherit; cursor: pointer; }
  .answer { border-left: 3px solid #4a154b; padding: .5rem 1rem; margin: 1rem 0; background: #f8f8f8; white-space: pre-wrap; }
  .sources { font-size: 13px; color: #555; margin-top: .5rem; } .footer { font-size: 12px; color: #777; }
  .question { font-weight: 600; margin-top: 1.5rem; }
</style>
</head>
<body>
<h1>ragbot</h1>
<p>Ask a question about the indexed documents. Answers cite their sources.</p>
<form id="ask"><input id="question" name="question" autocomplete="off" placeholder="how do I drain a haproxy backend?" maxlength="2000" required><button type="submit">Ask</button></form>
<div id="conversation" aria-live="polite"></div>
<script>
const conversation = document.getElementById('conversation');
const el = (tag, className, text) => { const node = document.createElement(tag); if (className) node.className = className; if (text !== undefined) node.textContent = text; return node; };
document.getElementById('ask').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = document.getElementById('question');
  const question = input.value.trim();
  if (!question) return;
  input.value = '';
  conversation.prepend(el('div', 'question', question));
  const box = el('div', 'answer', 'Looking that up…');
  conversation.querySelector('.question').after(box);
  const response = await fetch('/api/web/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) });
  const body = await response.json();
  if (!response.ok) { box.textContent = body.error || 'Something went wrong.'; return; }
  box.textContent = body.text;
  if (body.citations.length) {
    const sources = el('div', 'sources');
    for (const citation of body.citations) sources.append(el('div', 'source', '[' + citation.n + '] ' + citation.title + ' › ' + citation.section + ' — ' + citation.path + ' (' + citation.collection + ')'));
    box.append(sources);
  }
  box.append(el('div', 'footer', 'Searched: ' + (body.scope.join(', ') || 'nothing') + ' · ' + body.outcome));
  for (const [label, reaction] of [['👍', '+1'], ['👎', '-1']]) {
    const button = el('button', 'feedback', label);
    button.dataset.reaction = reaction;
    button.addEventListener('click', async () => {
      const result = await fetch('/api/web/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answerId: body.answerId, reaction, added: true }) });
      button.textContent = label + (result.ok ? ' thanks' : ' failed');
      button.disabled = true;
    });
    box.append(button);
  }
});
</script>
</body>
</html>
`;
