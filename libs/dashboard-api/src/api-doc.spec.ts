// docs/dashboard-api.md and these types describe the same API: every shape the
// document spells out must have exactly the fields (and optional fields) of its type.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const docPath = fileURLToPath(new URL('../../../docs/dashboard-api.md', import.meta.url));
const indexPath = fileURLToPath(new URL('./index.ts', import.meta.url));
const doc = readFileSync(docPath, 'utf8');

/** The text between the `{` at `open` and its matching `}`. */
function braced(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error(`unbalanced braces after: ${text.slice(open, open + 60)}`);
}

/** Top-level field names of a `{ a, b?: T, c: { … }[] }` body, `?` kept for optional ones. */
function fieldsOf(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts
    .map((part) => /^\s*([A-Za-z0-9]+\??)/.exec(part)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/** `Name = { … }` blocks of the document. */
function documentedShape(name: string): string[] {
  const match = new RegExp(`\\b${name}\\s*=\\s*\\{`).exec(doc);
  if (!match) throw new Error(`docs/dashboard-api.md has no ${name} = { … }`);
  return fieldsOf(braced(doc, match.index + match[0].length - 1));
}

/** The body (before `→`) or answer (after it) of a table row `| METHOD | \`path\` | role | … |`. */
function documentedRow(method: string, path: string, part: 'body' | 'answer'): string[] {
  const row = doc.split('\n').find((line) => line.startsWith(`| ${method} | \`${path}\` |`));
  if (!row) throw new Error(`docs/dashboard-api.md has no row ${method} ${path}`);
  const cell = row.split(' | ').slice(3).join(' | ');
  const arrow = cell.indexOf('→');
  const text = part === 'body' ? cell.slice(0, Math.max(arrow, 0)) : arrow < 0 ? cell : cell.slice(arrow + 1);
  const open = text.indexOf('{');
  if (open < 0) throw new Error(`no { … } in the ${part} of ${method} ${path}`);
  return fieldsOf(braced(text, open));
}

function loadTypes(): (name: string) => string[] {
  const program = ts.createProgram([indexPath], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(indexPath);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error('index.ts did not load');
  const exported = new Map(checker.getExportsOfModule(moduleSymbol).map((s) => [s.name, s]));
  return (name) => {
    const found = exported.get(name);
    if (!found) throw new Error(`@homelab/dashboard-api exports no ${name}`);
    const symbol = found.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(found) : found;
    return checker
      .getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))
      .map((p) => (p.flags & ts.SymbolFlags.Optional ? `${p.name}?` : p.name))
      .sort();
  };
}

const fieldsOfType = loadTypes();

const shapes: [doc: string, type: string][] = [
  ['User', 'User'],
  ['DockerHost', 'DockerHost'],
  ['Container', 'Container'],
  ['ContainerStats', 'ContainerStats'],
  ['Finding', 'Finding'],
  ['HostSample', 'HostSample'],
  ['Peak', 'HostPeak'],
  ['CatalogStatus', 'CatalogStatus'],
  ['CatalogProblem', 'CatalogProblem'],
  ['ConsumerHealth', 'ConsumerHealth'],
  ['DomainStatus', 'DomainStatus'],
  ['LinkScan', 'LinkScan'],
  ['ManagedDatabase', 'ManagedDatabase'],
  ['Backup', 'Backup'],
  ['Restore', 'Restore'],
  ['HomeAssistantState', 'HomeAssistantState'],
  ['HaEntity', 'HaEntity'],
  ['JarvisStatus', 'JarvisStatus'],
  ['Conversation', 'Conversation'],
  ['ChatMessage', 'ChatMessage'],
  ['ToolCall', 'ToolCall'],
  ['ToolApproval', 'ToolApproval'],
  ['GoogleStatus', 'GoogleStatus'],
  ['CalendarEvent', 'CalendarEvent'],
  ['MailSummary', 'MailSummary'],
  ['DriveFile', 'DriveFile'],
];

const rows: [method: string, path: string, part: 'body' | 'answer', type: string][] = [
  ['GET', '/api/auth/status', 'answer', 'AuthStatus'],
  ['POST', '/api/auth/setup', 'body', 'SetupBody'],
  ['POST', '/api/auth/setup', 'answer', 'SignedIn'],
  ['POST', '/api/auth/login', 'body', 'LoginBody'],
  ['POST', '/api/auth/login', 'answer', 'SignedIn'],
  ['POST', '/api/auth/password', 'body', 'PasswordChangeBody'],
  ['GET', '/api/users', 'answer', 'UserList'],
  ['POST', '/api/users', 'body', 'CreateUserBody'],
  ['PATCH', '/api/users/:id', 'body', 'UpdateUserBody'],
  ['GET', '/api/overview', 'answer', 'Overview'],
  ['GET', '/api/docker/hosts', 'answer', 'DockerHostList'],
  ['GET', '/api/containers?host=', 'answer', 'ContainerList'],
  ['DELETE', '/api/containers/:host/:id', 'body', 'RemoveContainerBody'],
  ['GET', '/api/containers/analysis?host=', 'answer', 'ContainerAnalysis'],
  ['GET', '/api/host-metrics/history?range=1h\\|6h\\|24h\\|7d\\|30d&host=', 'answer', 'HostHistory'],
  ['GET', '/api/services', 'answer', 'ServicesOverview'],
  ['GET', '/api/catalog', 'answer', 'Catalog'],
  ['GET', '/api/catalog/source', 'answer', 'CatalogSource'],
  ['PUT', '/api/catalog/source', 'body', 'CatalogSourceBody'],
  ['GET', '/api/catalog/:id/history?range=24h\\|7d\\|30d', 'answer', 'CatalogHistory'],
  ['GET', '/api/jetstream', 'answer', 'JetStreamReport'],
  ['GET', '/api/domains', 'answer', 'DomainList'],
  ['POST', '/api/domains', 'body', 'NewDomainBody'],
  ['POST', '/api/domains/:id/scan', 'answer', 'LinkScanStarted'],
  ['GET', '/api/domains/:id/scans/latest', 'answer', 'LatestLinkScan'],
  ['GET', '/api/alerts?state=open\\|all', 'answer', 'AlertList'],
  ['GET', '/api/databases/templates', 'answer', 'DatabaseTemplateList'],
  ['GET', '/api/databases', 'answer', 'DatabaseList'],
  ['POST', '/api/databases', 'body', 'CreateDatabaseBody'],
  ['PATCH', '/api/databases/:id', 'body', 'UpdateDatabaseBody'],
  ['DELETE', '/api/databases/:id', 'body', 'DeleteDatabaseBody'],
  ['GET', '/api/databases/:id/credentials', 'answer', 'DatabaseCredentials'],
  ['GET', '/api/databases/:id/backups', 'answer', 'BackupList'],
  ['POST', '/api/databases/:id/restore', 'body', 'RestoreDatabaseBody'],
  ['GET', '/api/databases/:id/restores', 'answer', 'RestoreList'],
  ['GET', '/api/jarvis/conversations', 'answer', 'ConversationList'],
  ['POST', '/api/jarvis/conversations', 'body', 'NewConversationBody'],
  ['PATCH', '/api/jarvis/conversations/:id', 'body', 'UpdateConversationBody'],
  ['POST', '/api/jarvis/conversations/:id/messages', 'body', 'SendMessageBody'],
  ['GET', '/api/google/calendar?days=7', 'answer', 'CalendarEventList'],
  ['GET', '/api/google/gmail', 'answer', 'GmailSummary'],
  ['GET', '/api/google/drive', 'answer', 'DriveFileList'],
];

describe('docs/dashboard-api.md and @homelab/dashboard-api', () => {
  it.each(shapes)('%s has the fields of %s', (docName, typeName) => {
    expect(fieldsOfType(typeName)).toEqual(documentedShape(docName));
  });

  it.each(rows)('%s %s: the %s is %s', (method, path, part, typeName) => {
    expect(fieldsOfType(typeName)).toEqual(documentedRow(method, path, part));
  });

  it('reads what the document says, not what it happens to contain', () => {
    expect(fieldsOf(' a, b?: { c, d }[], e: (f | g)[], h ')).toEqual(['a', 'b?', 'e', 'h']);
    expect(() => documentedShape('NoSuchShape')).toThrow(/has no NoSuchShape/);
    expect(() => fieldsOfType('NoSuchType')).toThrow(/exports no NoSuchType/);
  });
});
