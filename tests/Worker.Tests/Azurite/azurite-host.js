// Starts Azurite for the storage tests and stops it when the test host that started it goes away.
//
//   node azurite-host.js <path to azurite/dist/src/azurite.js> [azurite options...]
//
// The test host holds this process's stdin open; when the host exits, however it exits (a normal
// end, a crash, a kill after a hang timeout), the pipe closes and Azurite exits with it, so no
// emulator is left listening. Azurite reads its options from process.argv, which therefore looks
// as if azurite.js had been started directly.
"use strict";

const azurite = process.argv[2];
if (!azurite) {
  console.error("usage: node azurite-host.js <azurite.js> [options...]");
  process.exit(2);
}

process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();

process.argv.splice(1, 2, azurite);
require(azurite);
