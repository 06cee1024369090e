import { createRequire } from 'node:module';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';

/**
 * tree-sitter-bash, loaded once per process. Loading the WebAssembly is
 * asynchronous; every parse after that is synchronous, which keeps a decision
 * a plain function call.
 */
export class ShellParser {
  private constructor(private readonly parser: Parser) {}

  private static loading: Promise<ShellParser> | null = null;

  /** The shared parser; the first call loads the grammar, later calls reuse it. */
  static load(): Promise<ShellParser> {
    ShellParser.loading ??= ShellParser.create().catch((error: unknown) => {
      ShellParser.loading = null;
      throw error;
    });
    return ShellParser.loading;
  }

  private static async create(): Promise<ShellParser> {
    const require = createRequire(import.meta.url);
    await Parser.init();
    const language = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return new ShellParser(parser);
  }

  /**
   * Parses `source` and hands the root to `use`; the tree is freed afterwards
   * (it lives in WebAssembly memory), so `use` must copy what it needs.
   */
  withTree<T>(source: string, use: (root: Node) => T): T {
    const tree: Tree | null = this.parser.parse(source);
    if (!tree) throw new Error('tree-sitter returned no tree');
    try {
      return use(tree.rootNode);
    } finally {
      tree.delete();
    }
  }
}
