/**
 * Consentry's import boundaries (ARCHITECTURE.md). `npm run lint` runs this; a cycle or a
 * boundary crossing fails it. Type-only imports count too (tsPreCompilationDeps).
 */
const FEATURES = '(accounts|oauth|console|portfolio|scheduling)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, type-only ones included.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'kernel-and-ui-import-no-feature',
      severity: 'error',
      comment:
        'src/kernel and src/ui are what features stand on: they import no feature, no product and not the composition root.',
      from: { path: '^src/(kernel|ui)/' },
      to: { path: [`^src/${FEATURES}/`, '^src/(app|platform|products|server)\\.ts$', '^src/cli/'] },
    },
    {
      name: 'kernel-imports-no-ui',
      severity: 'error',
      comment: 'The kernel serves every node, pages or not.',
      from: { path: '^src/kernel/' },
      to: { path: '^src/ui/' },
    },
    {
      name: 'features-meet-at-index',
      severity: 'error',
      comment: 'A feature (or a top-level file) uses another feature only through its index.ts.',
      from: { path: '^src/([^/]+)/' },
      to: { path: `^src/${FEATURES}/`, pathNot: ['^src/$1/', `^src/${FEATURES}/index\\.ts$`] },
    },
    {
      name: 'top-level-files-meet-at-index',
      severity: 'error',
      comment: 'app.ts, platform.ts and products.ts use features only through their index.ts.',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: `^src/${FEATURES}/`, pathNot: `^src/${FEATURES}/index\\.ts$` },
    },
    {
      name: 'layers',
      severity: 'error',
      comment:
        'Imports run one way: kernel ← ui ← accounts ← oauth ← console and the products. No feature imports a product or the console.',
      from: { path: '^src/(accounts|oauth|console|portfolio|scheduling)/' },
      to: { path: '^src/(portfolio|scheduling|console)/', pathNot: '^src/$1/' },
    },
    {
      name: 'accounts-below-oauth',
      severity: 'error',
      from: { path: '^src/accounts/' },
      to: { path: '^src/oauth/' },
    },
    {
      name: 'only-the-root-picks-products',
      severity: 'error',
      comment: 'Only the composition root (app.ts through products.ts) imports a product.',
      from: { path: '^src/', pathNot: ['^src/products\\.ts$', '^src/(portfolio|scheduling)/'] },
      to: { path: '^src/(portfolio|scheduling)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
