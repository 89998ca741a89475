#!/usr/bin/env node
// build.mjs — bundle the agent web app and the customer portal with esbuild.
//
//   node web/build.mjs [--outdir DIR] [--stamp FILE --depfile FILE] [--dev]
//
// src/main.jsx (and the CSS it imports) becomes DIR/assets/main-<hash>.js and
// DIR/assets/main-<hash>.css; DIR/index.html references them. DIR defaults to
// web/dist. src/portal/main.jsx likewise becomes assets/portal-<hash>.{js,css}
// and DIR/portal.html. Everything under assets/ is named by its content, so heed serves
// it with a year of caching; index.html never is (it is sent with no-store).
// --stamp and --depfile are for Meson (web/meson.build): the stamp lists the
// files written, and the depfile names every input of the stamp, so ninja
// rebuilds when any source, package or this script changes. The page must
// work under heed's Content-Security-Policy: no inline script or style.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const outdir = resolve(opt('--outdir', join(here, 'dist')));
const stamp = opt('--stamp', null);
const depfile = opt('--depfile', null);
const dev = args.includes('--dev');

let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  console.error('build.mjs: esbuild is missing; run `make node_modules` (npm ci) first');
  process.exit(1);
}

rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, 'assets'), { recursive: true });

// Two pages, each its own bundle: the agent app (src/main.jsx → index.html)
// and the customer portal (src/portal/main.jsx → portal.html, served for
// /portal and /portal/*). Neither shares code at run time with the other.
async function page(name, entry, htmlName, title, noscript) {
  const result = await build({
    entryPoints: { [name]: join(here, entry) },
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome111', 'firefox111', 'safari16.4'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: !dev,
    sourcemap: false,
    legalComments: 'none',
    outdir: join(outdir, 'assets'),
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    loader: { '.svg': 'file', '.woff2': 'file' },
    define: { 'process.env.NODE_ENV': dev ? '"development"' : '"production"' },
    metafile: true,
    logLevel: 'warning',
  });

  const outputs = Object.entries(result.metafile.outputs);
  const asset = (ext) => {
    const hit = outputs.find(([file, o]) => file.endsWith(ext) && o.entryPoint);
    const css = outputs.find(([file]) => file.endsWith(ext));
    const [file] = hit || css || [];
    if (!file) throw new Error(`build.mjs: esbuild produced no ${ext} file`);
    return '/assets/' + relative(join(outdir, 'assets'), resolve(file));
  };
  const js = asset('.js');
  const css = asset('.css');

  // The shell: no inline script or style (the CSP forbids both). The icon is a
  // data: URL so the browser does not ask for /favicon.ico.
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${css}">
<script type="module" src="${js}"></script>
</head>
<body>
<div id="app"></div>
<noscript><p>${noscript}</p></noscript>
</body>
</html>
`;
  writeFileSync(join(outdir, htmlName), html);
  return { files: ['/' + htmlName, js, css], inputs: Object.keys(result.metafile.inputs) };
}

const pages = [
  await page('main', 'src/main.jsx', 'index.html', 'heed', "heed's agent app needs JavaScript."),
  await page('portal', 'src/portal/main.jsx', 'portal.html', 'Help — heed',
    'This help page needs JavaScript. You can also write to us by e-mail.'),
];

if (stamp) {
  writeFileSync(stamp, pages.flatMap((p) => p.files).join('\n') + '\n');
}
if (depfile) {
  // Every input esbuild read, plus this script and the lockfile; the target
  // is the stamp exactly as Meson named it.
  const inputs = [...new Set(pages.flatMap((p) => p.inputs))].map((f) => resolve(f));
  inputs.push(fileURLToPath(import.meta.url), resolve(here, '../package-lock.json'));
  const esc = (p) => p.replace(/ /g, '\\ ');
  writeFileSync(depfile, `${esc(stamp || join(outdir, 'index.html'))}: ${inputs.map(esc).join(' \\\n  ')}\n`);
}
