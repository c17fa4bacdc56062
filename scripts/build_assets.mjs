// Builds the front-end assets from npm packages into rattvag/core/static/{build,vendor}.
// Run by `make` after `npm ci`; nothing is fetched at run time.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import * as esbuild from "esbuild";
import * as sass from "sass";

const root = new URL("..", import.meta.url).pathname;
const staticDir = `${root}rattvag/core/static`;
const govuk = `${root}node_modules/govuk-frontend/dist/govuk`;

mkdirSync(`${staticDir}/build`, { recursive: true });
mkdirSync(`${staticDir}/vendor`, { recursive: true });

const css = sass.compile(`${root}rattvag/core/frontend/rattvag.scss`, {
  loadPaths: [`${root}node_modules`],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${staticDir}/build/rattvag.css`, css.css);

// Our script with the GOV.UK Frontend components it uses, as one minified file (no imports by path,
// which would bypass the hashed file names of the static files storage).
esbuild.buildSync({
  entryPoints: [`${root}rattvag/core/frontend/app.mjs`],
  outfile: `${staticDir}/build/app.js`,
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  legalComments: "none", // GOV.UK Frontend's "@preserve" comments are doc comments, not licence text
  banner: { js: "/*! Rätt väg; includes GOV.UK Frontend 6 (MIT licence, Crown copyright) */" },
  logLevel: "warning",
});

cpSync(`${govuk}/assets`, `${staticDir}/vendor/govuk-assets`, { recursive: true });
cpSync(`${root}node_modules/htmx.org/dist/htmx.min.js`, `${staticDir}/vendor/htmx.min.js`);
console.log("Front-end assets built.");
