// Prints vitest's JSON results as one plain closing line: "<suite>: N passed, N failed".
import { readFileSync } from 'node:fs';

const [suite, file] = process.argv.slice(2);
const results = JSON.parse(readFileSync(file, 'utf8'));
const skipped = results.numPendingTests + results.numTodoTests;
console.log(`${suite}: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
