/** Import rules that keep the layers apart (docs/architecture.md). `npm test` runs them: a forbidden import fails it. */
module.exports = {
  forbidden: [
    {
      name: 'renewal-knows-no-vendor',
      comment:
        'The renewal pipeline talks to MDMs only through the boundary: lib/mdm/mdm-adapter.ts (the adapter) and ' +
        'lib/mdm/renewal-writer.ts (how a renewal is written). It never names a vendor or a transport.',
      severity: 'error',
      from: { path: '^lib/renewal/' },
      to: { path: '^lib/(addigy|addigy-console|mdm/(addigy|jamf-pro|intune|fleet))/' },
    },
    {
      name: 'adapters-know-no-workflow',
      comment: 'Adapters and the console driver never import the workflow: the types they share live at the boundary.',
      severity: 'error',
      from: { path: '^lib/(mdm|addigy|addigy-console)/' },
      to: { path: '^lib/renewal/' },
    },
    {
      name: 'storage-keeps-records-only',
      comment:
        'lib/storage keeps records: no network, no workflow, no vendor code. Allowed: type-only imports (they vanish ' +
        'at build time), the MDM kinds as plain data (lib/mdm/mdm-kinds.ts imports nothing), and the schema of the ' +
        'renewal record and batch record it keeps (lib/renewal/renewal-record.ts, lib/batch/batch-record.ts, checked on ' +
        'the way out of storage).',
      severity: 'error',
      from: { path: '^lib/storage/' },
      to: {
        path: '^lib/(http|apple|addigy|addigy-console|mdm|renewal|batch|capture|watch|reminders|badge|messaging)/',
        pathNot: '^lib/(mdm/mdm-kinds|renewal/renewal-record|batch/batch-record)\\.ts$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'batch-drives-through-ports',
      comment:
        'A batch drives the renewal pipeline and Apple\'s page only through the ports it declares (BatchRenewals, ' +
        'AppleBatchPort in lib/batch/batch-runner.ts): no pipeline code, no page knowledge, no vendor, no network. ' +
        'Type-only imports are allowed (they vanish at build time).',
      severity: 'error',
      from: { path: '^lib/batch/' },
      to: {
        path: '^lib/(renewal|abm|capture|http|apple|addigy|addigy-console|mdm/(addigy|jamf-pro|intune|fleet))/',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'lib-has-no-ui',
      comment: 'lib/ is plain, testable logic: it never imports entrypoints or components.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(entrypoints|components)/' },
    },
    {
      name: 'no-circular',
      comment:
        'No import cycles at run time: each module can be loaded, tested and moved on its own. Type-only hops are ' +
        'not counted (they vanish at build time): lib/storage/database.ts names the connection record type of ' +
        'lib/storage/connections.ts, which opens that database.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.output|\\.wxt)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
