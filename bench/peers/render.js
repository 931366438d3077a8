// Peer renderers for `make bench`: docxtemplater and Carbone fill bench/peers/<engine>/template.docx
// from context.json. A long-lived process: bench/run.py sends one JSON request per line on stdin,
// {"engine": "docxtemplater"|"carbone", "count": N, "out": dir}, and gets back one JSON line,
// {"seconds": wall time of the N renders incl. writing the files} (or {"error": ...}), so that
// Node's start and module loading stay out of the per-document time, as Python's do for sakip.
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");

const HERE = __dirname;
const context = JSON.parse(fs.readFileSync(path.join(HERE, "context.json"), "utf8"));

let PizZip, Docxtemplater, carbone;
const loadError = {};
try {
  PizZip = require("pizzip");
  Docxtemplater = require("docxtemplater");
} catch (e) { loadError.docxtemplater = String(e.message || e); }
try {
  carbone = require("carbone");
} catch (e) { loadError.carbone = String(e.message || e); }

const docxtemplaterTemplate = path.join(HERE, "docxtemplater", "template.docx");
const carboneTemplate = path.join(HERE, "carbone", "template.docx");
let docxtemplaterBytes = null; // read once, as sakip's Renderer keeps its template

function renderDocxtemplater(out) {
  if (docxtemplaterBytes === null) docxtemplaterBytes = fs.readFileSync(docxtemplaterTemplate);
  const doc = new Docxtemplater(new PizZip(docxtemplaterBytes), { paragraphLoop: true, linebreaks: true });
  doc.render(context);
  fs.writeFileSync(out, doc.getZip().generate({ type: "nodebuffer", compression: "DEFLATE" }));
}

function renderCarbone(out) {
  return new Promise((resolve, reject) => {
    // No convertTo: DOCX in, DOCX out, LibreOffice is never started.
    carbone.render(carboneTemplate, context, {}, (err, result) => {
      if (err) return reject(new Error(String(err)));
      fs.writeFile(out, result, (e) => (e ? reject(e) : resolve()));
    });
  });
}

async function handle(request) {
  const { engine, count, out } = request;
  if (loadError[engine]) return { error: loadError[engine] };
  fs.mkdirSync(out, { recursive: true });
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const file = path.join(out, `doc-${i}.docx`);
    if (engine === "docxtemplater") renderDocxtemplater(file);
    else if (engine === "carbone") await renderCarbone(file);
    else return { error: `unknown engine ${engine}` };
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

async function main() {
  if (carbone) carbone.set({ tempPath: process.env.SAKIP_PEERS_TMP || require("os").tmpdir() });
  const versions = {};
  for (const name of ["docxtemplater", "pizzip", "carbone"]) {
    try { versions[name] = require(`${name}/package.json`).version; } catch (e) { versions[name] = null; }
  }
  process.stdout.write(JSON.stringify({ ready: true, versions, unavailable: loadError }) + "\n");
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let answer;
    try { answer = await handle(JSON.parse(line)); } catch (e) { answer = { error: String(e.message || e) }; }
    process.stdout.write(JSON.stringify(answer) + "\n");
  }
}

main();
