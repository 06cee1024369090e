const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Answered for every page while the UI has not been built (no inline style or script: the CSP forbids them). */
export function notBuiltPage(dir: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Dashboard UI not built</title></head>
<body>
<h1>The dashboard's web UI is not built</h1>
<p>The API is running, but there is no UI in <code>${escape(dir)}</code>.</p>
<p>Build it with <code>node tools/build.mjs</code> (which <code>npm start</code> runs), or point <code>DASHBOARD_WEB_DIR</code> at a built copy, then reload this page.</p>
<p>The API answers under <a href="/api/auth/status">/api</a>; health is at <a href="/health">/health</a>.</p>
</body>
</html>
`;
}
