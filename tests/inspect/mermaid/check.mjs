// Parse each Mermaid file named on the command line with the official parser.
// Prints "OK <file>" or "ERROR <file>: <first line of the message>"; exit 1 on any error.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

let failed = false;
for (const file of process.argv.slice(2)) {
  try {
    await mermaid.parse(readFileSync(file, "utf8"));
    console.log(`OK ${file}`);
  } catch (error) {
    failed = true;
    console.log(`ERROR ${file}: ${String(error.message).split("\n")[0]}`);
  }
}
process.exit(failed ? 1 : 0);
