// Usage: node bench/profile-top.mjs <file.cpuprofile> [count] [pattern]
// Prints the functions with the most self time, then (optionally filtered by a regular expression on
// "name path:line") the most inclusive time.
import { formatRows, profileTable, readProfile, topSelf, topTotal } from './lib/cpuprofile.mjs';

const [file, countArg, pattern] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-top.mjs <file.cpuprofile> [count] [pattern]');
  process.exit(2);
}
const count = Number(countArg ?? 30);
const table = profileTable(readProfile(file));
console.log(`total sampled: ${table.totalMs.toFixed(0)} ms\n\nself time:`);
console.log(formatRows(topSelf(table, count), table.totalMs, 'selfMs'));
console.log('\ninclusive time:');
console.log(formatRows(topTotal(table, count, pattern ? new RegExp(pattern) : undefined), table.totalMs, 'totalMs'));
